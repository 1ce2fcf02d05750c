import type { Core } from '@strapi/strapi';
import { Parser } from 'htmlparser2';
import { UIDS, getService } from '../../utils';
import type { StoredCampaign } from './campaigns';
import { campaignSource } from './content';
import { personal } from './queue/render';
import { render } from './template';

/**
 * Opt-in open and click tracking (issue 11). The campaign's HTML source (layout and body
 * composed, before Liquid runs) is instrumented once per campaign: each trackable link's href
 * becomes `{{ _track.c }}/<i>` and the open pixel `{{ _track.o }}` is added; per recipient,
 * `vars()` gives those two variables their signed URLs. One click token per recipient, not per
 * link: SendGrid caps a personalization's substitutions at 10,000 bytes, which one signed URL per
 * link would pass at about fifty links. The index is an unsigned path segment: it only selects
 * among the campaign's own links, so the redirect can only lead to a URL the campaign contains.
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

/** The `://` authority of an http(s) URL up to its first `/`, `?` or `#`, with the scheme. */
const schemeAndHost = (href: string) => /^[a-z]+:\/\/[^/?#]*/i.exec(href)?.[0] ?? href;
const LIQUID = /\{\{|\{%/;
const balanced = (value: string) =>
  value.split('{{').length === value.split('}}').length && value.split('{%').length === value.split('%}').length;

/**
 * Links worth a redirect: an absolute http(s) URL written as such. A link whose scheme or host
 * comes from a variable (recipient data may come from people who registered themselves: they
 * would get a link of ours that leads to their site), a relative one (a `<base>` resolves it), `mailto:`, `tel:`, `#…` and `javascript:`
 * stay as written. The unsubscribe link is never rewritten: it must work without us in between,
 * and a click on it is no interest in the campaign.
 */
const trackable = (decoded: string) => {
  const href = decoded.trim();
  if (!/^https?:\/\/./i.test(href)) return false;
  if (LIQUID.test(schemeAndHost(href))) return false;
  // A `{{` the parser cut off (or never closed) is no link we could render.
  if (!balanced(href)) return false;
  if (/\{\{-?\s*unsubscribeUrl\b/.test(href)) return false;
  // A pasted unsubscribe (or tracking) link of this plugin, under any prefix.
  if (/\/email-server\/(unsubscribe|t\/[co])\//i.test(href)) return false;
  return true;
};

/**
 * The source with each Liquid span blanked out, same length: a string literal in a filter
 * (`default: "x"`) inside a double-quoted href would otherwise end the attribute for the parser.
 * Offsets carry over to the source, whose bytes are what we keep.
 */
const maskLiquid = (source: string) => source.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, (span) => '_'.repeat(span.length));

/** Finds `<a href>` in the source by the parser's offsets and rewrites only those bytes. */
export const instrumentHtml = (source: string, opts: { clicks: boolean; opens: boolean }): InstrumentedHtml => {
  if (!opts.clicks && !opts.opens) return { html: source, links: [] };
  const masked = maskLiquid(source);
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
      onattribute(name) {
        if (tag !== 'a' || name !== 'href' || !opts.clicks) return;
        // Browsers follow the first href of a tag; a second one is ignored by them and by us.
        if (sawHref) return;
        sawHref = true;
        const start = parser.startIndex;
        const attribute = masked.slice(start, parser.endIndex);
        const match = /^[^\s=]+\s*=\s*(["']?)/.exec(attribute);
        if (!match) return;
        const quote = match[1];
        const valueStart = start + match[0].length;
        const valueEnd = parser.endIndex - quote.length;
        const raw = source.slice(valueStart, valueEnd);
        if (!trackable(decodeAttribute(raw))) return;
        const variable = `{{ ${TRACK_VARIABLE}.c }}/${links.length}`;
        links.push(raw);
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
  parser.end(masked);
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
 * The campaign's HTML as the queue renders it: the body in the copy of its layout taken when it
 * was sent, so the click route sees the same links, by index, as the mail it was sent in.
 */
type TrackedCampaign = Parameters<typeof campaignSource>[0] & Pick<StoredCampaign, 'trackClicks' | 'trackOpens'>;
export const composedHtml = (campaign: TrackedCampaign) => campaignSource(campaign).html ?? '';

const instrumented = new Map<string, InstrumentedHtml>();

/**
 * The instrumented source of a campaign, by its own flags; the same source gives the same links.
 * Kept for the last few sources: the queue renders one campaign for many recipients in a row.
 */
export const instrumentCampaign = (campaign: TrackedCampaign) => {
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
  const parseUrl = (value: string) => {
    try {
      return new URL(value.trim());
    } catch {
      return null;
    }
  };

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
    /**
     * The `_track` variables of one recipient: `{ o: openUrl, c: clickBase }`, a tracked href
     * being `{{ _track.c }}/<index>`. `links` is accepted and unused (the count no longer matters).
     */
    vars(target: TrackingTarget, opts: { clicks: boolean; opens: boolean; links?: number }): { o?: string; c?: string } {
      const unsubscribe = getService(strapi, 'unsubscribe');
      const out: { o?: string; c?: string } = {};
      if (opts.opens) out.o = unsubscribe.publicUrl(`t/o/${token(OPEN, [target.campaign, target.recipient])}`);
      if (opts.clicks) out.c = unsubscribe.publicUrl(`t/c/${token(CLICK, [target.campaign, target.recipient])}`);
      return out;
    },

    /** Where a click on link `index` leads, counting the click; null (a 404) for anything not made here. */
    async click(value: string, indexParam: string | undefined): Promise<string | null> {
      const fields = verify(CLICK, value, 2);
      const recipientId = fields && integer(fields[1]);
      const index = integer(String(indexParam ?? ''));
      if (!fields || recipientId === null || index === null) return null;
      const found = await load(fields[0], recipientId, 'trackClicks');
      if (!found) return null;
      const { campaign, recipient } = found;
      const source = instrumentCampaign(campaign).links[index];
      if (source === undefined) return null;
      // Rendered as in the mail's HTML, then read as a browser reads the attribute.
      const { vars } = personal({ strapi }, campaign, recipient);
      const url = parseUrl(decodeAttribute(render(source, vars, 'html') ?? ''));
      // A variable may have made it something else: no redirect to javascript: or data:.
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return null;
      // A second line behind `trackable`: the recipient's data must not move the link to another
      // site (`https:///{{ site }}` has no Liquid before its first `/`, yet a host from it).
      const written = parseUrl(decodeAttribute(render(source, {}, 'html') ?? ''));
      if (!written || written.origin !== url.origin) return null;
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
