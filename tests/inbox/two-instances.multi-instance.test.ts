/**
 * Two Strapi instances on one PostgreSQL database polling the same mailbox (and both pressing
 * "Fetch now"): every mail is stored exactly once. Runs in the PostgreSQL stage of `npm test`:
 * SQLite is a single-instance database.
 */
import { adminToken } from '../helpers/server-process';
import { startDovecot, type Dovecot } from '../helpers/dovecot';
import { mail } from '../helpers/mails';
import { waitUntil } from '../helpers/net';
import { POLLING, api, cluster, createImapServer, expectEachOnce, storedCount, storedSubjects, waitForALaterPoll } from '../helpers/polling-cluster';

jest.setTimeout(240_000);

let dovecot: Dovecot;
const instances = cluster();
const HOST = 'imap.instances.test';
const ADDRESS = { one: '127.0.0.2', two: '127.0.0.3' };

beforeAll(async () => {
  if (process.env.TEST_DB !== 'postgres') {
    throw new Error('The multi-instance tests need PostgreSQL: run with TEST_DB=postgres (npm test does).');
  }
  // Each instance reaches Dovecot on an address of its own, so Dovecot's log says which one fetched what.
  dovecot = await startDovecot({ addresses: [ADDRESS.one, ADDRESS.two] });
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
  const server = await createImapServer(dovecot, api(a.url, await adminToken(a.url)), box, 'imap', HOST);
  await a.stop({ keepDatabase: true });

  const [one, two] = await Promise.all([
    instances.start(POLLING, { admin: false, db: a.db, hosts: { [HOST]: ADDRESS.one } }),
    instances.start(POLLING, { admin: false, db: a.db, hosts: { [HOST]: ADDRESS.two } }),
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

  // Mail bodies Dovecot sent to each instance's address.
  const fetchedBy = (address: string) =>
    dovecot.sessions(box).filter((s) => s.lip === address).reduce((sum, s) => sum + (s.fetched ?? 0), 0);
  // One poll holds the mailbox until it is drained, so the race's winner may have taken all of it:
  // then the other instance takes the next mails itself, with "Fetch now", while both poll.
  let late = 0;
  const idle = fetchedBy(ADDRESS.one) === 0 ? callOne : fetchedBy(ADDRESS.two) === 0 ? callTwo : undefined;
  if (idle) {
    await waitUntil(
      async () => {
        dovecot.deliver(mail({ subject: `Shared late ${late++}` }), box);
        await idle('POST', `/email-server/servers/${server.documentId}/fetch`);
        return fetchedBy(ADDRESS.one) > 0 && fetchedBy(ADDRESS.two) > 0;
      },
      60_000,
      'the other instance to fetch too'
    );
  }
  const all = total + late;
  await waitUntil(async () => (await storedCount(callOne, server.documentId)) >= all, 30_000, `all ${all} mails`);
  // A poll that began after the last mail was stored has ended: still exactly once each.
  await waitForALaterPoll(dovecot, box);
  expectEachOnce(await storedSubjects(callOne, server.documentId), all);
  expectEachOnce(await storedSubjects(callTwo, server.documentId), all);
  // Both instances did fetch, and every session came from one of them.
  expect(fetchedBy(ADDRESS.one)).toBeGreaterThan(0);
  expect(fetchedBy(ADDRESS.two)).toBeGreaterThan(0);
  expect(dovecot.sessions(box).filter((s) => ![ADDRESS.one, ADDRESS.two].includes(s.lip))).toEqual([]);
});
