import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { MailAddress } from '../../../../shared/contracts/common';
import type { RawMail } from '../../adapters/fetch-mailbox';
import { VARCHAR, cut, cutOrNull, withoutNul } from '../../utils/fit';
import { sanitizeMailHtml } from '../../utils/mail-html';
import { isAutomatic } from './automatic';
import { oneLine } from './threading';

export interface ParsedRow {
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  subject: string;
  date: Date | null;
  text: string | null;
  /** Raw from the parser; sanitised by `storable` before it is written. */
  html: string | null;
  attachments: Array<{ filename: string; contentType: string; size: number; contentId?: string; content: Buffer }>;
  problem: string | null;
  /** No person wrote it (auto-reply, bounce, bulk): it stays quiet in the inbox. */
  automatic: boolean;
}

/** RFC 5322's line limit: no real Message-ID or reference is longer. */
const MAX_ID = 998;
/** References used (and kept) for threading: the newest ones name the thread; 70,000 name a flood. */
const MAX_REFERENCES = 50;

const addresses = (value?: AddressObject | AddressObject[]): MailAddress[] =>
  (Array.isArray(value) ? value : value ? [value] : [])
    .flatMap((group) => group.value)
    // A group ("undisclosed-recipients:;") has members instead of an address.
    .flatMap((a) => (a.group ? a.group : [a]))
    .filter((a) => a.address)
    .map((a) => ({ address: a.address!.toLowerCase(), ...(a.name ? { name: a.name } : {}) }));

const ids = (value?: string | string[]) =>
  (Array.isArray(value) ? value : value ? value.split(/\s+/) : []).map((v) => v.trim()).filter(Boolean);

/** A Date in the future is taken for the arrival time: a forged date must not sort a mail first. */
const arrival = (date: Date | undefined) => {
  if (!date || Number.isNaN(date.getTime())) return null;
  const now = new Date();
  return date > now ? now : date;
};

const fromParsed = (mail: ParsedMail, problem: string | null): ParsedRow => ({
  messageId: cutOrNull(mail.messageId, MAX_ID),
  inReplyTo: cutOrNull(mail.inReplyTo, MAX_ID),
  references: ids(mail.references).slice(-MAX_REFERENCES).map((id) => cut(id, MAX_ID)),
  from: addresses(mail.from)[0] ?? null,
  to: addresses(mail.to),
  cc: addresses(mail.cc),
  replyTo: addresses(mail.replyTo),
  subject: oneLine(mail.subject ?? '').slice(0, 2000),
  date: arrival(mail.date),
  text: mail.text ?? null,
  html: typeof mail.html === 'string' ? mail.html : null,
  attachments: mail.attachments.map((a, i) => ({
    filename: cut(a.filename || `attachment-${i + 1}`, VARCHAR),
    contentType: cut(a.contentType || 'application/octet-stream', VARCHAR),
    size: a.size ?? a.content.length,
    contentId: a.cid,
    content: a.content,
  })),
  problem,
  automatic: isAutomatic(mail.headers, addresses(mail.from)[0]?.address),
});

/**
 * The header block without the fields that are too long to be real (a flood of References is
 * what makes mailparser give up on a mail): the rest still names the sender, subject and id.
 */
const readableHeaders = (source: Buffer) => {
  const end = source.indexOf('\r\n\r\n');
  // latin1 keeps every byte as it was, so 8-bit UTF-8 headers survive the round trip.
  const block = source.subarray(0, end > 0 ? end : Math.min(source.length, 64 * 1024)).toString('latin1');
  const fields = block.split(/\r?\n(?![ \t])/).filter((field) => field.length <= 16 * 1024);
  return Buffer.from(`${fields.join('\r\n')}\r\n\r\n`, 'latin1');
};

const note = (...parts: Array<string | null>) => parts.filter(Boolean).join(' ') || null;

/**
 * The HTML is sanitised once, here, and stored so; an HTML part over `maxHtmlBytes` is not kept
 * (the text, mailparser's own when the mail has no text part, is). No NUL anywhere: PostgreSQL
 * refuses them in text and jsonb.
 */
const storable = (row: ParsedRow, maxHtmlBytes: number): ParsedRow => {
  let { html, problem } = row;
  const bytes = html ? Buffer.byteLength(html) : 0;
  if (html && bytes > maxHtmlBytes) {
    problem = note(problem, `The HTML part (${bytes} bytes) is over the limit of ${maxHtmlBytes} bytes: it is shown as text.`);
    html = null;
  } else if (html) {
    html = sanitizeMailHtml(html);
  }
  return withoutNul({ ...row, html, problem });
};

export interface ParseLimits {
  maxHtmlBytes: number;
}

/**
 * Parses a raw mail as far as it goes. A mail mailparser cannot read, or one over the size limit
 * (fetched as headers only), is kept with what could be read and a `problem` that says why.
 */
export const parseRaw = async (raw: RawMail, limits: ParseLimits): Promise<ParsedRow> => storable(await parseAll(raw), limits.maxHtmlBytes);

const parseAll = async (raw: RawMail): Promise<ParsedRow> => {
  try {
    const mail = await simpleParser(raw.source, { skipImageLinks: true, skipTextToHtml: true });
    return fromParsed(mail, raw.headersOnly ? `Too large (${raw.size} bytes): only the headers were fetched.` : null);
  } catch (error) {
    let partial: ParsedRow;
    try {
      partial = fromParsed(await simpleParser(readableHeaders(raw.source)), null);
    } catch {
      partial = fromParsed({ attachments: [], headers: new Map(), headerLines: [] } as unknown as ParsedMail, null);
    }
    // The whole source is kept, so deleting the mail on the server loses nothing.
    return { ...partial, text: raw.source.toString('utf8'), problem: `Could not be parsed: ${(error as Error).message}`.slice(0, VARCHAR) };
  }
};

/** The database's error code (never its message, which can quote the mail). */
export const errorCode = (error: unknown) => {
  const code = (error as any)?.code;
  return typeof code === 'string' && /^[0-9A-Z_]{1,16}$/.test(code) ? `database error ${code}` : 'database error';
};

const fitAddress = (a: MailAddress): MailAddress => ({ address: cut(a.address, VARCHAR), ...(a.name ? { name: cut(a.name, VARCHAR) } : {}) });

/**
 * What is kept of a mail the database refused: headers cut to a `string` column each, no body,
 * and the original mail as an attachment, so nothing is lost even when the server deletes it.
 */
export const stubOf = ({ mail, row }: { mail: RawMail; row: ParsedRow }, error: unknown): ParsedRow =>
  withoutNul({
    messageId: cutOrNull(row.messageId, VARCHAR),
    inReplyTo: cutOrNull(row.inReplyTo, VARCHAR),
    references: row.references.slice(-10).map((id) => cut(id, VARCHAR)),
    from: row.from ? fitAddress(row.from) : null,
    to: row.to.slice(0, 20).map(fitAddress),
    cc: [],
    replyTo: row.replyTo.slice(0, 5).map(fitAddress),
    subject: cut(row.subject, VARCHAR),
    date: row.date,
    text: null,
    html: null,
    attachments: [{ filename: 'original.eml', contentType: 'message/rfc822', size: mail.source.length, content: mail.source }],
    problem: `Could not be stored (${errorCode(error)}): only some headers are shown; the original mail is attached.`,
    automatic: row.automatic,
  });
