/**
 * Two Strapi instances on one PostgreSQL database polling the same mailbox (and both pressing
 * "Fetch now"): every mail is stored exactly once. Runs in the PostgreSQL stage of `npm test`:
 * SQLite is a single-instance database.
 */
import { adminToken } from '../helpers/server-process';
import { startDovecot, type Dovecot } from '../helpers/dovecot';
import { mail } from '../helpers/mails';
import { waitUntil } from '../helpers/net';
import { POLLING, api, cluster, createImapServer, expectEachOnce, storedCount, storedSubjects } from '../helpers/polling-cluster';

jest.setTimeout(240_000);

let dovecot: Dovecot;
const instances = cluster();

beforeAll(async () => {
  if (process.env.TEST_DB !== 'postgres') {
    throw new Error('tests/multi-instance needs PostgreSQL: run with TEST_DB=postgres (npm test does).');
  }
  dovecot = await startDovecot();
});
afterAll(async () => {
  await instances.stopAll();
  await dovecot?.stop();
});

it('two Strapi instances polling one mailbox on one database store every mail exactly once', async () => {
  const box = dovecot.newMailbox();
  const total = 150;
  for (let i = 0; i < total; i++) dovecot.deliver(mail({ subject: `Shared ${i}` }), box);

  const a = await instances.start({ ...POLLING, EMAIL_SERVER_POLLING: 'false' }, { admin: false });
  const server = await createImapServer(dovecot, api(a.url, await adminToken(a.url)), box, 'imap');
  await a.stop({ keepDatabase: true });

  const [one, two] = await Promise.all([
    instances.start(POLLING, { admin: false, db: a.db }),
    instances.start(POLLING, { admin: false, db: a.db }),
  ]);
  const callOne = api(one.url, await adminToken(one.url));
  const callTwo = api(two.url, await adminToken(two.url));
  // Both also press "Fetch now" while their pollers run.
  const pressed = Promise.all(
    Array.from({ length: 6 }, (_, i) => (i % 2 ? callOne : callTwo)('POST', `/email-server/servers/${server.documentId}/fetch`))
  );
  await waitUntil(async () => (await storedCount(callOne, server.documentId)) >= total, 90_000, `all ${total} mails`);
  for (const r of await pressed) {
    // Each press either fetched or was told that the other poll holds the mailbox.
    expect([200, 400]).toContain(r.status);
    if (r.status === 400) expect(r.body.error.message).toMatch(/being fetched right now/);
  }
  await new Promise((r) => setTimeout(r, 1000));
  expectEachOnce(await storedSubjects(callOne, server.documentId), total);
  expectEachOnce(await storedSubjects(callTwo, server.documentId), total);
});
