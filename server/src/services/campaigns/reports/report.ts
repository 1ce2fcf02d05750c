/** What a delivery report or complaint says, read from the mail alone (no database). */
import { fit } from '../../../utils/fit';
import { field, fields, parseFields, splitHead, type Part } from './mime';

export type ReportKind = 'hard' | 'soft' | 'complaint';

export interface ReportEntry {
  /** The recipient addresses the entry names (Final-Recipient, Original-Recipient, Original-Rcpt-To, or the prose's), lower-cased. */
  addresses: string[];
  kind: ReportKind;
  /** An enhanced status code such as 5.1.1, or null. */
  statusCode: string | null;
  diagnostic: string | null;
}

export interface OriginalHeaders {
  messageId: string | null;
  campaignRecipient: string | null;
  /** The original To, lower-cased; empty when absent or redacted. */
  to: string[];
}

export interface Report {
  /** `dsn`: RFC 3464; `text`: a bounce in prose that quotes the original; `arf`: RFC 5965. */
  format: 'dsn' | 'text' | 'arf';
  original: OriginalHeaders;
  entries: ReportEntry[];
}

/** Longest diagnostic kept: the bounce table's and the recipient's column. */
export const MAX_DIAGNOSTIC = 1000;

const STATUS = /^[245]\.\d{1,3}\.\d{1,3}$/;
/** A code as reported, or null when it is not one (outside input: anything can be in the field). */
export const statusCode = (value: string | null | undefined) => {
  const code = (value ?? '').trim().split(/[\s(]/)[0];
  return STATUS.test(code) ? code : null;
};

/** A diagnostic made storable: one line, no NUL or other control characters, at most 1000 characters. */
export const diagnostic = (value: string | null | undefined) => {
  const text = fit((value ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim(), MAX_DIAGNOSTIC);
  return text || null;
};

const ORIGINAL_TYPES = ['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers'];

/** The headers of the returned original: from a `message/rfc822` or `text/rfc822-headers` part. */
export const originalPart = (parts: Part[]) => parts.find((p) => ORIGINAL_TYPES.includes(p.contentType)) ?? null;

export const originalFrom = (head: string): OriginalHeaders => {
  const headers = parseFields(head);
  const to = fields(headers, 'to').join(', ');
  return {
    messageId: field(headers, 'message-id'),
    campaignRecipient: field(headers, 'x-campaign-recipient'),
    to: /redacted/i.test(to) ? [] : addressesOfList(to),
  };
};

export const originalOf = (part: Part | null): OriginalHeaders | null => (part ? originalFrom(splitHead(part.body).head) : null);

const addressesOfList = (value: string) =>
  (value.match(/[^\s<>,;"()]{1,64}@[^\s<>,;"()]{1,255}/g) ?? []).slice(0, 20).map((a) => a.toLowerCase());
