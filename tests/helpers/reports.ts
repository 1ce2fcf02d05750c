/**
 * Delivery reports, complaints and answers to a campaign mail, written the way the programs that
 * send them write them. `original` is the campaign mail as the relay received it (its header
 * block is what a bounce returns).
 */
const CRLF = '\r\n';
let counter = 0;
const next = () => `${++counter}.${process.pid}.${Date.now()}`;

/** The header block of a raw mail. */
export const headerBlock = (raw: string) => raw.slice(0, raw.search(/\r?\n\r?\n/)).replace(/\r?\n/g, CRLF);

/** A header's value in a raw mail (unfolded). */
export const headerOf = (raw: string, name: string) =>
  new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(raw)?.[1]?.replace(/\r?\n[ \t]+/g, ' ').trim() ?? null;

const postfixDate = (d = new Date()) => d.toUTCString().replace(/GMT$/, '+0000 (UTC)').replace(/, 0?(\d) /, ',  $1 ');

export interface PostfixDsn {
  original: string;
  recipient: string;
  action: 'failed' | 'delayed';
  status: string;
  diagnostic: string;
  /** The report's own Message-ID (a second copy of a report has the same). */
  messageId?: string;
  host?: string;
}

/**
 * A DSN as Postfix's bounce(8) daemon writes one: multipart/report with the notification in
 * text/plain, message/delivery-status (Reporting-MTA, X-Postfix-Queue-ID, Arrival-Date, then the
 * recipient's Final-Recipient, Original-Recipient, Action, Status, Remote-MTA, Diagnostic-Code)
 * and the returned message's headers as text/rfc822-headers.
 */
export const postfixDsn = (o: PostfixDsn) => {
  const host = o.host ?? 'mx.relay.example';
  const queueId = `4F${(counter + 1).toString(16).toUpperCase().padStart(8, '0')}`;
  const boundary = `${queueId}.${Math.floor(Date.now() / 1000)}/${host}`;
  const delayed = o.action === 'delayed';
  const sender = /<([^>]+)>/.exec(headerOf(o.original, 'From') ?? '')?.[1] ?? headerOf(o.original, 'From');
  const folded = o.diagnostic.replace(/(.{60,}?) /g, `$1${CRLF}    `);
  return [
    `Received: by ${host} (Postfix)`,
    `\tid ${queueId}; ${postfixDate()}`,
    `Date: ${postfixDate()}`,
    `From: MAILER-DAEMON@${host} (Mail Delivery System)`,
    `Subject: ${delayed ? 'Delayed Mail (still being retried)' : 'Undelivered Mail Returned to Sender'}`,
    `To: ${sender}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status;',
    `\tboundary="${boundary}"`,
    'Content-Transfer-Encoding: 8bit',
    `Message-Id: ${o.messageId ?? `<${next()}@${host}>`}`,
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${boundary}`,
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    `This is the mail system at host ${host}.`,
    '',
    ...(delayed
      ? ['####################################################################', '# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #', '####################################################################', '', 'Your message could not be delivered for more than 3 hour(s).', 'It will be retried until it is 5 day(s) old.']
      : ["I'm sorry to have to inform you that your message could not", 'be delivered to one or more recipients. It\'s attached below.']),
    '',
    'For further assistance, please send mail to postmaster.',
    '',
    '                   The mail system',
    '',
    `<${o.recipient}>: host mx.customer.example[192.0.2.10] said: ${folded} (in reply to RCPT TO command)`,
    '',
    `--${boundary}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${host}`,
    `X-Postfix-Queue-ID: ${queueId}`,
    `X-Postfix-Sender: rfc822; ${sender}`,
    `Arrival-Date: ${postfixDate()}`,
    '',
    `Final-Recipient: rfc822; ${o.recipient}`,
    `Original-Recipient: rfc822;${o.recipient}`,
    `Action: ${o.action}`,
    `Status: ${o.status}`,
    'Remote-MTA: dns; mx.customer.example',
    `Diagnostic-Code: smtp; ${folded}`,
    ...(delayed ? [`Will-Retry-Until: ${postfixDate(new Date(Date.now() + 5 * 86400_000))}`] : []),
    '',
    `--${boundary}`,
    `Content-Description: ${delayed ? 'Delayed Message Headers' : 'Undelivered Message Headers'}`,
    'Content-Type: text/rfc822-headers',
    'Content-Transfer-Encoding: 8bit',
    '',
    `Return-Path: <${sender}>`,
    `Received: from cms.example.com (cms.example.com [192.0.2.1])`,
    `\tby ${host} (Postfix) with ESMTP id ${queueId}`,
    `\tfor <${o.recipient}>; ${postfixDate()}`,
    headerBlock(o.original),
    '',
    `--${boundary}--`,
    '',
  ].join(CRLF);
};

