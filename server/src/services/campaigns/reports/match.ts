/**
 * Which campaign mail a report, reply or auto-reply is about, from the ids our campaign mails
 * carry (services/campaigns/queue/render.ts):
 *   Message-ID: <campaignDocumentId.recipientId@senderDomain>
 *   X-Campaign-Recipient: campaignDocumentId/recipientId
 * and whether the address a report names is that recipient's.
 */

export interface CampaignTarget {
  campaign: string;
  recipient: number;
}

const DOCUMENT_ID = '[a-z0-9]{24}';
const MESSAGE_ID = new RegExp(`<(${DOCUMENT_ID})\\.(\\d{1,12})@[^<>\\s]{1,255}>`, 'gi');
const RECIPIENT_HEADER = new RegExp(`^(${DOCUMENT_ID})/(\\d{1,12})$`, 'i');

/** Ids are int4 on PostgreSQL: a larger one names nothing, and looking it up would fail the batch (22003). */
const MAX_ID = 2147483647;

const target = (campaign: string, recipient: string): CampaignTarget | null => {
  const id = Number(recipient);
  return Number.isSafeInteger(id) && id > 0 && id <= MAX_ID ? { campaign: campaign.toLowerCase(), recipient: id } : null;
};

/** The campaign mail a Message-ID names, or null. */
export const targetOfMessageId = (value: string | null | undefined): CampaignTarget | null => {
  if (!value) return null;
  MESSAGE_ID.lastIndex = 0;
  const m = MESSAGE_ID.exec(value.trim().startsWith('<') ? value.trim() : `<${value.trim()}>`);
  return m && m.index === 0 ? target(m[1], m[2]) : null;
};

/** The campaign mail an `X-Campaign-Recipient` value names, or null. */
export const targetOfRecipientHeader = (value: string | null | undefined): CampaignTarget | null => {
  const m = value ? RECIPIENT_HEADER.exec(value.trim()) : null;
  return m ? target(m[1], m[2]) : null;
};

/**
 * Campaign mails named anywhere in a text (In-Reply-To and References, however many): a scan,
 * not a split, so 70,000 references cost one pass. At most `max`, first named first.
 */
export const targetsIn = (text: string, max = 5): CampaignTarget[] => {
  const out: CampaignTarget[] = [];
  const seen = new Set<string>();
  MESSAGE_ID.lastIndex = 0;
  for (let m = MESSAGE_ID.exec(text); m && out.length < max; m = MESSAGE_ID.exec(text)) {
    const t = target(m[1], m[2]);
    const key = t && `${t.campaign}/${t.recipient}`;
    if (t && key && !seen.has(key)) {
      seen.add(key);
      out.push(t);
    }
  }
  return out;
};

/** The original mail's ids as quoted in a report: both must agree when both are there. */
export const targetOfOriginal = (original: { messageId: string | null; campaignRecipient: string | null }): CampaignTarget | null => {
  const byId = targetOfMessageId(original.messageId);
  const byHeader = targetOfRecipientHeader(original.campaignRecipient);
  if (byId && byHeader && (byId.campaign !== byHeader.campaign || byId.recipient !== byHeader.recipient)) return null;
  return byHeader ?? byId;
};

/** `rfc822; Ann@Example.org`, `<ann@example.org>` or a bare address → `ann@example.org`. */
export const addressOf = (value: string | null | undefined): string | null => {
  if (!value) return null;
  // An address-type prefix (`rfc822;`) is dropped; RFC 3464 allows others, which never match.
  const typed = /^([A-Za-z0-9-]+)\s*;([\s\S]*)$/.exec(value);
  if (typed && typed[1].toLowerCase() !== 'rfc822') return null;
  const bare = (typed ? typed[2] : value).trim().replace(/^<|>$/g, '').trim().toLowerCase();
  return /^[^\s@<>]+@[^\s@<>]+$/.test(bare) ? bare : null;
};

/** Every address in a text (a To header, a bounce's prose), lower-cased, at most `max`. */
export const addressesIn = (text: string, max = 50): string[] => {
  const out = new Set<string>();
  const re = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+/g;
  for (let m = re.exec(text); m && out.size < max; m = re.exec(text)) out.add(m[0].toLowerCase());
  return [...out];
};
