/**
 * Just enough MIME to read a delivery or feedback report: header fields, the parts of a
 * multipart body (nested a few levels), and their decoded text. mailparser merges
 * `message/delivery-status` into the mail's text, so the report's own structure is read here.
 * Everything is bounded: a report is small, a hostile mail must not cost more than its size.
 */

export interface Header {
  name: string;
  value: string;
}

export interface Part {
  /** Lower-cased, e.g. `message/delivery-status`. */
  contentType: string;
  params: Record<string, string>;
  headers: Header[];
  /** The decoded body. */
  body: Buffer;
}

const MAX_PARTS = 50;
const MAX_DEPTH = 4;

/** The header block and the body: split at the first empty line. */
export const splitHead = (source: Buffer): { head: string; body: Buffer } => {
  const crlf = source.indexOf('\r\n\r\n');
  const lf = source.indexOf('\n\n');
  const [at, gap] = crlf >= 0 && (lf < 0 || crlf < lf) ? [crlf, 4] : lf >= 0 ? [lf, 2] : [source.length, 0];
  // latin1 keeps every byte; header values of interest (ids, addresses, codes) are ASCII.
  return { head: source.subarray(0, at).toString('latin1'), body: source.subarray(Math.min(source.length, at + gap)) };
};

/** A field or line longer than this is skipped unread (but thread ids): no header we read is, and crafted ones would cost regex time. */
export const MAX_FIELD = 16 * 1024;

/** Header fields, unfolded, in order. Lines that are not `Name: value` are skipped. */
export const parseFields = (head: string): Header[] =>
  head
    .split(/\r?\n(?![ \t])/)
    // In-Reply-To and References are only scanned with a bounded pattern (match.ts), and a thread may be long.
    .filter((field) => field.length <= MAX_FIELD || /^(?:in-reply-to|references):/i.test(field))
    .map((field) => /^([!-9;-~]+):[ \t]*([\s\S]*)$/.exec(field))
    .filter((m): m is RegExpExecArray => Boolean(m))
    .map((m) => ({ name: m[1].toLowerCase(), value: m[2].replace(/\r?\n[ \t]+/g, ' ').trim() }));

export const field = (headers: Header[], name: string) => headers.find((h) => h.name === name)?.value ?? null;
export const fields = (headers: Header[], name: string) => headers.filter((h) => h.name === name).map((h) => h.value);

/** `multipart/report; report-type=delivery-status; boundary="x"` → type and parameters. */
export const parseContentType = (value: string | null): { type: string; params: Record<string, string> } => {
  if (!value) return { type: 'text/plain', params: {} };
  const [type, ...rest] = value.split(';');
  const params: Record<string, string> = {};
  // Bounded name (RFC 2231 keeps lines to 78): a long run without `=` stays linear.
  const re = /([!#-'*+.0-9A-Z^-~-]{1,78})\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)/gi;
  const tail = rest.join(';');
  for (let m = re.exec(tail); m; m = re.exec(tail)) {
    params[m[1].toLowerCase()] = m[2].startsWith('"') ? m[2].slice(1, -1).replace(/\\(.)/g, '$1') : m[2];
  }
  return { type: type.trim().toLowerCase() || 'text/plain', params };
};

const decodeQuotedPrintable = (body: Buffer) => {
  const text = body.toString('latin1').replace(/=\r?\n/g, '');
  return Buffer.from(text.replace(/=([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
};

const decode = (body: Buffer, encoding: string | null) => {
  const e = (encoding ?? '').toLowerCase();
  if (e === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (e === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
};

/** A part's body as text, in its charset when Node knows it, else UTF-8. */
export const textOf = (part: Part) => {
  const charset = part.params.charset || 'utf-8';
  try {
    return new TextDecoder(charset).decode(part.body);
  } catch {
    return part.body.toString('utf8');
  }
};

/**
 * The leaf parts of a mail, depth first. A `message/rfc822` part is a leaf (the original mail,
 * whose headers are what matters); a multipart's preamble and epilogue are dropped.
 */
export const leafParts = (source: Buffer): { top: Part; parts: Part[] } => {
  const parts: Part[] = [];
  const walk = (raw: Buffer, depth: number): Part => {
    const { head, body } = splitHead(raw);
    const headers = parseFields(head);
    const { type, params } = parseContentType(field(headers, 'content-type'));
    const part: Part = { contentType: type, params, headers, body: decode(body, field(headers, 'content-transfer-encoding')) };
    if (type.startsWith('multipart/') && params.boundary && depth < MAX_DEPTH) {
      for (const child of splitMultipart(body, params.boundary)) {
        if (parts.length >= MAX_PARTS) break;
        walk(child, depth + 1);
      }
    } else if (depth > 0 || !type.startsWith('multipart/')) {
      parts.push(part);
    }
    return part;
  };
  const top = walk(source, 0);
  return { top, parts };
};

/** The bodies between `--boundary` lines, up to the closing `--boundary--`. */
const splitMultipart = (body: Buffer, boundary: string): Buffer[] => {
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  const out: Buffer[] = [];
  let start = -1;
  let at = 0;
  while (at <= text.length) {
    const next = text.indexOf(delimiter, at);
    if (next < 0) break;
    // A delimiter starts a line.
    if (next > 0 && text[next - 1] !== '\n') {
      at = next + delimiter.length;
      continue;
    }
    if (start >= 0) out.push(Buffer.from(text.slice(start, next).replace(/\r?\n$/, ''), 'latin1'));
    const closing = text.startsWith('--', next + delimiter.length);
    const lineEnd = text.indexOf('\n', next);
    if (closing || lineEnd < 0) return out;
    start = lineEnd + 1;
    at = start;
  }
  if (start >= 0 && start < text.length) out.push(Buffer.from(text.slice(start), 'latin1'));
  return out;
};