/** Gmail's older non-standard bounce: prose in text/plain, then the original quoted after "----- Original message -----". */
export const gmailBounce = (o: { original: string; recipient: string }) =>
  [
    'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
    `To: ${headerOf(o.original, 'From')}`,
    'Subject: Delivery Status Notification (Failure)',
    `Message-ID: <${next()}@mail.gmail.com>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    '',
    'Delivery to the following recipient failed permanently:',
    '',
    `     ${o.recipient}`,
    '',
    'Technical details of permanent failure:',
    'Google tried to deliver your message, but it was rejected by the server for the recipient domain example.org by mx.example.org. [192.0.2.20].',
    '',
    'The error that the other server returned was:',
    '550-5.1.1 The email account that you tried to reach does not exist. Please try',
    "550-5.1.1 double-checking the recipient's email address for typos or",
    '550 5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser',
    '',
    '----- Original message -----',
    '',
    headerBlock(o.original),
    '',
    'Hello, this was the campaign.',
    '',
  ].join(CRLF);

/** An RFC 5965 abuse report from a feedback loop, with the whole original as message/rfc822. */
export const arfReport = (o: { original: string; recipient: string | null }) =>
  [
    'From: Feedback Loop <fbl@isp.example>',
    'To: abuse@example.com',
    'Subject: Email Feedback Report for IP 192.0.2.1',
    `Message-ID: <${next()}@fbl.isp.example>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="arf-boundary"',
    '',
    '--arf-boundary',
    'Content-Type: text/plain; charset="US-ASCII"',
    'Content-Transfer-Encoding: 7bit',
    '',
    'This is an email abuse report for an email message received from IP 192.0.2.1.',
    '',
    '--arf-boundary',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: ExampleFBL/2.1',
    'Version: 1',
    `Original-Mail-From: <${/<([^>]+)>/.exec(headerOf(o.original, 'From') ?? '')?.[1]}>`,
    ...(o.recipient ? [`Original-Rcpt-To: <${o.recipient}>`] : []),
    `Arrival-Date: ${new Date().toUTCString()}`,
    'Reported-Domain: example.com',
    'Source-IP: 192.0.2.1',
    '',
    '--arf-boundary',
    'Content-Type: message/rfc822',
    'Content-Disposition: inline',
    '',
    o.original.replace(/\r?\n/g, CRLF),
    '',
    '--arf-boundary--',
    '',
  ].join(CRLF);

/** An answer to a campaign mail: a person's reply, or an out-of-office (RFC 3834 Auto-Submitted). */
export const answerTo = (o: { original: string; from: string; body: string; auto?: boolean; references?: string; inReplyTo?: boolean }) => {
  const id = headerOf(o.original, 'Message-ID')!;
  return [
    `From: ${o.from}`,
    `To: ${headerOf(o.original, 'Reply-To') ?? headerOf(o.original, 'From')}`,
    `Subject: ${o.auto ? 'Automatic reply: ' : 'Re: '}${headerOf(o.original, 'Subject')}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${next()}@customer.example>`,
    ...(o.inReplyTo === false ? [] : [`In-Reply-To: ${id}`]),
    `References: ${o.references ?? id}`,
    ...(o.auto ? ['Auto-Submitted: auto-replied', 'X-Autoreply: yes'] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    o.body,
    '',
  ].join(CRLF);
};
