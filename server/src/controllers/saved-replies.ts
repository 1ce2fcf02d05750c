import type { Core } from '@strapi/strapi';
import { getService } from '../utils';
import type { Context } from '../utils/context';
import { validate } from '../utils/validate';
import type { SavedReplyInput } from '../../../shared/contracts/inbox';
import { savedReplyRenderSchema, savedReplySchema } from '../../../shared/validation/inbox';

/** /saved-replies: the canned answers agents insert from the reply box. */
const savedRepliesController = ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: Context) {
    ctx.body = { data: await getService(strapi, 'saved-replies').list() };
  },

  async create(ctx: Context) {
    const input = await validate<SavedReplyInput>(savedReplySchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = { data: await getService(strapi, 'saved-replies').create(input) };
  },

  async update(ctx: Context) {
    const input = await validate<SavedReplyInput>(savedReplySchema, ctx.request.body);
    ctx.body = { data: await getService(strapi, 'saved-replies').update(ctx.params.documentId, input) };
  },

  async delete(ctx: Context) {
    ctx.body = { data: await getService(strapi, 'saved-replies').delete(ctx.params.documentId) };
  },

  async render(ctx: Context) {
    const { conversation } = await validate<{ conversation: string }>(savedReplyRenderSchema, ctx.request.body);
    ctx.body = { data: await getService(strapi, 'saved-replies').render(ctx.params.documentId, conversation, ctx.state.user) };
  },
});

export default savedRepliesController;
