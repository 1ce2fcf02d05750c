import type { Core } from '@strapi/strapi';
import { Parser } from 'htmlparser2';
import { UIDS, getService } from '../../utils';
import type { StoredCampaign } from './campaigns';
import { personal } from './queue/render';
import { render } from './template';

/**
 * Opt-in open and click tracking (issue 11). The campaign's HTML source (layout and body
 * composed, before Liquid runs) is instrumented once per campaign: each trackable link's href
 * becomes `{{ _track.c<i> }}` and the open pixel `{{ _track.o }}` is added; per recipient,
 * `vars()` gives those variables their signed URLs. So the same source serves SMTP (rendered per
 * recipient) and SendGrid (substitutions), and a click token names a link by its index in the
 * campaign's own content: the redirect can only lead to a URL the campaign contains.
 */
export interface InstrumentedHtml {
  /** The source with tracked hrefs replaced and the pixel added. */
  html: string;
  /** The original href of each tracked link (Liquid source), by index. */
  links: string[];
}

export interface TrackingTarget {
  campaign: string;
  recipient: number;
  email: string;
}

export const TRACK_VARIABLE = '_track';

const CLICK = 'track-click';
const OPEN = 'track-open';

const PIXEL = `<img src="{{ ${TRACK_VARIABLE}.o }}" width="1" height="1" alt="" style="display:block;border:0">`;

/** A transparent 1×1 GIF (43 bytes). */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

/** The text an attribute value stands for (`&amp;` → `&`), read by the same parser as the mail's HTML. */
export const decodeAttribute = (value: string): string => {
  let decoded = '';
  const parser = new Parser({ onattribute: (_name, v) => (decoded = v) }, { decodeEntities: true });
  parser.end(`<a x="${value.replace(/"/g, '&quot;')}">`);
  return decoded;
};

/**
 * Links worth a redirect: an absolute http(s) URL written as such. A link whose scheme comes from
 * a variable, a relative one (a `<base>` resolves it), `mailto:`, `tel:`, `#…` and `javascript:`
 * stay as written. The unsubscribe link is never rewritten: it must work without us in between,
 * and a click on it is no interest in the campaign.
 */
