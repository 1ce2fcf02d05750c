/**
 * Two Strapi instances on one PostgreSQL database sending one campaign through a server with an
 * hourly limit: the two together send exactly the limit, and the rest waits, queued.
 */
import { adminToken } from '../helpers/server-process';
import { api, cluster } from '../helpers/polling-cluster';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { waitUntil } from '../helpers/net';
import { smtpRelay } from '../helpers/campaigns';

jest.setTimeout(240_000);

const QUEUE = { EMAIL_SERVER_POLLING: 'false', EMAIL_SERVER_CAMPAIGN_TICK_MS: '100', EMAIL_SERVER_CAMPAIGN_BATCH: '7' };

let sink: SmtpSink;
const instances = cluster();

beforeAll(async () => {
  if (process.env.TEST_DB !== 'postgres') {
    throw new Error('The multi-instance tests need PostgreSQL: run with TEST_DB=postgres (npm test does).');
  }
  sink = await startSmtpSink();
});
afterAll(async () => {
  await instances.stopAll();
  await sink?.stop();
});

it('two instances keep to one hourly limit together; the rest of the campaign stays queued', async () => {
  const total = 300;
  const limit = 101;
  const setup = await instances.start({ ...QUEUE, EMAIL_SERVER_CAMPAIGNS: 'false' }, { admin: false });
  const call = api(setup.url, await adminToken(setup.url));
  expect((await call('POST', '/email-server/servers', smtpRelay(sink.port, { name: 'Quota', hourlyLimit: limit, maxConnections: 4 }))).status).toBe(201);
  const created = await call('POST', '/email-server/campaigns', {
    name: 'Capped',
    server: 'Quota',
    subject: 'Hi',
    text: 'Hello {{email}}',
    recipients: Array.from({ length: total }, (_, i) => ({ email: `capped${i}@example.org` })),
  });
  expect(created.status).toBe(201);
  const id = created.body.data.documentId;
  await setup.stop({ keepDatabase: true });

  const a = await instances.start(QUEUE, { admin: false, db: setup.db, hostname: 'a.instances.test' });
  const b = await instances.start(QUEUE, { admin: false, db: setup.db, hostname: 'b.instances.test' });
  const callA = api(a.url, await adminToken(a.url));
  const callB = api(b.url, await adminToken(b.url));
  expect((await callA('POST', `/email-server/campaigns/${id}/send`, {})).status).toBe(200);
  // Both instances wrote their last outcome: no row is in flight any more.
  const waiting = await waitUntil(
    async () => {
      const c = (await callB('GET', `/email-server/campaigns/${id}`)).body.data;
      return c.waitReason && c.counts.sending === 0 && c.counts.sent + c.counts.queued === total ? c : undefined;
    },
    120_000,
    'the campaign to wait for the hourly limit'
  );
  expect(waiting.status).toBe('sending');
  expect(waiting.counts).toMatchObject({ total, sent: limit, queued: total - limit, failed: 0 });
  await waitUntil(() => sink.count() >= limit, 10_000, 'the mails at the sink');
  expect(sink.count()).toBe(limit);
  const server = (await callA('GET', '/email-server/servers')).body.data.find((s: any) => s.name === 'Quota');
  expect(server.status).toMatchObject({ sentThisHour: limit, sentToday: limit });
});
