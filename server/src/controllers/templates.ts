import type { Core } from '@strapi/strapi';
import type { TemplateInput } from '../../../shared/contracts/campaigns';
import { templateSchema } from '../../../shared/validation/campaigns';
import { LayoutInUseError } from '../services/campaigns/templates';
import { getService } from '../utils';
import type { Context } from '../utils/context';
import { answerConflict } from '../utils/conflict';
import { mergeOntoStored } from '../utils/merge';
import { validate } from '../utils/validate';

/** /templates: campaign layouts. */
const templatesController = ({ strapi }: { strapi: Core.Strapi }) => {
  const templates = () => getService(strapi, 'templates');

  return {
    async find(ctx: Context) {
      ctx.body = { data: await templates().list() };
    },

    async findOne(ctx: Context) {
      ctx.body = { data: templates().toPublic(await templates().getOrThrow(ctx.params.documentId)) };
    },

    async create(ctx: Context) {
      const input = await validate<TemplateInput>(templateSchema, ctx.request.body);
      ctx.status = 201;
      ctx.body = { data: templates().toPublic(await templates().create(input)) };
    },

    async update(ctx: Context) {
      const existing = await templates().getOrThrow(ctx.params.documentId);
      const input = await validate<TemplateInput>(templateSchema, mergeOntoStored({ name: existing.name, html: existing.html, text: existing.text }, ctx.request.body));
      ctx.body = { data: templates().toPublic(await templates().update(existing, input)) };
    },

    async delete(ctx: Context) {
      const existing = await templates().getOrThrow(ctx.params.documentId);
      try {
        ctx.body = { data: await templates().delete(existing) };
      } catch (error) {
        if (!(error instanceof LayoutInUseError)) throw error;
        answerConflict(ctx, error.message, { campaigns: error.campaigns });
      }
    },
  };
};

export default templatesController;
