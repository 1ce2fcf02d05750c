import type { Core } from '@strapi/strapi';
import { activityQuerySchema } from '../../../shared/validation/activity';
import { getService } from '../utils';
import type { Context } from '../utils/context';
import { validate } from '../utils/validate';

/** A server's recent activity: its own events and its campaigns', newest first. */
const activityController = ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: Context) {
    const server = await getService(strapi, 'servers').getOrThrow(ctx.params.documentId);
    const { before } = await validate<{ before?: number | null }>(activityQuerySchema, { ...ctx.query });
    ctx.body = await getService(strapi, 'activity').listForServer(server.documentId, before ?? null);
  },
});

export default activityController;
