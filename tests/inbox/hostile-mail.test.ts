/**
 * Mail from anyone on the internet, on the database where it bites (PostgreSQL: `string` is
 * varchar(255), no NUL in text or jsonb): a hostile mail never stops a mailbox, a forged Date
 * never redirects a reply, and mail HTML is made safe once, when it is stored.
 */
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { incomingFrom, startDovecot, type Dovecot } from '../helpers/dovecot';
import { fetchNow as fetchMailbox, storedMails } from '../helpers/inbox';
import { startSmtpServer, type ScriptedSmtp } from '../helpers/smtp-server';
import { mail, messageIdOf } from '../helpers/mails';

let app: TestApp;
let dovecot: Dovecot;
let smtp: ScriptedSmtp;

beforeAll(async () => {
  [dovecot, smtp] = await Promise.all([startDovecot(), startSmtpServer()]);
  app = await bootStrapi({ EMAIL_SERVER_POLLING: 'false' });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await Promise.all([dovecot?.stop(), smtp?.stop()]);
});

const CRLF = '\r\n';

const createServer = async (box: string, protocol: 'imap' | 'pop3') => {
  const res = await app.as().post('/email-server/servers').send({
    name: `Hostile ${protocol} ${box}`,
    type: 'smtp',
    senderEmail: 'help@example.com',
    smtpHost: '127.0.0.1',
    smtpPort: smtp.port,
    smtpSecurity: 'none',
    ...incomingFrom(dovecot, box, protocol),
  });
  expect(res.status).toBe(201);
  return res.body.data;
};
const fetchNow = async (documentId: string) => {
  const res = await fetchMailbox(app, documentId);
  expect(res.status).toBe(200);
  return res.body.data as { fetched: number; stored: number };
};
const rows = (server: string) => storedMails(app, server);
const attachmentsOf = (message: string) =>
  app.strapi.db.query('plugin::email-server.message-attachment').findMany({ where: { message }, orderBy: { index: 'asc' } });

/** 70,000 References, one per folded line: over PostgreSQL's 65,535 bind parameters if all are used. */
const floodOfReferences = () =>
  [
    'From: flood@customer.example',
    'To: help@example.com',
    'Subject: Flood of references',
    'Message-ID: <flood@customer.example>',
    `References: ${Array.from({ length: 70_000 }, (_, i) => `<ref${i}@flood.example>`).join(`${CRLF} `)}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'So many references.',
    '',
  ].join(CRLF);

const LONG = 'x'.repeat(600);
/** A 600-character Message-ID, subject and attachment filename, and NUL bytes in subject and body. */
const longAndNul = () =>
  Buffer.from(
    [
      'From: Long <long@customer.example>',
      'To: help@example.com',
      `Subject: Long =?utf-8?Q?nul=00here?= ${LONG}`,
      `Message-ID: <${LONG}@long.example>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="h1"',
      '',
      '--h1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'before=00after',
      '--h1',
      `Content-Type: application/octet-stream; name="${LONG}.bin"`,
      `Content-Disposition: attachment; filename="${LONG}.bin"`,
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('attached bytes').toString('base64'),
      '--h1--',
      '',
    ].join(CRLF)
  );

