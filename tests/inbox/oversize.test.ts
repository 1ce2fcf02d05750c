/**
 * Mails that cannot be stored whole do not stop a mailbox, over IMAP and POP3: one over
 * `maxMessageBytes` is kept with its headers only and a note (and stays on the mail server even
 * with the delete policy); one mailparser cannot read is kept with a `problem` and its source.
 * The mails around them are stored normally. The mailbox is read back with doveadm.
 */
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { startDovecot, type Dovecot } from '../helpers/dovecot';
import { mail } from '../helpers/mails';
import { fetchNow, mailboxServer, storedMails } from '../helpers/inbox';

const MAX_BYTES = 50_000;
let app: TestApp;
let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await startDovecot();
  app = await bootStrapi({ EMAIL_SERVER_POLLING: 'false', EMAIL_SERVER_MAX_MESSAGE_BYTES: String(MAX_BYTES), EMAIL_SERVER_FETCH_BATCH: '2' });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await dovecot?.stop();
});

const CRLF = '\r\n';
/** 80 kB of text: over the limit. */
const oversize = () =>
  mail({ subject: 'Huge report', from: 'Big <big@customer.example>', body: `OVERSIZE-BODY ${'lorem ipsum '.repeat(7000)}` });
/** 1,001 MIME parts: mailparser gives up ("Max allowed child nodes exceeded"). */
const unparsable = () =>
  [
    'From: Parts <parts@customer.example>',
    'To: agent@example.com',
    'Subject: Many parts',
    'Message-ID: <many-parts@customer.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="p"',
    '',
    ...Array.from({ length: 1001 }, (_, i) => `--p${CRLF}Content-Type: text/plain${CRLF}${CRLF}part ${i}${CRLF}`),
    '--p--',
    '',
  ].join(CRLF);

const rows = (server: string) => storedMails(app, server);

it.each(['imap', 'pop3'] as const)('%s: keeps an over-size mail with its headers only and an unparsable one with a problem', async (protocol) => {
  const box = dovecot.newMailbox();
  const big = oversize();
  const broken = unparsable();
  expect(Buffer.byteLength(big)).toBeGreaterThan(MAX_BYTES);
  expect(Buffer.byteLength(broken)).toBeLessThan(MAX_BYTES);
  dovecot.deliver(mail({ subject: 'Before', body: 'first good mail' }), box);
  dovecot.deliver(big, box);
  dovecot.deliver(broken, box);
  dovecot.deliver(mail({ subject: 'After', body: 'second good mail' }), box);

  const created = await app.as().post('/email-server/servers').send(mailboxServer(dovecot, box, protocol, { name: `${protocol} ${box}`, afterFetch: 'delete' }));
  expect(created.status).toBe(201);
  const server = created.body.data.documentId;

  const res = await fetchNow(app, server);
  expect(res.status).toBe(200);
  expect(res.body.data).toEqual({ fetched: 4, stored: 4 });

  const stored = await rows(server);
  expect(stored.map((r: any) => r.subject)).toEqual(['Before', 'Huge report', 'Many parts', 'After']);
  const [before, huge, parts, after] = stored;
  for (const good of [before, after]) expect(good.problem).toBeNull();
  expect(before.text.trim()).toBe('first good mail');
  expect(after.text.trim()).toBe('second good mail');

  // Headers only: who and what, with a note, and nothing of the body.
  expect(huge.from).toEqual({ address: 'big@customer.example', name: 'Big' });
  expect(huge.problem).toMatch(/^Too large \(\d+ bytes\): only the headers were fetched\.$/);
  expect(Number(/\((\d+) bytes\)/.exec(huge.problem)![1])).toBeGreaterThan(MAX_BYTES);
  expect(JSON.stringify(huge)).not.toContain('OVERSIZE-BODY');

  // Unparsable: the headers that could be read, the reason, and the whole source as text.
  expect(parts.from).toEqual({ address: 'parts@customer.example', name: 'Parts' });
  expect(parts.messageId).toBe('<many-parts@customer.example>');
  expect(parts.problem).toBe('Could not be parsed: Max allowed child nodes exceeded');
  expect(parts.text).toContain('part 1000');

  // Deleted from the mail server: everything stored whole. The headers-only mail stays there.
  expect(dovecot.subjectsInMailbox(box)).toEqual(['Huge report']);

  // The mailbox is not stuck: a later mail is fetched, and nothing is stored twice.
  dovecot.deliver(mail({ subject: 'Later', body: 'third good mail' }), box);
  const again = await fetchNow(app, server);
  expect(again.body.data).toEqual({ fetched: 1, stored: 1 });
  expect((await rows(server)).map((r: any) => r.subject)).toEqual(['Before', 'Huge report', 'Many parts', 'After', 'Later']);
});
