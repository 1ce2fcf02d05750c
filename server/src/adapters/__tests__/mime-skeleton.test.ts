import MailComposer from 'nodemailer/lib/mail-composer';
import { simpleParser } from 'mailparser';
import { createMimeSkeleton, type SkeletonFill } from '../mime-skeleton';

const HEADERS = ['X-Campaign-Recipient', 'List-Unsubscribe', 'List-Unsubscribe-Post'];
const from = { address: 'news@example.com', name: 'Zoë from Example' };

const values = (overrides: Partial<SkeletonFill> = {}): SkeletonFill => ({
  to: 'ann.o+tag@example.org',
  subject: 'Hello Ann',
  text: 'Dear Ann,\nshort lines only.\n',
  html: null,
  messageId: '<c1.42@example.com>',
  date: new Date('2026-12-02T10:00:00Z'),
  headers: { 'X-Campaign-Recipient': 'c1/42', 'List-Unsubscribe': '<https://cms.example.com/api/email-server/u/abc>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  ...overrides,
});

/** The same mail composed the ordinary way, by nodemailer's MailComposer. */
const composed = (v: SkeletonFill) =>
  new MailComposer({ from, replyTo: 'help@example.com', to: [v.to], subject: v.subject, text: v.text, html: v.html ?? undefined, headers: v.headers, messageId: v.messageId, date: v.date })
    .compile()
    .build();

const observable = async (raw: Buffer) => {
  const mail = await simpleParser(raw);
  return {
    subject: mail.subject,
    from: mail.from?.text,
    to: (mail.to as any)?.text,
    replyTo: mail.replyTo?.text,
    text: mail.text,
    html: mail.html || null,
    messageId: mail.messageId,
    date: mail.date?.toISOString(),
    headers: HEADERS.map((name) => String(mail.headers.get(name.toLowerCase()) ?? '')),
    listUnsubscribe: mail.headers.get('list-unsubscribe'),
  };
};

const cases: Array<[string, Partial<SkeletonFill>, boolean]> = [
  ['plain ASCII text', {}, false],
  ['a subject in another script, longer than a line', { subject: `Привет, Анна! ${'Очень длинная тема письма '.repeat(5)}` }, false],
  ['a subject with control characters', { subject: 'Tab\there and a bell \u0007' }, false],
  ['text with long lines and accents (quoted-printable)', { text: `Chère Ann,\n${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(8)}\n.\n.. a dot line` }, false],
  ['text mostly outside Latin (base64)', { text: '日本語のテキストです。\n'.repeat(20) }, false],
  ['text and HTML', { html: '<p>Dear <b>Ann</b> — <a href="https://example.com/x?a=1&amp;b=2">link</a></p>' }, true],
  ['CRLF and lone LF mixed', { text: 'one\r\ntwo\nthree\r\n' }, false],
];

describe('the campaign MIME skeleton', () => {
  it.each(cases)('reads like the composed mail: %s', async (_name, overrides, html) => {
    const skeleton = await createMimeSkeleton({ from, replyTo: 'help@example.com', html, headers: HEADERS });
    const v = values(overrides);
    const raw = skeleton.fill(v);
    expect(raw).not.toBeNull();
    expect(await observable(raw!)).toEqual(await observable(await composed(v)));
    // Only 7-bit lines within the SMTP limit go on the wire.
    for (const line of raw!.toString('latin1').split('\r\n')) {
      expect(line.length).toBeLessThanOrEqual(998);
      expect(/[^\x09\x20-\x7e]/.test(line)).toBe(false);
    }
  });

  it('fills each recipient with their own values', async () => {
    const skeleton = await createMimeSkeleton({ from, html: false, headers: HEADERS });
    const a = await simpleParser(skeleton.fill(values({ to: 'a@example.org', subject: 'For A', text: 'Text A', messageId: '<c1.1@example.com>' }))!);
    const b = await simpleParser(skeleton.fill(values({ to: 'b@example.org', subject: 'For B', text: 'Text B', messageId: '<c1.2@example.com>' }))!);
    expect([(a.to as any).text, a.subject, a.text?.trim(), a.messageId]).toEqual(['a@example.org', 'For A', 'Text A', '<c1.1@example.com>']);
    expect([(b.to as any).text, b.subject, b.text?.trim(), b.messageId]).toEqual(['b@example.org', 'For B', 'Text B', '<c1.2@example.com>']);
  });

  it.each([
    ['an address outside ASCII', { to: 'jörg@example.org' }],
    ['an address with a display-name character', { to: 'a,b@example.org' }],
    ['a header value with a line break', { headers: { ...values().headers, 'List-Unsubscribe': '<https://x.example/u>\r\nBcc: evil@example.net' } }],
    ['an empty text part', { text: '' }],
  ])('leaves %s to the ordinary composer', async (_name, overrides) => {
    const skeleton = await createMimeSkeleton({ from, html: false, headers: HEADERS });
    expect(skeleton.fill(values(overrides as Partial<SkeletonFill>))).toBeNull();
  });
});
