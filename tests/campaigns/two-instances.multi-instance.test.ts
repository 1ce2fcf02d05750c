/**
 * Two Strapi instances on one PostgreSQL database sending one campaign: every recipient gets
 * exactly one mail, and the server's messages-per-second limit holds for the two together.
 */
import { adminToken } from '../helpers/server-process';
import { api, cluster } from '../helpers/polling-cluster';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { waitUntil } from '../helpers/net';
import { smtpRelay } from '../helpers/campaigns';

jest.setTimeout(240_000);

const QUEUE = { EMAIL_SERVER_POLLING: 'false', EMAIL_SERVER_CAMPAIGN_TICK_MS: '100', EMAIL_SERVER_CAMPAIGN_BATCH: '20' };

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

it('two instances send one campaign once per recipient, within one shared rate limit', async () => {
  const total = 600;
  const rate = 100;
  // The first instance prepares everything with its queue off, so both start together.
  const setup = await instances.start({ ...QUEUE, EMAIL_SERVER_CAMPAIGNS: 'false' }, { admin: false });
  const call = api(setup.url, await adminToken(setup.url));
  expect((await call('POST', '/email-server/servers', smtpRelay(sink.port, { name: 'Shared', rateLimitPerSecond: rate, maxConnections: 4 }))).status).toBe(201);
  const created = await call('POST', '/email-server/campaigns', {
    name: 'Together',
    server: 'Shared',
    subject: 'Hi',
    text: 'Hello {{email}}',
    recipients: Array.from({ length: total }, (_, i) => ({ email: `both${i}@example.org` })),
  });
  expect(created.status).toBe(201);
  const id = created.body.data.documentId;
  await setup.stop({ keepDatabase: true });

  // Each in a host-name namespace of its own: its EHLO name (nodemailer greets with the host name
  // when it has a dot) tells the sink which one sent a mail.
  const a = await instances.start(QUEUE, { admin: false, db: setup.db, hostname: 'a.instances.test' });
  await instances.start(QUEUE, { admin: false, db: setup.db, hostname: 'b.instances.test' });
  const callA = api(a.url, await adminToken(a.url));
  expect((await callA('POST', `/email-server/campaigns/${id}/send`, {})).status).toBe(200);
  const done = await waitUntil(
    async () => {
      const c = (await callA('GET', `/email-server/campaigns/${id}`)).body.data;
      return c.status === 'completed' ? c : undefined;
    },
    120_000,
    'the campaign to complete'
  );
  expect(done.counts).toMatchObject({ total, sent: total });
  await waitUntil(() => sink.count() >= total, 10_000, 'every mail at the sink');

  const headers = sink.headerValues('X-Campaign-Recipient');
  expect(headers).toHaveLength(total);
  expect(new Set(headers).size).toBe(total);
  // Both instances sent part of it.
  const helo = sink.headerValues('X-Helo-Args');
  const by = (name: string) => helo.filter((h) => h === name).length;
  expect(by('a.instances.test')).toBeGreaterThan(0);
  expect(by('b.instances.test')).toBeGreaterThan(0);
  expect(by('a.instances.test') + by('b.instances.test')).toBe(total);
  // Per second of arrival at the relay, by its own clock. The shared window grants `rate` mails per
  // second; one granted late in a second may arrive in the next, so one relay second holds at most
  // the grants of two (2 × rate), and 600 mails spread over about six seconds. Unthrottled, the two
  // would send them all within a second or two.
  const perSecond = sink.perSecond();
  expect(Math.max(...perSecond)).toBeLessThanOrEqual(rate * 2);
  expect(perSecond.length).toBeGreaterThanOrEqual(total / rate - 1);
});
