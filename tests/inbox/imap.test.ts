/**
 * Fetching over IMAP from a real Dovecot: each mail stored once, never lost, policies observed.
 */
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { startDovecot, type Dovecot } from '../helpers/dovecot';
import { mail } from '../helpers/mails';
import { fetchNow as fetchMailbox, mailboxServer, storedMails } from '../helpers/inbox';
import { waitUntil } from '../helpers/net';

let app: TestApp;
let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await startDovecot();
  app = await bootStrapi({ EMAIL_SERVER_POLLING: 'false', EMAIL_SERVER_FETCH_BATCH: '3', EMAIL_SERVER_MAX_AUTH_FAILURES: '2' });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await dovecot?.stop();
});

/** A fresh mailbox user per test, so tests do not see each other's mail. */
const newMailbox = () => dovecot.newMailbox();

const createServer = async (mailbox: string, overrides: Record<string, unknown> = {}) => {
  const res = await app
    .as()
    .post('/email-server/servers')
    .send(mailboxServer(dovecot, mailbox, 'imap', { incomingSecurity: 'starttls', tlsRejectUnauthorized: false, ...overrides }));
  expect(res.status).toBe(201);
  return res.body.data;
};
const fetchNow = (documentId: string) => fetchMailbox(app, documentId);
const rows = (server: string) => storedMails(app, server);

/** What the fetch left on the server, as Dovecot itself lists it (not through an IMAP client). */
const mailboxContents = async (mailbox: string, folder = 'INBOX') => dovecot.messages(mailbox, folder);

it('stores N mails once; a second fetch adds nothing; a new mail adds only itself', async () => {
  const box = newMailbox();
  for (let i = 0; i < 7; i++) dovecot.deliver(mail({ subject: `Order ${i}` }), box);
  const server = await createServer(box);

  const first = await fetchNow(server.documentId);
  expect(first.status).toBe(200);
  expect(first.body.data).toEqual({ fetched: 7, stored: 7 });
  expect((await rows(server.documentId)).map((r: any) => r.subject)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `Order ${i}`));

  expect((await fetchNow(server.documentId)).body.data).toEqual({ fetched: 0, stored: 0 });
  expect(await rows(server.documentId)).toHaveLength(7);

  dovecot.deliver(mail({ subject: 'Late order' }), box);
  expect((await fetchNow(server.documentId)).body.data).toEqual({ fetched: 1, stored: 1 });
  const all = await rows(server.documentId);
  expect(all).toHaveLength(8);
  expect(all[7]).toMatchObject({ subject: 'Late order', folder: 'INBOX', from: { address: 'customer@customer.example', name: 'Customer' } });

  // "keep" (the default) leaves every mail on the server, unread.
  const left = await mailboxContents(box);
  expect(left).toHaveLength(8);
  expect(left.every((m) => !m.seen)).toBe(true);
});

it('re-syncs without duplicates when UIDVALIDITY changes', async () => {
  const box = newMailbox();
  const mails = [0, 1, 2].map((i) => mail({ subject: `Support ${i}` }));
  mails.forEach((m) => dovecot.deliver(m, box));
  const server = await createServer(box);
  expect((await fetchNow(server.documentId)).body.data.stored).toBe(3);
  const before = await app.strapi.db.query('plugin::email-server.mailbox-state').findOne({ where: { server: server.documentId } });

  // Recreate the mailbox: same mails, new UIDVALIDITY, plus one new mail. Dovecot takes a new
  // mailbox's UIDVALIDITY from the clock's second: recreate until Dovecot reports another one.
  const oldValidity = dovecot.uidValidity(box);
  await waitUntil(() => {
    dovecot.recreateInbox(box);
    return dovecot.uidValidity(box) !== oldValidity;
  }, 5_000, 'a new UIDVALIDITY');
  mails.forEach((m) => dovecot.deliver(m, box));
  dovecot.deliver(mail({ subject: 'After the move' }), box);

  const res = await fetchNow(server.documentId);
  expect(res.body.data).toEqual({ fetched: 4, stored: 1 });
  const after = await app.strapi.db.query('plugin::email-server.mailbox-state').findOne({ where: { server: server.documentId } });
  expect(after.uidValidity).not.toBe(before.uidValidity);
  expect((await rows(server.documentId)).map((r: any) => r.subject)).toEqual(['Support 0', 'Support 1', 'Support 2', 'After the move']);
  expect((await fetchNow(server.documentId)).body.data).toEqual({ fetched: 0, stored: 0 });
});

it('pointing the server at another mailbox starts that mailbox over instead of skipping its mail', async () => {
  const first = newMailbox();
  const second = newMailbox();
  for (let i = 0; i < 3; i++) dovecot.deliver(mail({ subject: `First box ${i}` }), first);
  for (let i = 0; i < 2; i++) dovecot.deliver(mail({ subject: `Second box ${i}` }), second);
  const server = await createServer(first);
  expect((await fetchNow(server.documentId)).body.data.stored).toBe(3);
  await app.as().put(`/email-server/servers/${server.documentId}`).send({ incomingUsername: second });
  expect((await fetchNow(server.documentId)).body.data).toEqual({ fetched: 2, stored: 2 });
  expect((await rows(server.documentId)).map((r: any) => r.subject)).toEqual(['First box 0', 'First box 1', 'First box 2', 'Second box 0', 'Second box 1']);
});

