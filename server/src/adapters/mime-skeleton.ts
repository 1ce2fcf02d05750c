import crypto from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import * as mimeFuncs from 'nodemailer/lib/mime-funcs';
import { encode as base64Encode, wrap as base64Wrap } from 'nodemailer/lib/base64';
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp';

/**
 * A campaign sends the same message a hundred thousand times with a few fields changed. Composing
 * each one with nodemailer's MailComposer (a tree of MIME nodes, streams and transforms per mail)
 * is most of the CPU a bulk send costs, so the skeleton is composed once, by MailComposer itself,
 * with a marker in every place that differs per recipient; a recipient's mail is the skeleton with
 * the markers filled in. What fills them is nodemailer's own encoders (mime-funcs, qp, base64),
 * applied with the rules MimeNode applies (7bit / quoted-printable / base64 per part, RFC 2047
 * words and folding for the subject), so a filled skeleton reads exactly as the composed mail.
 *
 * Whatever the skeleton cannot carry verbatim (an address or header outside printable ASCII, an
 * empty part, a part that happens to contain the boundary) answers null: that recipient's mail is
 * composed the ordinary way.
 */
export interface SkeletonShape {
  from: { address: string; name?: string };
  replyTo?: string;
  /** The mail has an HTML part besides the text part (multipart/alternative). */
  html: boolean;
  /** Per-recipient headers, by name, in the order they are written. */
  headers: string[];
}

export interface SkeletonFill {
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  messageId: string;
  date: Date;
  headers: Record<string, string>;
}

export interface MimeSkeleton {
  /** The recipient's whole message, or null when this recipient needs the ordinary composer. */
  fill(values: SkeletonFill): Buffer | null;
}

type Piece = string | { key: string };

// A header value or address we write as it is: printable ASCII, no line break, short of the
// 998-character line limit with its name.
const VERBATIM = /^[\x20-\x7e]{0,900}$/;
// An address nodemailer writes as it is: dot-atoms of RFC 5322 atext at an ASCII domain.
const ADDRESS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9.-]{1,255}$/;
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

/** MimeNode's choice between Q and B: Q when Latin letters outnumber the rest. */
const textEncoding = (value: string): 'Q' | 'B' => {
  let nonLatin = 0;
  let latin = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code <= 0x08 || code === 0x0b || code === 0x0c || (code >= 0x0e && code <= 0x1f) || code >= 0x80) nonLatin++;
    else if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) latin++;
  }
  return nonLatin < latin ? 'Q' : 'B';
};

/** The Subject line as MimeNode writes it (RFC 2047 words when needed, folded at 76). */
const subjectLine = (subject: string) => {
  const encoding = textEncoding(subject);
  const value = CONTROL.test(subject) ? mimeFuncs.encodeWord(subject, encoding, 52) : mimeFuncs.encodeWords(subject, encoding, 52, true);
  return mimeFuncs.foldLines(`Subject: ${value}`, 76);
};

const crlf = (value: string) => value.replace(/\r?\n/g, '\r\n');

/** A text part's transfer encoding header and body, chosen as MimeNode chooses for a string. */
const encodePart = (value: string): { cte: string; body: string } => {
  if (mimeFuncs.isPlainText(value) && !mimeFuncs.hasLongerLines(value, 76)) return { cte: 'Content-Transfer-Encoding: 7bit', body: crlf(value) };
  if (textEncoding(value) === 'Q') return { cte: 'Content-Transfer-Encoding: quoted-printable', body: crlf(qpWrap(qpEncode(value), 76)) };
  return { cte: 'Content-Transfer-Encoding: base64', body: crlf(base64Wrap(base64Encode(value), 76)) };
};

