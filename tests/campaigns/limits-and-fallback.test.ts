/**
 * Campaigns and the server's hourly limit and fallback, through the admin API and the real queue,
 * against two smtp-sinks and a closed port.
 */
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { freePort, waitUntil } from '../helpers/net';
import { campaignOf, createServer, recipientsOf, sendNewCampaign, smtpRelay, waitForStatus } from '../helpers/campaigns';

let app: TestApp;
let primarySink: SmtpSink;
let fallbackSink: SmtpSink;

beforeAll(async () => {
  primarySink = await startSmtpSink();
  fallbackSink = await startSmtpSink();
  app = await bootStrapi({ EMAIL_SERVER_CAMPAIGN_TICK_MS: '100', EMAIL_SERVER_CAMPAIGN_RETRY_MS: '200' });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await primarySink?.stop();
  await fallbackSink?.stop();
});
beforeEach(() => {
  primarySink.clear();
  fallbackSink.clear();
});

const as = () => app.as();

it('onLimit wait: sends up to the hourly limit, then stays sending with the reason and the rest queued', async () => {
  const server = await createServer(as(), smtpRelay(primarySink.port, { name: 'Limited', hourlyLimit: 3 }));
  const id = await sendNewCampaign(as(), server.documentId, 'wait', 7);
  const waiting = await waitUntil(async () => {
    const c = await campaignOf(as(), id);
    return c.waitReason ? c : undefined;
  }, 30_000, 'the campaign to wait for the limit');
  expect(waiting).toMatchObject({
    status: 'sending',
    onLimit: 'wait',
    waitingUntil: expect.stringMatching(/T\d\d:00:00\.000Z$/),
    waitReason: expect.stringMatching(/^Waiting: The email server "Limited" reached its hourly limit of 3 messages; it resets at \d\d:00 UTC\.$/),
  });
  expect(waiting.counts).toMatchObject({ total: 7, sent: 3, queued: 4, failed: 0 });
  expect(primarySink.count()).toBe(3);
  const list = await recipientsOf(as(), id);
  expect(list.filter((r) => r.status === 'sent').every((r) => r.sentVia === server.documentId)).toBe(true);
  expect((await as().get(`/email-server/servers/${server.documentId}`)).body.data.status).toMatchObject({ sentThisHour: 3, sentToday: 3 });
});

it('onLimit fallback: goes on through the fallback once the limit is reached, recording sentVia', async () => {
  const fallback = await createServer(as(), smtpRelay(fallbackSink.port, { name: 'Backup relay' }));
  const server = await createServer(as(), smtpRelay(primarySink.port, { name: 'Small quota', hourlyLimit: 2, fallbackServer: fallback.documentId }));
  const { data } = await as()
    .post('/email-server/campaigns')
    .send({ name: 'Over', server: server.documentId, subject: 'Hi', text: 'Hello', onLimit: 'fallback', recipients: Array.from({ length: 6 }, (_, i) => ({ email: `over${i}@example.org` })) })
    .expect(201)
    .then((r) => r.body);
  expect(data.onLimit).toBe('fallback');
  await as().post(`/email-server/campaigns/${data.documentId}/send`).send({}).expect(200);
  const done = await waitForStatus(as(), data.documentId, 'completed');
  expect(done.counts).toMatchObject({ total: 6, sent: 6 });
  const recipients = await recipientsOf(as(), data.documentId);
  const via = recipients.map((r) => r.sentVia);
  expect(via.filter((v) => v === server.documentId)).toHaveLength(2);
  expect(via.filter((v) => v === fallback.documentId)).toHaveLength(4);
  expect(primarySink.count()).toBe(2);
  expect(fallbackSink.count()).toBe(4);
});

it('a campaign whose server refuses connections completes through the fallback', async () => {
  const fallback = await createServer(as(), smtpRelay(fallbackSink.port, { name: 'Standby' }));
  const server = await createServer(as(), smtpRelay(await freePort(), { name: 'Offline', fallbackServer: fallback.documentId }));
  const id = await sendNewCampaign(as(), server.documentId, 'offline', 5);
  const done = await waitForStatus(as(), id, 'completed');
  expect(done.counts).toMatchObject({ total: 5, sent: 5, failed: 0 });
  expect((await recipientsOf(as(), id)).every((r) => r.sentVia === fallback.documentId)).toBe(true);
  await fallbackSink.waitForMessages(5);
  expect((await as().get(`/email-server/servers/${server.documentId}`)).body.data.status.lastSendError).toMatch(/Connection refused/);
});
