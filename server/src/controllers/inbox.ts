import type { Core } from '@strapi/strapi';
import { NeedsAttentionError } from '../services/inbox/poller';
import { OwnerChangedError } from '../services/inbox/ownership';
import { getService } from '../utils';
import type { Context } from '../utils/context';
import { answerConflict } from '../utils/conflict';
import { validate } from '../utils/validate';
import { MULTIPART, type MultipartBody } from '../utils/multipart';
import type { ConversationUpdate, ForwardInput, ReplyInput } from '../../../shared/contracts/inbox';
import { ACTIONS } from '../../../shared/permissions';
import { changesQuerySchema, conversationQuerySchema, conversationUpdateSchema, forwardSchema, noteSchema, replySchema } from '../../../shared/validation/inbox';

/** `to[2]` → `to`: the form shows an address list's error under the list's field. */
const onListFields = async <T>(run: () => Promise<T>): Promise<T> => {
  try {
    return await run();
  } catch (error: any) {
    for (const item of error?.details?.errors ?? []) {
      if (Array.isArray(item.path) && typeof item.path[0] === 'string') item.path = [item.path[0].replace(/\[\d+\]$/, '')];
    }
    throw error;
  }
};

/** The admin user asking: unread, "mine" and authorship are theirs. */
const viewer = (ctx: Context) => ctx.state?.user?.id as number | undefined;

const agentOf = (ctx: Context) => ({ id: viewer(ctx), email: ctx.state?.user?.email as string | undefined });

const inboxController = ({ strapi }: { strapi: Core.Strapi }) => ({
  async fetch(ctx: Context) {
    const server = await getService(strapi, 'servers').getOrThrow(ctx.params.documentId);
    try {
      ctx.body = { data: await getService(strapi, 'poller').fetchNow(server) };
    } catch (error) {
      if (!(error instanceof NeedsAttentionError)) throw error;
      // 409: the server is in a state that forbids fetching until a person fixes it.
      answerConflict(ctx, error.message);
    }
  },

  /** The servers that receive mail, for the inbox's filter and its "Fetch now". */
  async servers(ctx: Context) {
    ctx.body = { data: await getService(strapi, 'inbox').servers() };
  },

  async find(ctx: Context) {
    const query = await validate<any>(conversationQuerySchema, { ...ctx.query });
    ctx.body = await getService(strapi, 'inbox').list(query, viewer(ctx), ctx.state?.userAbility);
  },

  async findOne(ctx: Context) {
    const remote = ctx.query?.remote === 'true' || ctx.query?.remote === '1';
    ctx.body = { data: await getService(strapi, 'inbox').get(ctx.params.documentId, { remote, viewer: viewer(ctx) }) };
  },

  async update(ctx: Context) {
    const input = await validate<ConversationUpdate>(conversationUpdateSchema, ctx.request.body);
    const caller = { id: viewer(ctx)!, canAssign: Boolean(ctx.state?.userAbility?.can(ACTIONS.inboxAssign)) };
    try {
      ctx.body = { data: await getService(strapi, 'ownership').update(ctx.params.documentId, input, caller) };
    } catch (error) {
      if (!(error instanceof OwnerChangedError)) throw error;
      answerConflict(ctx, error.message);
    }
  },

  async addNote(ctx: Context) {
    const { text } = await validate<{ text: string }>(noteSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = { data: await getService(strapi, 'notes').add(ctx.params.documentId, text, ctx.state.user) };
  },

  /**
   * The active admin users, for the assign picker. Their emails only for those who may assign:
   * Strapi itself shows admins' emails only with admin::users.read, and a name and id are all the
   * picker and the owner column need.
   */
  async agents(ctx: Context) {
    const agents = await getService(strapi, 'agents').active();
    const canAssign = Boolean(ctx.state?.userAbility?.can(ACTIONS.inboxAssign));
    ctx.body = { data: canAssign ? agents : agents.map(({ email: _email, ...agent }) => agent) };
  },

  /** What the admin pages poll (README "Inbox" → "Live updates"). */
  async changes(ctx: Context) {
    const { since } = await validate<{ since?: string }>(changesQuerySchema, { ...ctx.query });
    ctx.body = { data: await getService(strapi, 'changes').since(since, viewer(ctx)) };
  },

  /** JSON, or multipart/form-data with files under `files` (read by the route's `readMultipart`). */
  async reply(ctx: Context) {
    const form = ctx.state[MULTIPART] as MultipartBody | undefined;
    const body = await onListFields(() => validate<ReplyInput>(replySchema, form ? form.fields : ctx.request.body));
    ctx.body = { data: await getService(strapi, 'inbox').reply(ctx.params.documentId, body, form?.files ?? [], agentOf(ctx)) };
  },

  async forward(ctx: Context) {
    const body = await onListFields(() => validate<ForwardInput>(forwardSchema, ctx.request.body));
    ctx.body = { data: await getService(strapi, 'inbox').forward(ctx.params.documentId, body, agentOf(ctx)) };
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