it.each(['imap', 'pop3'] as const)(
  '%s: hostile mails are kept without stopping the mailbox; the mails around them and after them are stored',
  async (protocol) => {
    const box = dovecot.newMailbox();
    const server = await createServer(box, protocol);
    dovecot.deliver(mail({ subject: 'Good before', body: 'first good mail' }), box);
    dovecot.deliver(floodOfReferences(), box);
    dovecot.deliver(longAndNul(), box);
    dovecot.deliver(
      mail({ subject: 'Many references', references: Array.from({ length: 5000 }, (_, i) => `<ref${i}@many.example>`).join(`${CRLF} `) }),
      box
    );
    dovecot.deliver(mail({ subject: 'Good after', body: 'second good mail' }), box);

    expect(await fetchNow(server.documentId)).toEqual({ fetched: 5, stored: 5 });
    const stored = await rows(server.documentId);
    const bySubject = (start: string) => stored.filter((r: any) => String(r.subject).startsWith(start));
    for (const [subject, body] of [['Good before', 'first good mail'], ['Good after', 'second good mail']]) {
      expect(bySubject(subject)).toHaveLength(1);
      expect(bySubject(subject)[0]).toMatchObject({ problem: null });
      expect(bySubject(subject)[0].text.trim()).toBe(body);
    }

    // Too many header bytes for the parser: kept, with the headers that could be read.
    const [flood] = bySubject('Flood of references');
    expect(flood).toMatchObject({ messageId: '<flood@customer.example>', from: { address: 'flood@customer.example' } });
    expect(flood.problem).toMatch(/^Could not be parsed/);
    expect(flood.references.length).toBeLessThanOrEqual(50);
    // Threading uses (and keeps) the newest references only.
    const [many] = bySubject('Many references');
    expect(many.problem).toBeNull();
    expect(many.references).toHaveLength(50);
    expect(many.references.at(-1)).toBe('<ref4999@many.example>');

    // Kept: either stored cut, or as a stub with a problem note and the original attached.
    const [long] = bySubject('Long');
    expect(long).toBeDefined();
    expect(long.subject).not.toContain('\u0000');
    expect(long.messageId).toMatch(/^<x{200}/);
    const files = await attachmentsOf(long.documentId);
    expect(files.length).toBeGreaterThan(0);
    if (long.problem) {
      expect(files.map((f: any) => f.filename)).toContain('original.eml');
    } else {
      expect(long.text).toContain('beforeafter');
      expect(files[0].filename).toMatch(/^x{200}/);
      expect(Buffer.from(files[0].content, 'base64').toString()).toBe('attached bytes');
    }

    // The cursor moved on: a mail that arrives later is fetched, nothing is fetched twice.
    dovecot.deliver(mail({ subject: 'Good later', body: 'third good mail' }), box);
    expect(await fetchNow(server.documentId)).toMatchObject({ stored: 1 });
    const after = await rows(server.documentId);
    expect(after.map((r: any) => String(r.subject).slice(0, 19)).sort()).toEqual(
      ['Flood of references', 'Good after', 'Good before', 'Good later', 'Many references', String(long.subject).slice(0, 19)].sort()
    );
    const state = await app.strapi.db.query('plugin::email-server.mailbox-state').findOne({ where: { server: server.documentId } });
    expect(state.lastError).toBeNull();
  }
);

it('answers the newest mail by arrival, not the one with the latest Date header; shows where the reply goes', async () => {
  const box = dovecot.newMailbox();
  const server = await createServer(box, 'imap');
  const first = mail({ subject: 'Refund please', from: 'Carol <carol@customer.example>', date: new Date(Date.now() - 60_000) });
  // Someone who knows the thread's Message-ID writes into it with a date far in the future.
  const forged = mail({
    subject: 'Re: Refund please',
    from: 'Mallory <mallory@attacker.example>',
    inReplyTo: messageIdOf(first)!,
    references: messageIdOf(first)!,
    date: new Date('2099-01-01T00:00:00Z'),
  });
  const latest = mail({
    subject: 'Re: Refund please',
    from: 'Carol <carol@customer.example>',
    // Only to us: the reply-all has no one else to copy.
    to: 'help@example.com',
    inReplyTo: messageIdOf(first)!,
    references: messageIdOf(first)!,
    body: 'Any news?',
  });
  for (const raw of [first, forged, latest]) dovecot.deliver(raw, box);
  await fetchNow(server.documentId);

  const stored = await rows(server.documentId);
  expect(stored).toHaveLength(3);
  // The future date is taken for the arrival time.
  const forgedRow = stored.find((r: any) => r.from?.address === 'mallory@attacker.example');
  expect(new Date(forgedRow.date).getTime()).toBeLessThanOrEqual(Date.now());
  const conversation = stored[0].conversation;
  expect(new Set(stored.map((r: any) => r.conversation))).toEqual(new Set([conversation]));

  const detail = (await app.as().get(`/email-server/conversations/${conversation}`)).body.data;
  expect(detail.replyRecipients).toEqual([{ address: 'carol@customer.example', name: 'Carol' }]);
  const reply = await app.as().post(`/email-server/conversations/${conversation}/reply`).send({ text: 'On its way.' });
  expect(reply.status).toBe(200);
  const sent = smtp.received.at(-1)!;
  expect(sent.rcptTo).toEqual(['carol@customer.example']);
  expect(sent.mail.inReplyTo).toBe(messageIdOf(latest));
});

