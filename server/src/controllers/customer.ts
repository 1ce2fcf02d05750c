import type { Core } from '@strapi/strapi';
import { getService } from '../utils';
import type { Context } from '../utils/context';

/** The customer's entries beside a conversation, as far as the agent may read them. */
const customerController = ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: Context) {
    ctx.body = { data: await getService(strapi, 'inbox-customer').records(ctx.params.documentId, ctx.state?.userAbility) };
  },
});

export default customerController;
