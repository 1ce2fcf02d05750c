/**
 * Bounces in prose that quote the original mail's headers: Gmail's older "Delivery Status
 * Notification (Failure)", Exchange's non-delivery reports ("Original message headers:"), qmail's
 * "--- Below this line is a copy of the message.". Only the quoted Message-ID or
 * X-Campaign-Recipient says which mail bounced, never keywords alone; the prose says how.
 */
import { addressesIn } from './match';
import { textOf, type Part } from './mime';
import { diagnostic, originalFrom, originalOf, originalPart, statusCode, type Report, type ReportEntry } from './report';

/** Enhanced status codes, not the tail of an IP address (1.2.3.4) or a version number. */
const CODE = /(?<![\d.])([245]\.\d{1,3}\.\d{1,3})(?!\d|\.\d)/;
const SMTP_REPLY = /(?<!\d)[45]\d\d(?:[ -]|$)/m;
const SOFT = /\b(delay(ed)?|temporar(y|ily)|will (retry|keep trying|continue trying|try again)|still trying|not yet been delivered)\b/i;
const HARD = /\b(permanent(ly)?|could ?n[o']t be (delivered|found)|does ?n[o']t exist|no such (user|mailbox|recipient)|user unknown|unknown user|no mailbox|wasn't delivered|undeliverable|delivery has failed|given up|giving up)\b/i;
const QUOTED_FIELD = /^[> \t]*(message-id|x-campaign-recipient)[ \t]*:/i;
// The quote prefix is taken whole (a lookahead capture cannot backtrack), so a line of spaces costs one pass.
const HEADER_LINE = /^(?=([> \t]*))\1(?:[!-9;-~]+:|(?<=[ \t])\S)/;
const MAX_LINE = 16 * 1024;

/** Splits the text at the quoted header block that holds the original's ids. */
const splitQuote = (text: string): { prose: string; quoted: string } | null => {
  const lines = text.split(/\r?\n/);
  const hit = lines.findIndex((line) => line.length <= MAX_LINE && QUOTED_FIELD.test(line));
  if (hit < 0) return null;
  // The block starts after the last non-header line above the id, and ends at an empty line.
  let start = hit;
  while (start > 0 && lines[start - 1].length <= MAX_LINE && HEADER_LINE.test(lines[start - 1])) start -= 1;
  let end = hit + 1;
  while (end < lines.length && lines[end].replace(/^[> \t]+/, '') !== '') end += 1;
  const quoted = lines
    .slice(start, end)
    .map((line) => line.replace(/^>[> ]*/, ''))
    .join('\r\n');
  return { prose: lines.slice(0, start).join('\n'), quoted };
};

/** The line that says it, with the rest of a multi-line SMTP reply (`550-5.1.1 …` up to `550 5.1.1 …`). */
const lineWith = (prose: string, pattern: RegExp) => {
  const lines = prose.split(/\r?\n/).map((l) => l.trim());
  const at = lines.findIndex((l) => pattern.test(l));
  if (at < 0) return null;
  const reply = /^(\d{3})-/.exec(lines[at]);
  if (!reply) return lines[at];
  const out = [lines[at]];
  for (let i = at + 1; i < lines.length && i < at + 20 && lines[i].startsWith(reply[1]); i++) {
    out.push(lines[i].replace(/^\d{3}[ -](?:[245]\.\d{1,3}\.\d{1,3} )?/, ''));
    if (lines[i][3] === ' ') break;
  }
  return out.join(' ').replace(/^(\d{3})-/, '$1 ');
};

/** A bounce in prose, or null when it quotes no ids of a mail or does not say that delivery failed or was delayed. */
export const parseTextBounce = (parts: Part[]): Report | null => {
  const texts = parts.filter((p) => p.contentType === 'text/plain').map(textOf);
  const attached = originalOf(originalPart(parts));
  let prose = texts.join('\n');
  let original = attached;
  if (!original || (!original.messageId && !original.campaignRecipient)) {
    const split = splitQuote(prose);
    if (!split) return null;
    prose = split.prose;
    original = originalFrom(split.quoted);
  }
  if (!original.messageId && !original.campaignRecipient) return null;
  const code = statusCode(CODE.exec(prose)?.[1]);
  const kind: ReportEntry['kind'] | null = code ? (code.startsWith('5.') ? 'hard' : code.startsWith('4.') ? 'soft' : null) : HARD.test(prose) ? 'hard' : SOFT.test(prose) ? 'soft' : null;
  if (!kind) return null;
  const line = code ? lineWith(prose, new RegExp(code.replace(/\./g, '\\.'))) : lineWith(prose, SMTP_REPLY) ?? lineWith(prose, kind === 'hard' ? HARD : SOFT);
  return {
    format: 'text',
    original,
    entries: [{ addresses: addressesIn(prose), kind, statusCode: code, diagnostic: diagnostic(line) }],
  };
};