it.each([
  ['seen', (left: Array<{ seen: boolean }>) => expect(left.map((m) => m.seen)).toEqual([true, true, true, true])],
  ['delete', (left: Array<{ seen: boolean }>) => expect(left).toEqual([])],
])('after-fetch policy "%s" is applied on the server', async (afterFetch, expectLeft) => {
  const box = newMailbox();
  for (let i = 0; i < 4; i++) dovecot.deliver(mail({}), box);
  const server = await createServer(box, { afterFetch });
  expect((await fetchNow(server.documentId)).body.data.stored).toBe(4);
  expectLeft(await mailboxContents(box));
  expect(await rows(server.documentId)).toHaveLength(4);
});

it.each([
  ['plain (no TLS)', { incomingSecurity: 'none' }],
  ['STARTTLS', { incomingSecurity: 'starttls' }],
  ['implicit TLS', { incomingSecurity: 'tls', incomingPort: 0 }],
])('fetches over %s; a self-signed certificate fails unless verification is off', async (_what, security: any) => {
  const box = newMailbox();
  dovecot.deliver(mail({}), box);
  const port = security.incomingPort === 0 ? dovecot.ports.imaps : dovecot.ports.imap;
  const server = await createServer(box, { ...security, incomingPort: port, tlsRejectUnauthorized: true });
  const res = await fetchNow(server.documentId);
  if (security.incomingSecurity === 'none') {
    expect(res.body.data).toEqual({ fetched: 1, stored: 1 });
    return;
  }
  expect(res.status).toBe(400);
  expect(res.body.error.message).toMatch(/Certificate not trusted/);
  expect(await rows(server.documentId)).toHaveLength(0);
  // Turning verification off asks for the password again (a secret follows the host it was given for).
  const edited = await app.as().put(`/email-server/servers/${server.documentId}`).send({ tlsRejectUnauthorized: false, incomingPassword: 'Imap-Password-1' });
  expect(edited.status).toBe(200);
  expect((await fetchNow(server.documentId)).body.data).toEqual({ fetched: 1, stored: 1 });
});

it('repeated login failures pause polling and mark the server; an edit resumes it', async () => {
  const box = newMailbox();
  dovecot.deliver(mail({}), box);
  const server = await createServer(box, { incomingPassword: 'Wrong-Password-9' });
  for (let i = 0; i < 2; i++) {
    const res = await fetchNow(server.documentId);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('Authentication failed');
    expect(res.text).not.toContain('Wrong-Password-9');
  }
  const listed = (await app.as().get('/email-server/servers')).body.data.find((s: any) => s.documentId === server.documentId);
  expect(listed.incomingAttention).toMatch(/^Polling paused after 2 failed logins/);

  // The poller skips it: a tick polls another, due, server but does not even try to log in
  // to this one (with this password Dovecot would log a refused login).
  const attempts = dovecot.loginAttempts(box);
  expect(attempts).toBe(2);
  const otherBox = newMailbox();
  dovecot.deliver(mail({ subject: 'Polled meanwhile' }), otherBox);
  const other = await createServer(otherBox);
  // Due now, past the failures' backoff: only the attention mark keeps the poller away.
  await app.strapi.db.query('plugin::email-server.mailbox-state').update({ where: { server: server.documentId }, data: { nextPollAt: 0 } });
  await app.strapi.plugin('email-server').service('poller').tick();
  await waitUntil(async () => (await rows(other.documentId)).length === 1, 10_000, 'the other server to be polled');
  expect(dovecot.loginAttempts(box)).toBe(attempts);
  expect(await rows(server.documentId)).toHaveLength(0);

  const fixed = await app.as().put(`/email-server/servers/${server.documentId}`).send({ incomingPassword: 'Imap-Password-1' });
  expect(fixed.body.data.incomingAttention).toBeNull();
  await app.strapi.plugin('email-server').service('poller').tick();
  expect(await rows(server.documentId)).toHaveLength(1);
});

it('the poller fetches due servers by itself and a restart resumes where it stopped', async () => {
  const box = newMailbox();
  dovecot.deliver(mail({ subject: 'Polled 1' }), box);
  const server = await createServer(box);
  const poller = app.strapi.plugin('email-server').service('poller');
  await poller.tick();
  expect(await rows(server.documentId)).toHaveLength(1);
  // Not due again before its interval.
  dovecot.deliver(mail({ subject: 'Polled 2' }), box);
  await poller.tick();
  expect(await rows(server.documentId)).toHaveLength(1);
  await app.strapi.db.query('plugin::email-server.mailbox-state').update({ where: { server: server.documentId }, data: { nextPollAt: 0 } });
  await poller.tick();
  expect((await rows(server.documentId)).map((r: any) => r.subject)).toEqual(['Polled 1', 'Polled 2']);
});
