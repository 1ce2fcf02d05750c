/**
 * RFC 3464 delivery status notifications: `multipart/report; report-type=delivery-status` with a
 * `message/delivery-status` part (one block of message fields, then one block per recipient)
 * and the original's headers in `text/rfc822-headers` or `message/rfc822`.
 */
import { addressOf } from './match';
import { field, parseFields, textOf, type Part } from './mime';
import { diagnostic, originalOf, originalPart, statusCode, type Report, type ReportEntry } from './report';

const STATUS_TYPES = ['message/delivery-status', 'message/global-delivery-status'];
const MAX_ENTRIES = 20;

/** `Action: failed` or 5.x.x is hard; `delayed` or 4.x.x soft; delivered, relayed, expanded are no bounce. */
const kindOf = (action: string | null, code: string | null): ReportEntry['kind'] | null => {
  const a = (action ?? '').toLowerCase().split(/[\s(]/)[0];
  if (a === 'failed') return 'hard';
  if (a === 'delayed') return 'soft';
  if (a) return null;
  if (code?.startsWith('5.')) return 'hard';
  if (code?.startsWith('4.')) return 'soft';
  return null;
};

/** `smtp; 550 5.1.1 …` → `550 5.1.1 …`: the diagnostic type says nothing to a person. */
const withoutType = (value: string | null) => (value ? value.replace(/^[A-Za-z0-9-]+\s*;\s*/, '') : null);

/** The per-recipient blocks of a delivery-status part (blocks are separated by empty lines). */
const entriesOf = (part: Part): ReportEntry[] => {
  const blocks = textOf(part)
    .split(/\r?\n[ \t]*\r?\n/)
    .map((block) => parseFields(block.trim()))
    .filter((headers) => headers.length > 0);
  const entries: ReportEntry[] = [];
  // The first block is about the message (Reporting-MTA, Arrival-Date); recipients follow.
  for (const headers of blocks) {
    if (entries.length >= MAX_ENTRIES) break;
    const final = field(headers, 'final-recipient');
    if (!final) continue;
    const code = statusCode(field(headers, 'status'));
    const kind = kindOf(field(headers, 'action'), code);
    if (!kind) continue;
    const addresses = [addressOf(final), addressOf(field(headers, 'original-recipient'))].filter((a): a is string => Boolean(a));
    entries.push({ addresses: [...new Set(addresses)], kind, statusCode: code, diagnostic: diagnostic(withoutType(field(headers, 'diagnostic-code'))) });
  }
  return entries;
};

/** A DSN with at least one failed or delayed recipient, or null. */
export const parseDsn = (parts: Part[]): Report | null => {
  const status = parts.find((p) => STATUS_TYPES.includes(p.contentType));
  if (!status) return null;
  const entries = entriesOf(status);
  const original = originalOf(originalPart(parts));
  if (!entries.length || !original) return null;
  return { format: 'dsn', original, entries };
};
