import type { Core } from '@strapi/strapi';
import type { SuppressionReason } from '../../../shared/contracts/campaigns';
import { suppressionQuerySchema, suppressionSchema } from '../../../shared/validation/campaigns';
import { getService } from '../utils';
import type { Context } from '../utils/context';
import { validate } from '../utils/validate';
import { ACTIVITY_EVENTS } from '../../../shared/contracts/activity';
import type { ActivityService } from '../services/audit/activity';

const suppressionsController = ({ strapi }: { strapi: Core.Strapi }) => {
  const suppressions = () => getService(strapi, 'suppressions');
  const record = (...args: Parameters<ActivityService['record']>) => getService(strapi, 'activity').record(...args);
  return {
    async find(ctx: Context) {
      const query = await validate<{ q?: string; page: number; pageSize: number }>(suppressionQuerySchema, ctx.query ?? {});
      ctx.body = await suppressions().list(query);
    },

    async create(ctx: Context) {
      const { email, reason } = await validate<{ email: string; reason?: SuppressionReason }>(suppressionSchema, ctx.request.body);
      const admin = ctx.state?.user?.email as string | undefined;
      const added = await suppressions().add(email, reason ?? 'manual', admin ? `added by ${admin}` : 'added in the admin panel');
      await record(ACTIVITY_EVENTS.suppressionCreate, { subject: { type: 'suppression', documentId: added.documentId, name: added.email }, details: { count: 1, reason: added.reason } });
      ctx.status = 201;
      ctx.body = { data: added };
    },

    async delete(ctx: Context) {
      const { documentId, email } = await suppressions().remove(ctx.params.documentId);
      await record(ACTIVITY_EVENTS.suppressionDelete, { subject: { type: 'suppression', documentId, name: email }, details: { count: 1 } });
      ctx.body = { data: { documentId } };
    },
  };
};

export default suppressionsController;
