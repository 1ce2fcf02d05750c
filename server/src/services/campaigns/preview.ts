import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { BUILT_IN_VARIABLES, type CampaignPreview, type PreviewInput, type TestSendInput } from '../../../../shared/contracts/campaigns';
import { variablesOf } from '../../../../shared/validation/campaigns';
import { UIDS, getService } from '../../utils';
import { fieldError } from '../../utils/validate';
import type { StoredCampaign } from './campaigns';
import { composeLayout, renderSource, type Layout, type MailSource, type RenderedMail } from './content';
import type { Variables } from './template';

/**
 * What a campaign's mail looks like before it goes out: the preview beside the editor and the
 * test send to a few addresses. Neither is tracked, counted or a recipient row, and the
 * unsubscribe link in them leads nowhere: a tester clicking it must not unsubscribe the recipient
 * the mail was rendered for.
 */
const previewService = ({ strapi }: { strapi: Core.Strapi }) => {
  const inertUnsubscribeUrl = () => getService(strapi, 'unsubscribe').url({ campaign: 'preview', recipient: 0, email: 'preview' }).replace(/[^/]+$/, 'preview');

  /** The layout the mail goes in: the one the form names, else the campaign's (its copy once it is under way). */
  const layoutOf = async (campaign: StoredCampaign | null, override: string | null | undefined): Promise<Layout | null> => {
    if (override !== undefined) {
      if (!override) return null;
      const layout = await getService(strapi, 'templates').findOne(override);
      if (!layout) throw fieldError('template', 'No layout has this id: choose one from the list.');
      return { html: layout.html, text: layout.text || null };
    }
    if (!campaign) return null;
    return getService(strapi, 'campaign-renderer').layoutOf(campaign);
  };

  /** The recipient named, else the first one; null when the campaign has none. */
  const recipientFor = async (campaign: StoredCampaign | null, email: string | null | undefined) => {
    if (email) {
      const row = campaign ? await strapi.db.query(UIDS.recipient).findOne({ where: { campaign: campaign.documentId, emailKey: email.trim().toLowerCase() } }) : null;
      if (!row) throw fieldError('email', campaign ? 'This address is not a recipient of the campaign.' : 'An unsaved campaign has no recipients yet.');
      return row;
    }
    if (!campaign) return null;
    return strapi.db.query(UIDS.recipient).findOne({ where: { campaign: campaign.documentId }, orderBy: { id: 'asc' } });
  };

  /** Each variable a recipient must have shown as its own name; those with a default show the default. */
  const sampleVars = (source: MailSource): Variables => {
    const vars: Variables = { email: 'recipient@example.com' };
    for (const name of variablesOf(source.subject, source.html, source.text)) if (!BUILT_IN_VARIABLES.includes(name)) vars[name] = name;
    return vars;
  };

  const build = async (campaign: StoredCampaign | null, input: PreviewInput): Promise<{ mail: RenderedMail; recipient: string | null }> => {
    const body: MailSource = {
      subject: input.subject ?? campaign?.subject ?? '',
      html: input.html !== undefined ? input.html || null : campaign?.html ?? null,
      text: input.text !== undefined ? input.text || null : campaign?.text ?? null,
    };
    const source = composeLayout(body, await layoutOf(campaign, input.template));
    const row = await recipientFor(campaign, input.email);
    const vars: Variables = row ? { ...(row.data ?? {}), email: row.email } : sampleVars(source);
    vars.unsubscribeUrl = inertUnsubscribeUrl();
    const renderer = getService(strapi, 'campaign-renderer');
    return { mail: renderer.renderOnce(source, vars), recipient: row?.email ?? null };
  };

  return {
    async preview(campaign: StoredCampaign | null, input: PreviewInput): Promise<CampaignPreview> {
      const { mail, recipient } = await build(campaign, input);
      return { subject: mail.subject, html: mail.html, text: mail.text, recipient };
    },

    /** The rendered mail to each address through the campaign's server, one mail each (testers do not see each other). */
    async testSend(campaign: StoredCampaign, input: TestSendInput) {
      const server = await getService(strapi, 'servers').findOne(campaign.server);
      if (!server) throw fieldError('server', 'The campaign\'s email server no longer exists: choose another one.');
      if (!server.enabled) throw new errors.ApplicationError(`The email server "${server.name}" is disabled.`);
      const { mail } = await build(campaign, { email: input.email });
      let sent = 0;
      for (const to of input.to) {
        await getService(strapi, 'mailer').sendThrough(server, {
          to,
          subject: `[Test] ${mail.subject}`,
          html: mail.html ?? undefined,
          text: mail.text,
        });
        sent += 1;
      }
      return { sent };
    },
  };
};

export type PreviewService = ReturnType<typeof previewService>;
export default previewService;
