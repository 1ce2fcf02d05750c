/**
 * A Strapi killed with SIGKILL in the middle of a 5,000-recipient campaign and started again:
 * the campaign completes, and the only duplicates are mails that were in flight at the kill,
 * at most one claim batch (EMAIL_SERVER_CAMPAIGN_BATCH) as README.md documents.
 */
import { adminToken } from '../helpers/server-process';
import { api, cluster } from '../helpers/polling-cluster';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { waitUntil } from '../helpers/net';
import { smtpRelay } from '../helpers/campaigns';

jest.setTimeout(300_000);

const QUEUE = {
  EMAIL_SERVER_POLLING: 'false',
  EMAIL_SERVER_CAMPAIGN_TICK_MS: '200',
  EMAIL_SERVER_CAMPAIGN_LEASE_MS: '3000',
  EMAIL_SERVER_CAMPAIGN_BATCH: '100',
};

let sink: SmtpSink;
const instances = cluster();

beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await instances.stopAll();
  await sink?.stop();
});

it('a campaign killed mid-send completes after a restart with duplicates only from the batch in flight', async () => {
  const total = 5000;
  const first = await instances.start(QUEUE, { admin: false });
  const call = api(first.url, await adminToken(first.url));
  // Throttled so the kill lands in the middle.
  const server = await call('POST', '/email-server/servers', smtpRelay(sink.port, { name: 'Crash relay', rateLimitPerSecond: 500 }));
  expect(server.status).toBe(201);
  const recipients = Array.from({ length: total }, (_, i) => ({ email: `crash${i}@example.org`, data: { n: String(i) } }));
  const created = await call('POST', '/email-server/campaigns', {
    name: 'Crash',
    server: 'Crash relay',
    subject: 'Number {{n}}',
    text: 'Hello {{n}}',
    recipients,
  });
  expect(created.status).toBe(201);
  expect(created.body.meta.added).toBe(total);
  const id = created.body.data.documentId;
  expect((await call('POST', `/email-server/campaigns/${id}/send`, {})).status).toBe(200);

  await waitUntil(() => sink.count() >= 1500, 60_000, '1500 mails before the kill');
  await first.kill();
  const atKill = sink.count();
  expect(atKill).toBeLessThan(total);

  const second = await instances.start(QUEUE, { admin: false, db: first.db });
  const call2 = api(second.url, await adminToken(second.url));
  const done = await waitUntil(
    async () => {
      const c = (await call2('GET', `/email-server/campaigns/${id}`)).body.data;
      return c.status === 'completed' ? c : undefined;
    },
    120_000,
    'the campaign to complete after the restart'
  );
  expect(done.counts).toMatchObject({ total, sent: total, failed: 0, queued: 0, sending: 0 });

  await waitUntil(() => sink.count() >= total, 10_000, 'every mail at the sink');
  const headers = sink.headerValues('X-Campaign-Recipient');
  const unique = new Set(headers);
  expect(unique.size).toBe(total);
  const duplicates = headers.length - unique.size;
  expect(duplicates).toBeLessThanOrEqual(100);
});
