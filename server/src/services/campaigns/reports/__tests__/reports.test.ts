import { classify, classifySafely } from '../classify';
import { entryFor } from '../apply';
import { addressOf, targetOfMessageId, targetsIn } from '../match';
import { diagnostic, statusCode } from '../report';

const CRLF = '\r\n';
const CAMPAIGN = 'k3j2h1g0f9e8d7c6b5a4z3y2';
const original = (to = 'ann@customer.example', id = 7) =>
  [
    'From: Newsletter <news@example.com>',
    `To: ${to}`,
    'Subject: Autumn news',
    `Message-ID: <${CAMPAIGN}.${id}@example.com>`,
    `X-Campaign-Recipient: ${CAMPAIGN}/${id}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain',
  ].join(CRLF);
const bounceFacts = { from: 'mailer-daemon@relay.example', subject: 'Undeliverable: Autumn news', automatic: true };
const report = (raw: string, facts = bounceFacts) => {
  const mail = classify(Buffer.from(raw), facts);
  if (mail?.type !== 'report') throw new Error(`not a report: ${JSON.stringify(mail)}`);
  return mail;
};

describe('status codes and diagnostics from outside', () => {
  it('keeps only enhanced status codes', () => {
    expect(statusCode('5.1.1')).toBe('5.1.1');
    expect(statusCode('4.2.2 (mailbox full)')).toBe('4.2.2');
    for (const bad of ['5.1', '6.1.1', '5.1000.1', "5.1.1'; DROP", '', null]) expect(statusCode(bad)).toBeNull();
  });
  it('makes a diagnostic one line without NUL, at most 1000 characters', () => {
    const d = diagnostic(`550 a\u0000b\r\n  ${'x'.repeat(2000)}`)!;
    expect(d).toMatch(/^550 a b x+$/);
    expect(d).toHaveLength(1000);
  });
});

describe('matching ids', () => {
  it('reads our Message-ID and finds it among 70,000 references', () => {
    expect(targetOfMessageId(`<${CAMPAIGN}.42@example.com>`)).toEqual({ campaign: CAMPAIGN, recipient: 42 });
    expect(targetOfMessageId('<other@example.com>')).toBeNull();
    const refs = [`<${CAMPAIGN}.3@example.com>`, ...Array.from({ length: 70_000 }, (_, i) => `<ref${i}@flood.example>`)].join(' ');
    expect(targetsIn(refs)).toEqual([{ campaign: CAMPAIGN, recipient: 3 }]);
  });
  it('reads report addresses of type rfc822 only', () => {
    expect(addressOf('rfc822; Ann@Customer.example')).toBe('ann@customer.example');
    expect(addressOf('rfc822;<ann@customer.example>')).toBe('ann@customer.example');
    expect(addressOf('x400; c=us;a=;p=x')).toBeNull();
  });
});

describe('reports', () => {
  it('a bounce in prose names the address it is about; Exchange and qmail quote the original differently', () => {
    const exchange = [
      'From: postmaster@outlook.example',
      'To: news@example.com',
      'Subject: Undeliverable: Autumn news',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'Delivery has failed to these recipients or groups:',
      '',
      'ann@customer.example',
      "The email address you entered couldn't be found.",
      '',
      'Diagnostic information for administrators:',
      'Generating server: mail.outlook.example',
      'ann@customer.example',
      'Remote Server returned \'550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\'',
      '',
      'Original message headers:',
      '',
      'Received: from cms.example.com (192.0.2.1) by mail.outlook.example (10.1.2.3) with Microsoft SMTP Server',
      original(),
      '',
    ].join(CRLF);
    const ex = report(exchange);
    expect(ex.target).toEqual({ campaign: CAMPAIGN, recipient: 7 });
    expect(ex.report.entries[0]).toMatchObject({ kind: 'hard', statusCode: '5.1.10', diagnostic: expect.stringContaining('RecipientNotFound') });
    expect(entryFor(ex.report, 'ann@customer.example')).not.toBeNull();

    const qmail = [
      'From: MAILER-DAEMON@mx.qmail.example',
      'To: news@example.com',
      'Subject: failure notice',
      '',
      'Hi. This is the qmail-send program at mx.qmail.example.',
      "I'm afraid I wasn't able to deliver your message to the following addresses.",
      "This is a permanent error; I've given up. Sorry it didn't work out.",
      '',
      '<ann@customer.example>:',
      '192.0.2.10 does not like recipient.',
      'Remote host said: 550 5.1.1 <ann@customer.example>: Recipient address rejected',
      'Giving up on 192.0.2.10.',
      '',
      '--- Below this line is a copy of the message.',
      '',
      'Return-Path: <news@example.com>',
      original(),
      '',
      'Hello',
    ].join(CRLF);
    const q = report(qmail, { ...bounceFacts, subject: 'failure notice' });
    // 192.0.2.10 is an address, not status 2.0.10.
    expect(q.report.entries[0]).toMatchObject({ kind: 'hard', statusCode: '5.1.1', addresses: expect.arrayContaining(['ann@customer.example']) });
  });

  it('an address the report names decides: another address, or none in a DSN, is no match', () => {
    const dsn = (recipient: string | null, to = 'ann@customer.example') =>
      [
        'From: MAILER-DAEMON@relay.example',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
        '',
        '--b',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; relay.example',
        '',
        ...(recipient ? [`Final-Recipient: rfc822; ${recipient}`] : []),
        'Action: failed',
        'Status: 5.1.1',
        '',
        '--b',
        'Content-Type: text/rfc822-headers',
        '',
        original(to),
        '--b--',
      ].join(CRLF);
    expect(entryFor(report(dsn('ann@customer.example')).report, 'ann@customer.example')).toMatchObject({ kind: 'hard' });
    // Forwarded: the final address is another, the original was sent to Ann.
    expect(entryFor(report(dsn('ann@elsewhere.example')).report, 'ann@customer.example')).toMatchObject({ kind: 'hard' });
    expect(entryFor(report(dsn('bob@customer.example', 'bob@customer.example')).report, 'ann@customer.example')).toBeNull();
    // RFC 3464 requires Final-Recipient: without it, it is not read as a report at all.
    expect(classify(Buffer.from(dsn(null)), bounceFacts)).toBeNull();
  });

  it('an ARF complaint naming no address (redacted) or another address changes no recipient', () => {
    const arf = (rcpt: string | null, to: string) =>
      [
        'From: fbl@isp.example',
        'Content-Type: multipart/report; report-type=feedback-report; boundary="a"',
        '',
        '--a',
        'Content-Type: message/feedback-report',
        '',
        'Feedback-Type: abuse',
        'User-Agent: FBL/1',
        ...(rcpt ? [`Original-Rcpt-To: ${rcpt}`] : []),
        '',
        '--a',
        'Content-Type: message/rfc822',
        '',
        original(to),
        '',
        'body',
        '--a--',
      ].join(CRLF);
    const facts = { from: 'fbl@isp.example', subject: 'FBL', automatic: true };
    expect(entryFor(report(arf(null, 'redacted@isp.example'), facts).report, 'ann@customer.example')).toBeNull();
    expect(entryFor(report(arf(null, 'ann@customer.example'), facts).report, 'ann@customer.example')).toMatchObject({ kind: 'complaint', diagnostic: 'Complaint (abuse) from FBL/1' });
    expect(entryFor(report(arf('bob@customer.example', 'bob@customer.example'), facts).report, 'ann@customer.example')).toBeNull();
    expect(classify(Buffer.from(arf(null, 'x').replace('abuse', 'not-spam')), facts)).toBeNull();
  });

  it('a reply or auto-reply names a campaign mail; anything unreadable is an ordinary mail', () => {
    const answer = (extra: string[]) => Buffer.from([`In-Reply-To: <${CAMPAIGN}.9@example.com>`, ...extra, 'Subject: Re: x', '', 'hi'].join(CRLF));
    const facts = { from: 'eve@customer.example', subject: 'Re: x', automatic: false };
    expect(classify(answer([]), facts)).toEqual({ type: 'reply', targets: [{ campaign: CAMPAIGN, recipient: 9 }] });
    for (const header of ['Auto-Submitted: auto-replied', 'X-Autoreply: yes', 'Precedence: auto_reply']) {
      expect(classify(answer([header]), facts)?.type).toBe('auto-reply');
    }
    expect(classify(answer(['Auto-Submitted: no']), facts)?.type).toBe('reply');
    expect(classifySafely(Buffer.from('Content-Type: multipart/report; boundary="\r\n\r\n--'), bounceFacts)).toBeNull();
  });
});

describe('crafted mail cannot freeze the event loop', () => {
  const big = 2 * 1024 * 1024;
  it('a 2 MB Content-Type of parameters without "=" is an ordinary mail', () => {
    const raw = [`Content-Type: text/plain; ${'a'.repeat(big)}`, 'Subject: x', '', 'hi'].join(CRLF);
    expect(classify(Buffer.from(raw), bounceFacts)).toBeNull();
  });
  it('a quoted original with a 2 MB To without "@" names no original address', () => {
    const raw = [
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; relay.example',
      '',
      'Final-Recipient: rfc822; ann@customer.example',
      'Action: failed',
      'Status: 5.1.1',
      '',
      '--b',
      'Content-Type: text/rfc822-headers',
      '',
      original(`x${'a'.repeat(big)}`),
      '--b--',
    ].join(CRLF);
    const mail = report(raw);
    expect(mail.report.original.to).toEqual([]);
    expect(mail.target).toEqual({ campaign: CAMPAIGN, recipient: 7 });
  });
  it('a prose bounce with a line of 2 MB spaces above a quoted Message-ID that says nothing failed is an ordinary mail', () => {
    const raw = ['Subject: Undeliverable: Autumn news', 'Content-Type: text/plain', '', 'Your message:', ' '.repeat(big), original(), '', 'hi'].join(CRLF);
    expect(classify(Buffer.from(raw), bounceFacts)).toBeNull();
  });
});
