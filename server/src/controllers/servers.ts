import type { Core } from '@strapi/strapi';
import { emailServerSchema, testEmailSchema, type EmailServerInput } from '../validation/email-server';
import { getService } from '../utils';
import { validate } from '../utils/validate';
import { storedSecrets, toInput, toPublic } from '../services/servers';

const serversController = ({ strapi }: { strapi: Core.Strapi }) => {
  const servers = () => getService(strapi, 'servers');

  return {
    async find(ctx: any) {
      const list = await servers().list();
      ctx.body = { data: list.map(toPublic) };
    },

    async findOne(ctx: any) {
      const server = await servers().getOrThrow(ctx.params.documentId);
      ctx.body = { data: toPublic(server) };
    },

    async create(ctx: any) {
      const input = await validate<EmailServerInput>(emailServerSchema, ctx.request.body);
      const created = await servers().create(input);
      ctx.status = 201;
      ctx.body = { data: toPublic(created) };
    },

    async update(ctx: any) {
      const existing = await servers().getOrThrow(ctx.params.documentId);
      const body = ctx.request.body;
      // A PUT may carry only the fields that change: it is validated merged onto the stored
      // server, so the rules that span fields (type, both-or-neither) still see the whole.
      const merged =
        body && typeof body === 'object' && !Array.isArray(body) ? { ...toInput(existing), ...body } : body;
      const input = await validate<EmailServerInput>(emailServerSchema, merged, {
        stored: storedSecrets(existing),
      });
      const updated = await servers().update(existing, input);
      ctx.body = { data: toPublic(updated) };
    },

    async verify(ctx: any) {
      const server = await servers().getOrThrow(ctx.params.documentId);
      ctx.body = { data: await getService(strapi, 'checks').verify(server) };
    },

    async testEmail(ctx: any) {
      const server = await servers().getOrThrow(ctx.params.documentId);
      const { to } = await validate<{ to: string }>(testEmailSchema, ctx.request.body);
      const { messageId } = await getService(strapi, 'checks').sendTestEmail(server, to);
      ctx.body = { data: { messageId } };
    },

    async delete(ctx: any) {
      const existing = await servers().getOrThrow(ctx.params.documentId);
      await servers().delete(existing);
      ctx.body = { data: { documentId: existing.documentId } };
    },
  };
};

export default serversController;
