import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { parseCsvRecipients } from '../services/campaigns/csv';
import type { CampaignInput, PreviewInput, RecipientSource, TestSendInput } from '../../../shared/contracts/campaigns';
import { campaignSchema, campaignUpdateSchema, previewSchema, recipientQuerySchema, recipientSourceSchema, sendSchema, testSendSchema } from '../../../shared/validation/campaigns';
import { getService } from '../utils';
import { RAW_BODY, RAW_BODY_TYPE } from '../utils/raw-body';
import type { Context } from '../utils/context';
import { mergeOntoStored } from '../utils/merge';
import { validate } from '../utils/validate';
import { ACTIVITY_EVENTS } from '../../../shared/contracts/activity';
import { recordCampaign, sendEventOf } from '../services/audit/campaign-events';

const campaignsController = ({ strapi }: { strapi: Core.Strapi }) => {
  const campaigns = () => getService(strapi, 'campaigns');
  const load = (ctx: Context) => campaigns().getOrThrow(ctx.params.documentId);
  const answer = async (ctx: Context, campaign: Parameters<ReturnType<typeof campaigns>['toPublic']>[0]) => {
    ctx.body = { data: await campaigns().toPublic(campaign) };
  };

  return {
    async find(ctx: Context) {
      ctx.body = { data: await campaigns().toPublicMany(await campaigns().list()) };
    },

    /** The servers a campaign can be sent through, for editors who may not manage servers. */
    async servers(ctx: Context) {
      ctx.body = { data: await campaigns().serverOptions() };
    },

    async findOne(ctx: Context) {
      await answer(ctx, await load(ctx));
    },

    async create(ctx: Context) {
      const input = await validate<CampaignInput & { recipients?: unknown }>(campaignSchema, ctx.request.body);
      const { campaign, added, rejected } = await campaigns().create(input, input.recipients);
      ctx.status = 201;
      ctx.body = { data: await campaigns().toPublic(campaign), meta: { added, rejected } };
    },

    async update(ctx: Context) {
      const existing = await load(ctx);
      const body = ctx.request.body;
      const merged = mergeOntoStored(
        {
          name: existing.name,
          server: existing.server,
          subject: existing.subject,
          html: existing.html,
          text: existing.text,
          template: existing.template ?? null,
          trackOpens: Boolean(existing.trackOpens),
          trackClicks: Boolean(existing.trackClicks),
        },
        body
      );
      const input = await validate<CampaignInput>(campaignUpdateSchema, merged);
      await answer(ctx, await campaigns().update(existing, input));
    },

    async delete(ctx: Context) {
      const existing = await load(ctx);
      await campaigns().delete(existing);
      ctx.body = { data: { documentId: existing.documentId } };
    },

    /** A JSON list, or a CSV file (text/csv) read in full before Strapi's body parser sees it. */
    async addRecipients(ctx: Context) {
      const campaign = await load(ctx);
      const raw = ctx.state[RAW_BODY] as string | undefined;
      const json = /^application\/json\b/i.test(String(ctx.state[RAW_BODY_TYPE] ?? ''));
      if (raw !== undefined && !json) {
        const { rows, rejected } = parseCsvRecipients(raw);
        const result = await campaigns().addRecipients(campaign, rows.map((r) => r.recipient), 0);
        // Rows are numbered as in the file: the header is row 1.
        const byIndex = rows.map((r) => r.row);
        ctx.body = {
          data: {
            added: result.added,
            rejected: [...rejected, ...result.rejected.map((r) => ({ ...r, row: byIndex[r.row] }))].sort((a, b) => a.row - b.row),
          },
        };
        return;
      }
      let body: unknown = ctx.request.body;
      if (raw !== undefined) {
        try {
          body = JSON.parse(raw);
        } catch {
          throw new errors.ValidationError('The body is not valid JSON.');
        }
      }
      if (body && typeof body === 'object' && !Array.isArray(body) && 'source' in body) {
        const { source } = await validate<{ source: RecipientSource }>(recipientSourceSchema, body);
        ctx.body = { data: await getService(strapi, 'audience').importInto(campaign, ctx.state.userAbility, source) };
        return;
      }
      if (!Array.isArray(body)) {
        throw new errors.ValidationError('Send a JSON list of { email, data } objects, { source: { contentType, filters?, emailField? } }, or a CSV file as text/csv.');
      }
      ctx.body = { data: await campaigns().addRecipients(campaign, body) };
    },

    /** Collection types an audience can be read from, as far as the caller may read them. */
    async sources(ctx: Context) {
      ctx.body = { data: await getService(strapi, 'audience').sources(ctx.state.userAbility) };
    },

    /** How many entries a `{ source }` import would read, before importing. */
    async countSource(ctx: Context) {
      await load(ctx);
      const { source } = await validate<{ source: RecipientSource }>(recipientSourceSchema, ctx.request.body ?? {});
      ctx.body = { data: { count: await getService(strapi, 'audience').count(ctx.state.userAbility, source) } };
    },

    async recipients(ctx: Context) {
      const campaign = await load(ctx);
      const query = await validate<{ status?: string; q?: string; page: number; pageSize: number }>(recipientQuerySchema, ctx.query ?? {});
      ctx.body = await campaigns().listRecipients(campaign, query);
    },

    /** The mail as a recipient gets it; the body's content fields are the form's unsaved edits. */
    async preview(ctx: Context) {
      const campaign = await load(ctx);
      const input = await validate<PreviewInput>(previewSchema, ctx.request.body ?? {});
      ctx.body = { data: await getService(strapi, 'campaign-preview').preview(campaign, input) };
    },

    /** A campaign not saved yet: sample values. */
    async previewUnsaved(ctx: Context) {
      const input = await validate<PreviewInput>(previewSchema, ctx.request.body ?? {});
      ctx.body = { data: await getService(strapi, 'campaign-preview').preview(null, input) };
    },

    async testSend(ctx: Context) {
      const campaign = await load(ctx);
      const input = await validate<TestSendInput>(testSendSchema, ctx.request.body ?? {});
      ctx.body = { data: await getService(strapi, 'campaign-preview').testSend(campaign, input) };
    },

    async send(ctx: Context) {
      const campaign = await load(ctx);
      const { at } = await validate<{ at?: Date | null }>(sendSchema, ctx.request.body ?? {});
      const sent = await campaigns().send(campaign, at);
      await recordCampaign(strapi, sendEventOf(sent), sent);
      await answer(ctx, sent);
    },

    async pause(ctx: Context) {
      const paused = await campaigns().pause(await load(ctx));
      await recordCampaign(strapi, ACTIVITY_EVENTS.campaignPause, paused);
      await answer(ctx, paused);
    },

    async resume(ctx: Context) {
      const resumed = await campaigns().resume(await load(ctx));
      await recordCampaign(strapi, ACTIVITY_EVENTS.campaignResume, resumed);
      await answer(ctx, resumed);
    },

    async cancel(ctx: Context) {
      const cancelled = await campaigns().cancel(await load(ctx));
      await recordCampaign(strapi, ACTIVITY_EVENTS.campaignCancel, cancelled);
      await answer(ctx, cancelled);
    },
  };
};

export default campaignsController;
