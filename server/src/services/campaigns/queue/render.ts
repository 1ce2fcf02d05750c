import type { BatchRecipient } from '../../../adapters/sendgrid';
import type { OutgoingMessage } from '../../../adapters/types';
import { getService } from '../../../utils';
import type { StoredServer } from '../../servers/servers';
import type { StoredCampaign } from '../campaigns';
import { campaignSource, htmlToText, type MailSource, type RenderedMail } from '../content';
import { compile, renderCompiled, renderPieces, type Compiled, type Variables } from '../template';
import { instrumentHtml } from '../tracking';
import type { ClaimedRow, QueueContext } from './context';

const domainOf = (address: string) => address.split('@')[1] || 'localhost';

/**
 * One body shared by a SendGrid request: the static text of each part with each top-level Liquid
 * piece (an output, a tag block) as a substitution key (`{{h:0}}`, `{{t:3}}`), rendered per
 * recipient. Null when a part cannot be split so (the recipients are then sent one by one).
 */
export interface SharedBody {
  html?: string;
  htmlPieces: Compiled;
  text?: string;
  textPieces: Compiled;
  /** No text of the campaign's own: each text piece is the text of its HTML piece. */
  textFromHtml: boolean;
}

/** A campaign ready to render: layout composed, links instrumented, parsed once. */
export interface CompiledCampaign {
  subject: Compiled;
  html: Compiled | null;
  text: Compiled | null;
  tracking: { clicks: boolean; opens: boolean; links: number };
  shared?: SharedBody | null;
}

/** SendGrid's ceiling for the substitutions of one personalization. */
export const SUBSTITUTION_BYTES = 10_000;

// By campaign documentId and updatedAt: any edit is a new version. A handful of campaigns send at
// once; the bound only stops a long-running process from keeping every campaign it ever sent.
const compiledCache = new Map<string, CompiledCampaign>();

export const sourceOf = campaignSource;

export const compiledCampaign = (campaign: StoredCampaign): CompiledCampaign => {
  const key = `${campaign.documentId}\n${new Date(campaign.updatedAt).toISOString()}\n${campaign.status === 'draft'}`;
  const hit = compiledCache.get(key);
  if (hit) return hit;
  const source = sourceOf(campaign);
  const clicks = Boolean(campaign.trackClicks);
  const opens = Boolean(campaign.trackOpens);
  let html = source.html;
  let links = 0;
  if (html && (clicks || opens)) {
    const instrumented = instrumentHtml(html, { clicks, opens });
    html = instrumented.html;
    links = instrumented.links.length;
  }
  const compiled: CompiledCampaign = {
    subject: compile(source.subject, 'header'),
    html: html ? compile(html, 'html') : null,
    text: source.text ? compile(source.text, 'text') : null,
    tracking: { clicks, opens, links },
  };
  for (const old of compiledCache.keys()) if (old.startsWith(`${campaign.documentId}\n`)) compiledCache.delete(old);
  if (compiledCache.size >= 100) compiledCache.delete(compiledCache.keys().next().value!);
  compiledCache.set(key, compiled);
  return compiled;
};

/** Subject, HTML and text of one recipient; the text generated from the HTML when there is none. */
export const renderCompiledMail = (compiled: Pick<CompiledCampaign, 'subject' | 'html' | 'text'>, vars: Variables): RenderedMail => {
  const html = compiled.html ? renderCompiled(compiled.html, vars, 'html') : null;
  const text = compiled.text ? renderCompiled(compiled.text, vars, 'text') : html ? htmlToText(html) : '';
  return { subject: renderCompiled(compiled.subject, vars, 'header'), html, text };
};

/** The headers of every campaign mail, filled per recipient (the skeleton's markers, in this order). */
export const CAMPAIGN_HEADERS = ['X-Campaign-Recipient', 'List-Unsubscribe', 'List-Unsubscribe-Post'] as const;

