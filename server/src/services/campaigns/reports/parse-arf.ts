/**
 * RFC 5965 abuse reports (ARF), as mailbox providers' feedback loops send them:
 * `multipart/report; report-type=feedback-report` with a `message/feedback-report` part and the
 * original in `message/rfc822` or `text/rfc822-headers`.
 */
import { addressOf } from './match';
import { field, fields, parseFields, textOf, type Part } from './mime';
import { diagnostic, originalOf, originalPart, type Report } from './report';

/** Feedback types that are a person's complaint; `not-spam` and `auth-failure` are not. */
const COMPLAINTS = ['abuse', 'fraud', 'virus', 'other'];

export const parseArf = (parts: Part[]): Report | null => {
  const feedback = parts.find((p) => p.contentType === 'message/feedback-report');
  if (!feedback) return null;
  const headers = parseFields(textOf(feedback).trim());
  const type = (field(headers, 'feedback-type') ?? '').toLowerCase();
  const original = originalOf(originalPart(parts));
  if (!COMPLAINTS.includes(type) || !original) return null;
  const addresses = fields(headers, 'original-rcpt-to')
    .map(addressOf)
    .filter((a): a is string => Boolean(a));
  const agent = field(headers, 'user-agent');
  return {
    format: 'arf',
    original,
    entries: [{ addresses, kind: 'complaint', statusCode: null, diagnostic: diagnostic(`Complaint (${type})${agent ? ` from ${agent}` : ''}`) }],
  };
};
