import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { EmailServerInput } from '../../../shared/contracts/servers';
import { emailServerSchema, testEmailSchema } from '../../../shared/validation/servers';
import { detectSchema } from '../../../shared/validation/detect';
import { ACTIONS } from '../../../shared/permissions';
import { getService } from '../utils';
import type { Context } from '../utils/context';
import { mergeOntoStored } from '../utils/merge';
import { validate } from '../utils/validate';
import { toInput, touchesDefault, type StoredServer } from '../services/servers/servers';
import { ServerInUseError } from '../services/servers/in-use';
import { serverEvents } from '../services/audit/server-events';
import { answerConflict } from '../utils/conflict';

/**
 * The default server carries every Strapi password-reset and invitation mail: making a server the
 * default, or re-pointing the default one, needs its own action on top of create/update.
 */
const assertMayTouchDefault = (ctx: Context, input: EmailServerInput, existing?: StoredServer, onDefaultChain = false) => {
  if (!touchesDefault(input, existing, onDefaultChain)) return;
  if (ctx.state?.userAbility?.can(ACTIONS.serversSetDefault)) return;
  // PolicyError: a 403 whose message reaches the admin (a plain ForbiddenError is reworded to "Forbidden").
  throw new errors.PolicyError(
    onDefaultChain
      ? 'This server is a fallback of the default email server: changing how it connects needs the permission "Set the default server".'
      : existing?.isDefault && input.isDefault
      ? 'Changing how the default email server connects needs the permission "Set the default server".'
      : 'Making a server the default (or no longer the default) needs the permission "Set the default server".'
  );
};

/**
 * A SendGrid server's webhook key decides whose signed events may mark recipients bounced or
 * unsubscribed and fill the suppression list: changing it needs `suppressions.update` too.
 */
const assertMayChangeWebhookKey = (ctx: Context, input: EmailServerInput, existing: StoredServer) => {
  if ((input.webhookPublicKey ?? null) === (existing.webhookPublicKey ?? null) || !input.webhookPublicKey) return;
  if (ctx.state?.userAbility?.can(ACTIONS.suppressionsUpdate)) return;
  throw new errors.PolicyError(
    'Changing the Event Webhook verification key needs the permission "Edit the suppression list": the key decides whose events may suppress addresses.'
  );
};

const serversController = ({ strapi }: { strapi: Core.Strapi }) => {
  const servers = () => getService(strapi, 'servers');
  const events = () => serverEvents(strapi);
  const checkOf = (check: { ok: boolean; message: string } | null) => (check ? { ok: check.ok, message: check.message } : null);
  /** One server as a response shows it, with its counts. */
  const answer = async (server: StoredServer) => (await servers().toPublicWithUsage([server]))[0];

  return {
    async find(ctx: Context) {
      const list = await servers().list();
      ctx.body = { data: await servers().toPublicWithUsage(list) };
    },

    async findOne(ctx: Context) {
      const server = await servers().getOrThrow(ctx.params.documentId);
      ctx.body = { data: await answer(server) };
    },

    async create(ctx: Context) {
      const input = await validate<EmailServerInput>(emailServerSchema, ctx.request.body);
      assertMayTouchDefault(ctx, input);
      const previousDefault = await events().defaultBefore(input);
      const created = await servers().create(input);
      await events().saved(created, undefined, input, previousDefault);
      ctx.status = 201;
      ctx.body = { data: await answer(created) };
    },

    async update(ctx: Context) {
      const existing = await servers().getOrThrow(ctx.params.documentId);
      const body = ctx.request.body;
      // A PUT may carry only the fields that change: it is validated merged onto the stored
      // server, so the rules that span fields (type, both-or-neither) still see the whole.
      const merged = mergeOntoStored(toInput(existing), body);
      const input = await validate<EmailServerInput>(emailServerSchema, merged, servers().schemaContext(existing) as Record<string, unknown>);
      const onDefaultChain = !existing.isDefault && (await servers().onDefaultChain(existing.documentId));
      assertMayTouchDefault(ctx, input, existing, onDefaultChain);
      assertMayChangeWebhookKey(ctx, input, existing);
      const previousDefault = await events().defaultBefore(input, existing);
      const updated = await servers().update(existing, input);
      await events().saved(updated, existing, input, previousDefault);
      ctx.body = { data: await answer(updated) };
    },

    async verify(ctx: Context) {
      const server = await servers().getOrThrow(ctx.params.documentId);
      const result = await getService(strapi, 'checks').verify(server);
      const ok = result.outgoing.ok && (result.incoming?.ok ?? true);
      await events().tested(server, { kind: 'verify', ok, outgoing: checkOf(result.outgoing), incoming: checkOf(result.incoming) });
      ctx.body = { data: result };
    },

    async testEmail(ctx: Context) {
      const server = await servers().getOrThrow(ctx.params.documentId);
      const { to } = await validate<{ to: string }>(testEmailSchema, ctx.request.body);
      // `server`: the name of the server that took it, a fallback when this one could not.
      let sent: { messageId: string; server: string };
      try {
        sent = await getService(strapi, 'checks').sendTestEmail(server, to);
      } catch (error: any) {
        await events().tested(server, { kind: 'email', to, ok: false, message: error?.message ?? 'The test email failed.' });
        throw error;
      }
      // `ok` is this server's test; `server` says whether it or a fallback took the mail.
      await events().tested(server, { kind: 'email', to, ok: true, message: null, server: sent.server });
      ctx.body = { data: { messageId: sent.messageId, server: sent.server } };
    },

    /** Proposes settings for an address (presets, MX, SRV, autoconfig); stores nothing. */
    async detect(ctx: Context) {
      const { email } = await validate<{ email: string }>(detectSchema, ctx.request.body);
      ctx.body = { data: await getService(strapi, 'detect').detect(email) };
    },

    async delete(ctx: Context) {
      const existing = await servers().getOrThrow(ctx.params.documentId);
      try {
        await servers().delete(existing);
      } catch (error) {
        if (!(error instanceof ServerInUseError)) throw error;
        return answerConflict(ctx, error.message, { campaigns: error.campaigns });
      }
      await events().deleted(existing);
      ctx.body = { data: { documentId: existing.documentId } };
    },
  };
};

export default serversController;