/** What every mail of a campaign carries; per recipient only the variables differ. */
export const personal = (q: Pick<QueueContext, 'strapi'>, campaign: StoredCampaign, row: ClaimedRow, compiled?: CompiledCampaign) => {
  const unsubscribeUrl = getService(q.strapi, 'unsubscribe').url({ campaign: campaign.documentId, recipient: row.id, email: row.email });
  const target = { campaign: campaign.documentId, recipient: row.id, email: row.email };
  return {
    vars: {
      ...(row.data ?? {}),
      email: row.email,
      unsubscribeUrl,
      // Only a mail carries tracking links; the click route renders a link's href without them.
      ...(compiled ? { _track: getService(q.strapi, 'tracking').vars(target, compiled.tracking) } : {}),
    } as Variables,
    headers: {
      'X-Campaign-Recipient': `${campaign.documentId}/${row.id}`,
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
};

/** One recipient's whole mail, for a relay that takes one mail per recipient (SMTP). */
export const renderMail = (q: QueueContext, server: StoredServer, campaign: StoredCampaign, row: ClaimedRow): OutgoingMessage => {
  const compiled = compiledCampaign(campaign);
  const { vars, headers } = personal(q, campaign, row, compiled);
  const mail = renderCompiledMail(compiled, vars);
  return {
    from: { address: server.senderEmail, name: server.senderName || undefined },
    replyTo: server.replyTo || undefined,
    to: [row.email],
    subject: mail.subject,
    html: mail.html ?? undefined,
    text: mail.text,
    headers,
    messageId: `<${campaign.documentId}.${row.id}@${domainOf(server.senderEmail)}>`,
  };
};

const isStatic = (node: any) => typeof node?.str === 'string' && node.value === undefined && node.name === undefined;

/** Static text joined with a key per dynamic piece, and the pieces in order. */
const split = (template: Compiled, prefix: 'h' | 't') => {
  const pieces: Compiled = [];
  const tracking = new Map<string, number>();
  let body = '';
  for (const node of template) {
    if (isStatic(node)) {
      body += (node as any).str;
      continue;
    }
    // A tracking URL is the same wherever it occurs: one substitution serves every link of the
    // mail, where one per link would pass SendGrid's 10,000 bytes after a few dozen links.
    const text = String((node as any).token?.getText?.() ?? '');
    const shared = TRACK_OUTPUT.test(text) ? text : null;
    let index = shared !== null ? tracking.get(shared) : undefined;
    if (index === undefined) {
      index = pieces.push(node) - 1;
      if (shared !== null) tracking.set(shared, index);
    }
    body += `{{${prefix}:${index}}}`;
  }
  return { body, pieces };
};

/** `{{ _track.c }}`: an output of the tracking variables only, which nothing else can assign. */
const TRACK_OUTPUT = /^\{\{-?\s*_track\.[a-z]+\s*-?\}\}$/;

const KEY = /\{\{([ht]):(\d+)\}\}/g;

/** The body a batch of this campaign shares, or null when it cannot be shared. Computed once per version. */
export const sharedBody = (compiled: CompiledCampaign): SharedBody | null => {
  if (compiled.shared !== undefined) return compiled.shared;
  let shared: SharedBody | null = null;
  try {
    const html = compiled.html ? split(compiled.html, 'h') : null;
    let text = compiled.text ? split(compiled.text, 't') : null;
    let textFromHtml = false;
    if (!text && html) {
      // The generated text of the skeleton, each HTML key turned into a text key.
      const skeleton = htmlToText(html.body).replace(KEY, (_, _p, i) => `{{t:${i}}}`);
      text = { body: skeleton, pieces: html.pieces };
      textFromHtml = true;
    }
    // A body of which SendGrid would substitute something of ours that is not one of our keys.
    const keys = (body: string | undefined, prefix: string, count: number) =>
      [...(body ?? '').matchAll(KEY)].every((m) => m[1] === prefix && Number(m[2]) < count);
    if (keys(html?.body, 'h', html?.pieces.length ?? 0) && keys(text?.body, 't', text?.pieces.length ?? 0)) {
      shared = { html: html?.body || undefined, htmlPieces: html?.pieces ?? [], text: text?.body || undefined, textPieces: text?.pieces ?? [], textFromHtml };
    }
  } catch {
    shared = null;
  }
  compiled.shared = shared;
  return shared;
};

/** A personalization of a batch, or (`own`) a recipient that must be sent a request of its own, fully rendered. */
export type Personalization = BatchRecipient & { own?: { html?: string; text?: string } };

/** One recipient's personalization of a SendGrid batch: the body is shared, the Liquid pieces are substitutions. */
export const renderPersonalization = (q: QueueContext, campaign: StoredCampaign, row: ClaimedRow): Personalization => {
  const compiled = compiledCampaign(campaign);
  const { vars, headers } = personal(q, campaign, row, compiled);
  const base = {
    to: row.email,
    subject: renderCompiled(compiled.subject, vars, 'header'),
    headers,
    customArgs: { campaign: campaign.documentId, recipient: String(row.id) },
  };
  const shared = sharedBody(compiled);
  const substitutions: Record<string, string> = {};
  let bytes = 0;
  if (shared) {
    const html = renderPieces(shared.htmlPieces, vars, 'html');
    html.forEach((value, i) => (substitutions[`h:${i}`] = value));
    const text = shared.textFromHtml ? html.map((piece) => htmlToText(piece)) : renderPieces(shared.textPieces, vars, 'text');
    if (shared.text) text.forEach((value, i) => (substitutions[`t:${i}`] = value));
    for (const [key, value] of Object.entries(substitutions)) bytes += Buffer.byteLength(key) + 4 + Buffer.byteLength(value);
  }
  if (shared && bytes <= SUBSTITUTION_BYTES) return { ...base, substitutions };
  const mail = renderCompiledMail(compiled, vars);
  return { ...base, substitutions: {}, own: { html: mail.html ?? undefined, text: mail.text || undefined } };
};