const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Composes the skeleton once with MailComposer; `fill` is synchronous and allocation-light. */
export const createMimeSkeleton = async (shape: SkeletonShape): Promise<MimeSkeleton> => {
  const nonce = crypto.randomBytes(8).toString('hex');
  const marker = (key: string) => `x${nonce}${key}x`;
  const headerKeys = shape.headers.map((name, i) => [name, `h${i}`] as const);
  const composed = await new MailComposer({
    from: shape.from,
    replyTo: shape.replyTo,
    to: [`${marker('to')}@skeleton.invalid`],
    subject: marker('subject'),
    text: marker('text'),
    html: shape.html ? marker('html') : undefined,
    headers: Object.fromEntries(headerKeys.map(([name, key]) => [name, marker(key)])),
    messageId: `<${marker('mid')}>`,
    date: marker('date') as unknown as Date,
    disableFileAccess: true,
    disableUrlAccess: true,
  })
    .compile()
    .build();
  const source = composed.toString('latin1');
  const boundary = /boundary="([^"]+)"/.exec(source)?.[1] ?? null;

  // Each marker, with what it stands in for around it: the whole Subject line, a part's transfer
  // encoding header (with its body in a multipart; among the mail's headers in a single part),
  // the address with its placeholder domain, the Message-ID's <>.
  const parts: Array<[string, string]> = shape.html
    ? [
        [`Content-Transfer-Encoding: 7bit\r\n\r\n${marker('text')}`, 'text'],
        [`Content-Transfer-Encoding: 7bit\r\n\r\n${marker('html')}`, 'html'],
      ]
    : [
        ['Content-Transfer-Encoding: 7bit', 'text:cte'],
        // MimeNode ends a single part's content with a line break unless it already has one.
        [`${marker('text')}\r\n`, 'text:body'],
      ];
  const patterns: Array<[string, string]> = [
    [`Subject: ${marker('subject')}`, 'subject'],
    ...parts,
    [`${marker('to')}@skeleton.invalid`, 'to'],
    [`<${marker('mid')}>`, 'mid'],
    [marker('date'), 'date'],
    ...headerKeys.map(([, key]) => [marker(key), key] as [string, string]),
  ];
  const pieces: Piece[] = [];
  const splitter = new RegExp(patterns.map(([text]) => escapeRegExp(text)).join('|'), 'g');
  const keyOf = new Map(patterns);
  let at = 0;
  const seen = new Set<string>();
  for (const match of source.matchAll(splitter)) {
    pieces.push(source.slice(at, match.index));
    const key = keyOf.get(match[0])!;
    seen.add(key);
    pieces.push({ key });
    at = match.index! + match[0].length;
  }
  pieces.push(source.slice(at));
  if (seen.size !== patterns.length) {
    // MailComposer wrote something else than expected (a future version): compose every mail.
    return { fill: () => null };
  }

  let dateSecond = -1;
  let dateValue = '';
  return {
    fill(values) {
      if (!ADDRESS.test(values.to) || !VERBATIM.test(values.messageId) || !values.text || (shape.html && !values.html)) return null;
      const second = Math.floor(values.date.getTime() / 1000);
      if (second !== dateSecond) {
        dateSecond = second;
        dateValue = values.date.toUTCString().replace(/GMT/, '+0000');
      }
      const text = encodePart(values.text);
      const filled: Record<string, string> = {
        subject: subjectLine(values.subject),
        'text:cte': text.cte,
        'text:body': text.body.endsWith('\r\n') ? text.body : `${text.body}\r\n`,
        text: `${text.cte}\r\n\r\n${text.body}`,
        to: values.to,
        mid: values.messageId,
        date: dateValue,
      };
      if (shape.html) {
        const html = encodePart(values.html!);
        filled.html = `${html.cte}\r\n\r\n${html.body}`;
      }
      for (const [name, key] of headerKeys) {
        const value = values.headers[name];
        if (value === undefined || !VERBATIM.test(value)) return null;
        filled[key] = value;
      }
      if (boundary && (text.body.includes(boundary) || filled.html?.includes(boundary))) return null;
      let out = '';
      for (const piece of pieces) out += typeof piece === 'string' ? piece : filled[piece.key];
      return Buffer.from(out, 'latin1');
    },
  };
};
