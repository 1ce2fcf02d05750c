/**
 * Never twice, never lost: a poller killed with SIGKILL mid-fetch and restarted. (Two instances
 * on one PostgreSQL are in two-instances.multi-instance.test.ts.)
 */
import { adminToken } from '../helpers/server-process';
import { POLLING, api, cluster, createImapServer, expectEachOnce, storedCount, storedInDatabase, storedSubjects, waitForALaterPoll } from '../helpers/polling-cluster';
import { startDovecot, type Dovecot } from '../helpers/dovecot';
import { mail } from '../helpers/mails';
import { waitUntil } from '../helpers/net';

jest.setTimeout(240_000);

let dovecot: Dovecot;
const instances = cluster();
const start = instances.start;

beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(async () => {
  await instances.stopAll();
  await dovecot?.stop();
});

it.each(['imap', 'pop3'] as const)('%s: a poller killed with SIGKILL mid-fetch loses and duplicates nothing after a restart', async (protocol) => {
  const box = dovecot.newMailbox();
  const total = 200;
  for (let i = 0; i < total; i++) dovecot.deliver(mail({ subject: `Kill test ${i}`, body: 'x'.repeat(3000) }), box);

  // Polling is off while the server is created, so the fetch starts when this instance says so.
  const first = await start({ ...POLLING, EMAIL_SERVER_POLLING: 'false' }, { admin: false });
  const call1 = api(first.url, await adminToken(first.url));
  const server = await createImapServer(dovecot, call1, box, protocol);
  await first.stop({ keepDatabase: true });

  const polling = await start(POLLING, { admin: false, db: first.db });
  const call2 = api(polling.url, await adminToken(polling.url));
  // Kill it once part of the mailbox is stored, in the middle of the fetch.
  await waitUntil(async () => (await storedCount(call2, server.documentId)) >= 20, 60_000, 'a partial fetch');
  await polling.kill();
  // The kill came before the end: part of the mailbox is stored, not all of it.
  const atKill = await storedInDatabase(first.db, server.documentId);
  expect(atKill).toBeGreaterThanOrEqual(20);
  expect(atKill).toBeLessThan(total);

  const restarted = await start(POLLING, { admin: false, db: first.db });
  const call3 = api(restarted.url, await adminToken(restarted.url));
  await waitUntil(async () => (await storedCount(call3, server.documentId)) >= total, 90_000, `all ${total} mails after the restart`);
  // A poll that began after the last mail was stored has ended: still exactly once each.
  await waitForALaterPoll(dovecot, box);
  expectEachOnce(await storedSubjects(call3, server.documentId), total);
  await restarted.stop({ keepDatabase: true });
});
