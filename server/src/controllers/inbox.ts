import type { Core } from '@strapi/strapi';
import { NeedsAttentionError } from '../services/inbox/poller';
import { getService } from '../utils';
import type { Context } from '../utils/context';
import { validate } from '../utils/validate';
import type { ConversationStatus } from '../../../shared/contracts/inbox';
import { conversationQuerySchema, conversationUpdateSchema, replySchema } from '../../../shared/validation/inbox';

const inboxController = ({ strapi }: { strapi: Core.Strapi }) => ({
  async fetch(ctx: Context) {
    const server = await getService(strapi, 'servers').getOrThrow(ctx.params.documentId);
    try {
      ctx.body = { data: await getService(strapi, 'poller').fetchNow(server) };
    } catch (error) {
      if (!(error instanceof NeedsAttentionError)) throw error;
      // 409: the server is in a state that forbids fetching until a person fixes it. Answered
      // here in Strapi's error shape; Strapi has no 409 error class, and ctx.throw would log a stack.
      ctx.status = 409;
      ctx.body = { data: null, error: { status: 409, name: 'ConflictError', message: error.message, details: {} } };
    }
  },

  /** The servers that receive mail, for the inbox's filter and its "Fetch now". */
  async servers(ctx: Context) {
    ctx.body = { data: await getService(strapi, 'inbox').servers() };
  },

  async find(ctx: Context) {
    const query = await validate<any>(conversationQuerySchema, { ...ctx.query });
    ctx.body = await getService(strapi, 'inbox').list(query, { ability: ctx.state?.userAbility });
  },

  async findOne(ctx: Context) {
    const remote = ctx.query?.remote === 'true' || ctx.query?.remote === '1';
    ctx.body = { data: await getService(strapi, 'inbox').get(ctx.params.documentId, { remote }) };
  },

  async update(ctx: Context) {
    const { status } = await validate<{ status: ConversationStatus }>(conversationUpdateSchema, ctx.request.body);
    ctx.body = { data: await getService(strapi, 'inbox').setStatus(ctx.params.documentId, status) };
  },

  async reply(ctx: Context) {
    const body = await validate<{ text: string; html?: string }>(replySchema, ctx.request.body);
    const agent = ctx.state?.user?.email as string | undefined;
    ctx.body = { data: await getService(strapi, 'inbox').reply(ctx.params.documentId, body, agent) };
  },

  async attachment(ctx: Context) {
    const index = Number(ctx.params.index);
    const file = await getService(strapi, 'inbox').attachment(ctx.params.documentId, Number.isInteger(index) ? index : -1);
    ctx.set('Content-Type', file.contentType || 'application/octet-stream');
    // Always a download: an attached HTML file must not render in the admin's origin.
    ctx.set('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.body = file.content;
  },
});

export default inboxController;
