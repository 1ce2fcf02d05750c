/**
 * Fetching over POP3 (STLS and TLS) from a real Dovecot, and a corpus of awkward real-world
 * mails that must not stop a mailbox.
 */
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { startDovecot, type Dovecot } from '../helpers/dovecot';
import { mail } from '../helpers/mails';
import { fetchNow as fetchMailbox, mailboxServer, storedMails } from '../helpers/inbox';
import { awkwardMails } from '../helpers/awkward-mails';

let app: TestApp;
let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await startDovecot();
  app = await bootStrapi({
    EMAIL_SERVER_POLLING: 'false',
    EMAIL_SERVER_FETCH_BATCH: '4',
    // Above the corpus' 20 MB mail, which must be read whole.
    EMAIL_SERVER_MAX_MESSAGE_BYTES: String(30 * 1024 * 1024),
    EMAIL_SERVER_INITIAL_SYNC_MAX: '10',
  });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await dovecot?.stop();
});

const createServer = async (mailbox: string, overrides: Record<string, unknown> = {}) => {
  const res = await app
    .as()
    .post('/email-server/servers')
    .send(mailboxServer(dovecot, mailbox, 'pop3', { incomingSecurity: 'starttls', tlsRejectUnauthorized: false, ...overrides }));
  expect(res.status).toBe(201);
  return res.body.data;
};
const fetchNow = (documentId: string) => fetchMailbox(app, documentId);
const rows = (server: string) => storedMails(app, server);
/** How many mails the fetch left on the server, as Dovecot itself counts them (not through our POP3 client). */
const leftOnServer = async (mailbox: string) => dovecot.messages(mailbox).length;

it('stores N mails once by UIDL; a second fetch adds nothing; a new mail adds only itself', async () => {
  const box = dovecot.newMailbox();
  for (let i = 0; i < 6; i++) dovecot.deliver(mail({ subject: `Ticket ${i}` }), box);
  const server = await createServer(box);
  expect((await fetchNow(server.documentId)).body.data).toEqual({ fetched: 6, stored: 6 });
  expect((await fetchNow(server.documentId)).body.data).toEqual({ fetched: 0, stored: 0 });
  dovecot.deliver(mail({ subject: 'Ticket new' }), box);
  expect((await fetchNow(server.documentId)).body.data).toEqual({ fetched: 1, stored: 1 });
  const stored = await rows(server.documentId);
  expect(stored.map((r: any) => r.subject)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `Ticket ${i}`).concat('Ticket new'));
  expect(stored.every((r: any) => typeof r.uidl === 'string' && r.uidl.length > 0)).toBe(true);
  expect(await leftOnServer(box)).toBe(7); // "keep"
});

it('a first sync takes only the newest mails, and the older ones stay left out afterwards', async () => {
  const box = dovecot.newMailbox();
  for (let i = 0; i < 13; i++) dovecot.deliver(mail({ subject: `Old ${i}` }), box);
  const server = await createServer(box);
  expect((await fetchNow(server.documentId)).body.data).toEqual({ fetched: 10, stored: 10 });
  expect((await rows(server.documentId)).map((r: any) => r.subject)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((i) => `Old ${i}`));
  expect((await fetchNow(server.documentId)).body.data).toEqual({ fetched: 0, stored: 0 });
  dovecot.deliver(mail({ subject: 'Fresh' }), box);
  expect((await fetchNow(server.documentId)).body.data).toEqual({ fetched: 1, stored: 1 });
});

it('the delete policy removes fetched mails from the server (POP3 DELE, after commit)', async () => {
  const box = dovecot.newMailbox();
  for (let i = 0; i < 5; i++) dovecot.deliver(mail({}), box);
  const server = await createServer(box, { afterFetch: 'delete', incomingPort: dovecot.ports.pop3s, incomingSecurity: 'tls' });
  expect((await fetchNow(server.documentId)).body.data).toEqual({ fetched: 5, stored: 5 });
  expect(await leftOnServer(box)).toBe(0);
  expect(await rows(server.documentId)).toHaveLength(5);
});

it('refuses "seen" for POP3, which has no such flag', async () => {
  const res = await app.as().post('/email-server/servers').send({
    name: 'POP3 seen',
    type: 'smtp',
    senderEmail: 'agent@example.com',
    smtpHost: '127.0.0.1',
    smtpPort: 25,
    incomingProtocol: 'pop3',
    incomingHost: '127.0.0.1',
    incomingPort: 110,
    incomingUsername: 'x',
    incomingPassword: 'y',
    afterFetch: 'seen',
  });
  expect(res.status).toBe(400);
  expect(res.body.error.details.errors[0]).toMatchObject({ path: ['afterFetch'], message: 'POP3 has no "seen" flag: choose keep or delete.' });
});

it('a self-signed certificate fails unless verification is off; a wrong password is reported', async () => {
  const box = dovecot.newMailbox();
  dovecot.deliver(mail({}), box);
  const server = await createServer(box, { tlsRejectUnauthorized: true });
  const untrusted = await fetchNow(server.documentId);
  expect(untrusted.status).toBe(400);
  expect(untrusted.body.error.message).toMatch(/Certificate not trusted/);

  await app.as().put(`/email-server/servers/${server.documentId}`).send({ tlsRejectUnauthorized: false, incomingPassword: 'Wrong-Password-9' });
  const wrong = await fetchNow(server.documentId);
  expect(wrong.status).toBe(400);
  expect(wrong.body.error.message).toMatch(/Authentication failed on 127\.0\.0\.1:\d+/);
  expect(wrong.text).not.toContain('Wrong-Password-9');
  expect(await rows(server.documentId)).toHaveLength(0);
});

it('fetches a corpus of awkward real-world mails without a crash, each read whole (no problem noted)', async () => {
  const box = dovecot.newMailbox();
  const corpus = awkwardMails();
  for (const { raw } of corpus) dovecot.deliver(raw, box);
  const server = await createServer(box);
  const res = await fetchNow(server.documentId);
  expect(res.status).toBe(200);
  expect(res.body.data).toEqual({ fetched: corpus.length, stored: corpus.length });
  const stored = await rows(server.documentId);
  const bySubjectStart = (prefix: string) => stored.find((r: any) => String(r.subject).startsWith(prefix));
  for (const { name, expectSubject, check } of corpus) {
    const row = expectSubject ? bySubjectStart(expectSubject) : stored.find((r: any) => r.messageId === null);
    expect([name, Boolean(row)]).toEqual([name, true]);
    // mailparser reads every one of them: none is kept as a stub with a note.
    expect([name, row.problem]).toEqual([name, null]);
    check?.(row);
  }
});