it('stores mail HTML sanitised (no remote CSS, remote images held back) and serves remote images on request', async () => {
  const box = dovecot.newMailbox();
  const server = await createServer(box, 'imap');
  const html = [
    '<div style="color: red; background: url(https://tracker.example/bg.gif)">styled</div>',
    '<p style="background-image: \\75rl(https://tracker.example/escaped.gif); font-weight: bold">escaped</p>',
    '<style>@import url(https://tracker.example/import.css); p { color: blue }</style>',
    '<table background="https://tracker.example/table.gif"><tr><td style="list-style: url(https://tracker.example/list.gif)">cell</td></tr></table>',
    '<img src="https://tracker.example/pixel.gif" alt="pixel"><img data-remote-src="javascript:alert(1)" alt="given">',
  ].join('');
  dovecot.deliver(
    ['From: news@customer.example', 'To: help@example.com', 'Subject: Styled news', 'Message-ID: <styled@customer.example>', 'MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8', '', html, ''].join(CRLF),
    box
  );
  await fetchNow(server.documentId);
  const [row] = await rows(server.documentId);
  // What is stored is already safe: nothing is left for a GET to forget.
  expect(row.html).toContain('color:red');
  expect(row.html).toContain('font-weight:bold');
  for (const bad of ['bg.gif', 'escaped.gif', 'import.css', '@import', 'table.gif', 'list.gif', 'javascript:', ' src="https://tracker.example']) {
    expect(row.html).not.toContain(bad);
  }
  expect(row.html).toContain('data-remote-src="https://tracker.example/pixel.gif"');

  const url = `/email-server/conversations/${row.conversation}`;
  const blocked = (await app.as().get(url)).body.data.messages[0].html;
  expect(blocked).not.toContain(' src="https://tracker.example');
  const remote = (await app.as().get(`${url}?remote=1`)).body.data.messages[0].html;
  expect(remote).toContain('src="https://tracker.example/pixel.gif"');
  expect(remote).not.toContain('javascript:');
  expect(remote).not.toContain('bg.gif');
});

it('keeps a 20 MB HTML part as text, with a note, instead of sanitising it', async () => {
  const box = dovecot.newMailbox();
  const server = await createServer(box, 'imap');
  const huge = `<p>${'<b>big</b> newsletter '.repeat(1_000_000)}</p>`;
  expect(huge.length).toBeGreaterThan(20 * 1024 * 1024);
  dovecot.deliver(
    ['From: bulk@customer.example', 'To: help@example.com', 'Subject: Huge html', 'Message-ID: <huge@customer.example>', 'MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8', '', huge, ''].join(CRLF),
    box
  );
  await fetchNow(server.documentId);
  const [row] = await rows(server.documentId);
  expect(row.html === null).toBe(true); // not toBeNull: a failure would print 20 MB
  expect(row.problem).toMatch(/HTML part \(\d+ bytes\) is over the limit of 2097152 bytes/);
  expect(row.text).toMatch(/^BIG newsletter|^big newsletter/i);
  const message = (await app.as().get(`/email-server/conversations/${row.conversation}`)).body.data.messages[0];
  expect(message).toMatchObject({ html: null, problem: row.problem });
}, 60_000);
