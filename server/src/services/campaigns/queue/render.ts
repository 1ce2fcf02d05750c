import type { BatchRecipient } from '../../../adapters/sendgrid';
import type { OutgoingMessage } from '../../../adapters/types';
import { getService } from '../../../utils';
import type { StoredServer } from '../../servers/servers';
import type { StoredCampaign } from '../campaigns';
import { render } from '../template';
import { instrumentCampaign } from '../tracking';
import { escapeHtml } from '../../../utils/html';
import type { ClaimedRow, QueueContext } from './context';

const domainOf = (address: string) => address.split('@')[1] || 'localhost';

/** What every mail of a campaign carries; per recipient only the variables differ. */
export const personal = (q: Pick<QueueContext, 'strapi'>, campaign: StoredCampaign, row: ClaimedRow) => {
  const unsubscribeUrl = getService(q.strapi, 'unsubscribe').url({ campaign: campaign.documentId, recipient: row.id, email: row.email });
  return {
    vars: { ...(row.data ?? {}), email: row.email, unsubscribeUrl },
    headers: {
      'X-Campaign-Recipient': `${campaign.documentId}/${row.id}`,
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
};

/** The HTML with this recipient's tracking URLs; until Liquid reads `_track.*` (branch render), filled in here. */
const trackedHtml = (q: QueueContext, campaign: StoredCampaign, row: ClaimedRow) => {
  if (!campaign.html || !(campaign.trackClicks || campaign.trackOpens)) return campaign.html;
  const { html, links } = instrumentCampaign(campaign);
  const track = getService(q.strapi, 'tracking').vars(
    { campaign: campaign.documentId, recipient: row.id, email: row.email },
    { clicks: Boolean(campaign.trackClicks), opens: Boolean(campaign.trackOpens), links: links.length }
  );
  return html.replace(/\{\{ _track\.(\w+) \}\}/g, (_, key: string) => escapeHtml((track as Record<string, string | undefined>)[key] ?? ''));
};

/** One recipient's whole mail, for a relay that takes one mail per recipient (SMTP). */
export const renderMail = (q: QueueContext, server: StoredServer, campaign: StoredCampaign, row: ClaimedRow): OutgoingMessage => {
  const { vars, headers } = personal(q, campaign, row);
  return {
    from: { address: server.senderEmail, name: server.senderName || undefined },
    replyTo: server.replyTo || undefined,
    to: [row.email],
    subject: render(campaign.subject, vars, 'header')!,
    html: render(trackedHtml(q, campaign, row), vars, 'html'),
    text: render(campaign.text, vars, 'text'),
    headers,
    messageId: `<${campaign.documentId}.${row.id}@${domainOf(server.senderEmail)}>`,
  };
};

/** One recipient's personalization of a SendGrid batch: the body is shared, the variables are substitutions. */
export const renderPersonalization = (q: QueueContext, campaign: StoredCampaign, row: ClaimedRow, names: string[]): BatchRecipient => {
  const { vars, headers } = personal(q, campaign, row);
  const substitutions: Record<string, string> = {};
  for (const name of names) {
    substitutions[`h:${name}`] = render(`{{${name}}}`, vars, 'html')!;
    substitutions[`t:${name}`] = render(`{{${name}}}`, vars, 'text')!;
  }
  return {
    to: row.email,
    subject: render(campaign.subject, vars, 'header')!,
    substitutions,
    headers,
    customArgs: { campaign: campaign.documentId, recipient: String(row.id) },
  };
};
