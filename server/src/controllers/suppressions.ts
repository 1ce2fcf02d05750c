import type { Core } from '@strapi/strapi';
import type { SuppressionReason } from '../../../shared/contracts/campaigns';
import { suppressionQuerySchema, suppressionSchema } from '../../../shared/validation/campaigns';
import { getService } from '../utils';
import type { Context } from '../utils/context';
import { validate } from '../utils/validate';

const suppressionsController = ({ strapi }: { strapi: Core.Strapi }) => {
  const suppressions = () => getService(strapi, 'suppressions');
  return {
    async find(ctx: Context) {
      const query = await validate<{ q?: string; page: number; pageSize: number }>(suppressionQuerySchema, ctx.query ?? {});
      ctx.body = await suppressions().list(query);
    },

    async create(ctx: Context) {
      const { email, reason } = await validate<{ email: string; reason?: SuppressionReason }>(suppressionSchema, ctx.request.body);
      const admin = ctx.state?.user?.email as string | undefined;
      ctx.status = 201;
      ctx.body = { data: await suppressions().add(email, reason ?? 'manual', admin ? `added by ${admin}` : 'added in the admin panel') };
    },

    async delete(ctx: Context) {
      ctx.body = { data: await suppressions().remove(ctx.params.documentId) };
    },
  };
};

export default suppressionsController;
