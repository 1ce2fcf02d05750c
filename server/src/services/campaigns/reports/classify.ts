/**
 * Whether a fetched mail is about one of our campaign mails, from the mail alone: a report
 * (bounce or complaint) quoting it, or a reply or auto-reply naming it in In-Reply-To or
 * References. The database decides later whether the campaign and recipient exist.
 */
import crypto from 'node:crypto';
import { parseArf } from './parse-arf';
import { parseDsn } from './parse-dsn';
import { parseTextBounce } from './parse-text';
import { targetOfOriginal, targetsIn, type CampaignTarget } from './match';
import { field, fields, leafParts, parseContentType, parseFields, splitHead } from './mime';
import type { Report } from './report';

export type CampaignMail =
  | { type: 'report'; report: Report; target: CampaignTarget; /** Names this report: its Message-ID, else a hash of it. */ reportId: string }
  | { type: 'reply' | 'auto-reply'; targets: CampaignTarget[] };

const DAEMON = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;
const BOUNCE_SUBJECT = /(undeliver|returned mail|delivery (status notification|failure|failed|has failed|incomplete|problem)|failure notice|non-?delivery|delivery notification|mail delivery (failed|system))/i;

/** RFC 3834 and the older headers auto-responders set. */
const isAutoReply = (headers: ReturnType<typeof parseFields>, automatic: boolean) => {
  const submitted = (field(headers, 'auto-submitted') ?? '').toLowerCase();
  if (submitted && !submitted.startsWith('no')) return true;
  if (field(headers, 'x-autoreply') || field(headers, 'x-autorespond')) return true;
  if (/^auto_reply$/i.test(field(headers, 'precedence') ?? '')) return true;
  return automatic;
};

export interface MailFacts {
  from: string | null;
  subject: string;
  /** From services/inbox/automatic.ts: no person wrote it. */
  automatic: boolean;
}

const readReport = (source: Buffer, contentType: string, bounceLike: boolean): Report | null => {
  if (contentType !== 'multipart/report' && !bounceLike) return null;
  const { parts } = leafParts(source);
  return parseArf(parts) ?? parseDsn(parts) ?? (bounceLike ? parseTextBounce(parts) : null);
};

export const classify = (source: Buffer, facts: MailFacts): CampaignMail | null => {
  const { head } = splitHead(source);
  const headers = parseFields(head);
  const { type } = parseContentType(field(headers, 'content-type'));
  const bounceLike = facts.automatic && (DAEMON.test(facts.from ?? '') || BOUNCE_SUBJECT.test(facts.subject));
  const report = readReport(source, type, bounceLike);
  const target = report && targetOfOriginal(report.original);
  if (report && target) {
    const messageId = field(headers, 'message-id');
    const reportId = messageId && messageId.length <= 200 ? messageId : crypto.createHash('sha256').update(messageId ?? source).digest('hex');
    return { type: 'report', report, target, reportId };
  }
  // A scan of the raw fields: mailparser gives up on a mail with 70,000 references.
  const targets = targetsIn([...fields(headers, 'in-reply-to'), ...fields(headers, 'references')].join(' '));
  if (!targets.length) return null;
  return { type: isAutoReply(headers, facts.automatic) ? 'auto-reply' : 'reply', targets };
};

/** `classify`, except that a mail it cannot read is an ordinary mail: a report never stops the poller. */
export const classifySafely = (source: Buffer, facts: MailFacts): CampaignMail | null => {
  try {
    return classify(source, facts);
  } catch {
    return null;
  }
};