const trackable = (decoded: string) => {
  const href = decoded.trim();
  if (!/^https?:\/\/./i.test(href)) return false;
  if (/\{\{-?\s*unsubscribeUrl\b/.test(href)) return false;
  // A pasted unsubscribe (or tracking) link of this plugin, under any prefix.
  if (/\/email-server\/(unsubscribe|t\/[co])\//i.test(href)) return false;
  return true;
};

/** Finds `<a href>` in the source by the parser's offsets and rewrites only those bytes. */
export const instrumentHtml = (source: string, opts: { clicks: boolean; opens: boolean }): InstrumentedHtml => {
  if (!opts.clicks && !opts.opens) return { html: source, links: [] };
  const edits: Array<{ start: number; end: number; text: string }> = [];
  const links: string[] = [];
  let tag = '';
  let sawHref = false;
  let bodyClose = -1;
  const parser: Parser = new Parser(
    {
      onopentagname(name) {
        tag = name;
        sawHref = false;
      },
      onattribute(name, value) {
        if (tag !== 'a' || name !== 'href' || !opts.clicks) return;
        // Browsers follow the first href of a tag; a second one is ignored by them and by us.
        if (sawHref) return;
        sawHref = true;
        if (!trackable(value)) return;
        const start = parser.startIndex;
        const attribute = source.slice(start, parser.endIndex);
        const match = /^[^\s=]+\s*=\s*(["']?)/.exec(attribute);
        if (!match) return;
        const quote = match[1];
        const valueStart = start + match[0].length;
        const valueEnd = parser.endIndex - quote.length;
        const variable = `{{ ${TRACK_VARIABLE}.c${links.length} }}`;
        links.push(source.slice(valueStart, valueEnd));
        // Unquoted, the spaces inside the braces would end the value: quote it.
        edits.push({ start: valueStart, end: valueEnd, text: quote ? variable : `"${variable}"` });
      },
      onopentag() {
        tag = '';
      },
      onclosetag(name, implied) {
        if (name !== 'body' || implied) return;
        if (source.slice(parser.startIndex, parser.startIndex + 6).toLowerCase() === '</body') bodyClose = parser.startIndex;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true }
  );
  parser.end(source);
  if (opts.opens) {
    const at = bodyClose >= 0 ? bodyClose : source.length;
    edits.push({ start: at, end: at, text: PIXEL });
  }
  let html = '';
  let from = 0;
  for (const edit of edits.sort((a, b) => a.start - b.start)) {
    html += source.slice(from, edit.start) + edit.text;
    from = edit.end;
  }
  html += source.slice(from);
  return { html, links };
};

/**
 * The campaign's HTML as the queue renders it. The render work (layouts) composes layout and
 * body here: the click route must see the same links, by index, as the mail it was sent in.
 */
export const composedHtml = (campaign: Pick<StoredCampaign, 'html'>) => campaign.html ?? '';

const instrumented = new Map<string, InstrumentedHtml>();

/**
 * The instrumented source of a campaign, by its own flags; the same source gives the same links.
 * Kept for the last few sources: the queue renders one campaign for many recipients in a row.
 */
export const instrumentCampaign = (campaign: Pick<StoredCampaign, 'html' | 'trackClicks' | 'trackOpens'>) => {
  const opts = { clicks: Boolean(campaign.trackClicks), opens: Boolean(campaign.trackOpens) };
  const source = composedHtml(campaign);
  const key = `${Number(opts.clicks)}${Number(opts.opens)}${source}`;
  let result = instrumented.get(key);
  if (!result) {
    result = instrumentHtml(source, opts);
    if (instrumented.size >= 8) instrumented.delete(instrumented.keys().next().value!);
    instrumented.set(key, result);
  }
  return result;
};

const trackingService = ({ strapi }: { strapi: Core.Strapi }) => {
  const secrets = () => getService(strapi, 'secrets');

  // Nothing the recipient could change: the campaign, the recipient row and the link's index.
  const token = (purpose: string, fields: Array<string | number>) => {
    const payload = Buffer.from(fields.join('\n'), 'utf8').toString('base64url');
    return `${payload}.${secrets().sign(purpose, payload)}`;
  };
  const verify = (purpose: string, value: string, count: number): string[] | null => {
    const [payload, signature, extra] = String(value).split('.');
    if (!payload || !signature || extra !== undefined) return null;
    if (!secrets().verifySignature(purpose, payload, signature)) return null;
    const fields = Buffer.from(payload, 'base64url').toString('utf8').split('\n');
    return fields.length === count ? fields : null;
  };
  const integer = (value: string) => (/^\d{1,15}$/.test(value) ? Number(value) : null);

  /** The campaign and recipient a verified token names, both still there and tracked that way. */
  const load = async (campaignId: string, recipientId: number, flag: 'trackClicks' | 'trackOpens') => {
    const campaign = (await strapi.db.query(UIDS.campaign).findOne({ where: { documentId: campaignId } })) as StoredCampaign | null;
    if (!campaign || !campaign[flag]) return null;
    const recipient = await strapi.db.query(UIDS.recipient).findOne({ where: { id: recipientId, campaign: campaignId } });
    return recipient ? { campaign, recipient } : null;
  };

  // Conditional: the first click (or open) counts, whichever instance answers it.
  const stampOnce = (recipientId: number, campaign: string, field: 'clickedAt' | 'openedAt') =>
    strapi.db.query(UIDS.recipient).updateMany({ where: { id: recipientId, campaign, [field]: { $null: true } }, data: { [field]: new Date() } });

  return {
    /** The `_track` variables of one recipient: `{ o: openUrl, c0: clickUrl, c1: … }`. */
    vars(target: TrackingTarget, opts: { clicks: boolean; opens: boolean; links: number }): Record<string, string> {
      const unsubscribe = getService(strapi, 'unsubscribe');
      const out: Record<string, string> = {};
      if (opts.opens) out.o = unsubscribe.publicUrl(`t/o/${token(OPEN, [target.campaign, target.recipient])}`);
      if (opts.clicks) {
        for (let i = 0; i < opts.links; i++) out[`c${i}`] = unsubscribe.publicUrl(`t/c/${token(CLICK, [target.campaign, target.recipient, i])}`);
      }
      return out;
    },

    /** Where a click token leads, counting the click; null (a 404) for anything not made here. */
    async click(value: string): Promise<string | null> {
      const fields = verify(CLICK, value, 3);
      const recipientId = fields && integer(fields[1]);
      const index = fields && integer(fields[2]);
      if (!fields || recipientId === null || index === null) return null;
      const found = await load(fields[0], recipientId, 'trackClicks');
      if (!found) return null;
      const { campaign, recipient } = found;
      const source = instrumentCampaign(campaign).links[index];
      if (source === undefined) return null;
      // Rendered as in the mail's HTML, then read as a browser reads the attribute.
      const { vars } = personal({ strapi }, campaign, recipient);
      const target = decodeAttribute(render(source, vars, 'html') ?? '').trim();
      let url: URL;
      try {
        url = new URL(target);
      } catch {
        return null;
      }
      // A variable may have made it something else: no redirect to javascript: or data:.
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
      await stampOnce(recipient.id, campaign.documentId, 'clickedAt');
      // A click proves the mail was opened, also when its images stayed blocked.
      if (campaign.trackOpens) await stampOnce(recipient.id, campaign.documentId, 'openedAt');
      return url.href;
    },

    /** Counts an open; false for a token not made here. */
    async open(value: string): Promise<boolean> {
      const fields = verify(OPEN, value, 2);
      const recipientId = fields && integer(fields[1]);
      if (!fields || recipientId === null) return false;
      const found = await load(fields[0], recipientId, 'trackOpens');
      if (!found) return false;
      await stampOnce(found.recipient.id, found.campaign.documentId, 'openedAt');
      return true;
    },
  };
};

export type TrackingService = ReturnType<typeof trackingService>;
export default trackingService;
