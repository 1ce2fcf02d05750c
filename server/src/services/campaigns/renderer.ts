import type { Core } from '@strapi/strapi';
import { getService } from '../../utils';
import type { StoredCampaign } from './campaigns';
import { renderSource, type Layout, type MailSource, type RenderedMail } from './content';
import type { Variables } from './template';

/** Turns a campaign into its mails: the layout it goes in, and the rendering itself. */
const rendererService = ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * A draft is shown in its layout as the layout is now; once sent or scheduled, the copy taken
   * then, so editing or deleting the layout never changes a campaign under way.
   */
  async layoutOf(campaign: StoredCampaign): Promise<Layout | null> {
    if (campaign.status !== 'draft') {
      return campaign.layoutHtml || campaign.layoutText ? { html: campaign.layoutHtml ?? null, text: campaign.layoutText ?? null } : null;
    }
    if (!campaign.template) return null;
    const layout = await getService(strapi, 'templates').findOne(campaign.template);
    return layout ? { html: layout.html, text: layout.text || null } : null;
  },

  /** One mail from a source seen once (a preview, a test). */
  renderOnce(source: MailSource, vars: Variables): RenderedMail {
    return renderSource(source, vars);
  },
});

export type RendererService = ReturnType<typeof rendererService>;
export default rendererService;
