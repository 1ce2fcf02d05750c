/**
 * What a SendGrid campaign does with SendGrid's failures, as recorded by the loopback stand-in of
 * its API: 5xx answers are retried, a 413 (payload too large) is split, a 403 (a key without the
 * mail.send scope) pauses the campaign. And the Event Webhook's `dropped` (the recipient failed)
 * and `unsubscribe` (unsubscribed and suppressed) events, signed as SendGrid signs them.
 */
import crypto from 'node:crypto';
import type { TestApp } from '../helpers/strapi';
import type { FakeSendgrid, RecordedRequest } from '../helpers/fake-sendgrid';
import { bootWithFakeSendgrid, postWebhook, sendgridRelay, signedWebhookHeaders, webhookKeyPair } from '../helpers/sendgrid';
import { sendNewCampaign, createServer, recipientsOf, waitForStatus } from '../helpers/campaigns';
import { waitUntil } from '../helpers/net';

let app: TestApp;
let fake: FakeSendgrid;

const TOKEN = 'SG.failures-token';
const keys = webhookKeyPair();

beforeAll(async () => {
  ({ app, fake } = await bootWithFakeSendgrid(TOKEN));
}, 120_000);
afterAll(async () => {
  await app?.close();
  await fake?.stop();
});
beforeEach(() => {
  fake.failNext(0, 500);
});

const as = () => app.as();
const sendgrid = (name: string, overrides: Record<string, unknown> = {}) =>
  sendgridRelay(name, TOKEN, { webhookPublicKey: keys.verificationKey, ...overrides });
const mailSendsOf = (campaign: string): RecordedRequest[] =>
  fake.requests.filter((r) => r.path === '/v3/mail/send' && r.body?.personalizations?.some((p: any) => p.custom_args?.campaign === campaign));
const addressesOf = (requests: RecordedRequest[]) => requests.flatMap((r) => r.body.personalizations.map((p: any) => p.to[0].email as string));

/** Creates a campaign of `count` recipients `prefix0@example.org`... and sends it now. */
const start = (server: string, prefix: string, count: number) => sendNewCampaign(as(), server, prefix, count);

it('retries requests SendGrid answers with 5xx, and sends every recipient once', async () => {
  await createServer(as(), sendgrid('SendGrid flaky'));
  fake.failNext(2, 503, 'Service Unavailable');
  const campaign = await start('SendGrid flaky', 'flaky', 30);
  const done = await waitForStatus(as(), campaign, ['completed', 'paused']);
  expect(done.pauseReason).toBeNull();
  expect(done.counts).toMatchObject({ total: 30, sent: 30, failed: 0, queued: 0 });
  const requests = mailSendsOf(campaign);
  expect(requests.map((r) => r.status)).toEqual([503, 503, 202]);
  const accepted = addressesOf(requests.filter((r) => r.status === 202));
  expect(accepted.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `flaky${i}@example.org`).sort());
  const rows = await recipientsOf(as(), campaign);
  expect(rows.every((r) => r.status === 'sent' && r.attempts === 3)).toBe(true);
});

it('splits a request SendGrid refuses as too large (413) until the parts fit', async () => {
  await createServer(as(), sendgrid('SendGrid small'));
  fake.failNext(1, 413, 'Payload Too Large');
  const campaign = await start('SendGrid small', 'small', 20);
  const done = await waitForStatus(as(), campaign, ['completed', 'paused']);
  expect(done.counts).toMatchObject({ total: 20, sent: 20, failed: 0 });
  const requests = mailSendsOf(campaign);
  expect(requests.map((r) => [r.status, r.body.personalizations.length])).toEqual([
    [413, 20],
    [202, 10],
    [202, 10],
  ]);
  expect(new Set(addressesOf(requests.filter((r) => r.status === 202))).size).toBe(20);
});

it('pauses when SendGrid answers 403 (the key lacks mail.send), keeps everyone queued, and sends after a Resume', async () => {
  const limited = 'SG.no-mail-send-scope';
  fake.tokens.set(limited, ['stats.read']);
  await createServer(as(), sendgrid('SendGrid scoped', { apiToken: limited }));
  const campaign = await start('SendGrid scoped', 'scoped', 10);
  const paused = await waitForStatus(as(), campaign, ['paused', 'completed']);
  expect(paused.status).toBe('paused');
  expect(paused.pauseReason).toMatch(/^Paused: /);
  expect(paused.pauseReason).not.toContain(limited);
  expect(paused.counts).toMatchObject({ total: 10, queued: 10, sent: 0, failed: 0 });
  const refused = mailSendsOf(campaign);
  expect(refused.length).toBeGreaterThan(0);
  expect(refused.every((r) => r.status === 403)).toBe(true);
  expect((await recipientsOf(as(), campaign)).every((r) => r.status === 'queued')).toBe(true);

  // The key gets the scope; a person resumes.
  fake.tokens.set(limited, ['stats.read', 'mail.send']);
  await as().post(`/email-server/campaigns/${campaign}/resume`).send({}).expect(200);
  const done = await waitForStatus(as(), campaign, 'completed');
  expect(done.counts).toMatchObject({ total: 10, sent: 10 });
  // Only the first refused request happened while paused: nothing was tried again before the resume.
  expect(mailSendsOf(campaign).map((r) => r.status)).toEqual([...refused.map(() => 403), 202]);
});

describe('Event Webhook', () => {
  let server: { documentId: string };
  let campaign: string;
  let ids: Map<string, number>;

  beforeAll(async () => {
    server = await createServer(as(), sendgrid('SendGrid hooked'));
    campaign = await start(server.documentId, 'hooked', 3);
    await waitForStatus(as(), campaign, 'completed');
    ids = new Map((await recipientsOf(as(), campaign)).map((r) => [r.email, r.id]));
  });

  const postSigned = (events: unknown[]) => {
    const body = JSON.stringify(events);
    return postWebhook(app, server.documentId, body, signedWebhookHeaders(body, keys.privateKey));
  };
  const event = (email: string, name: string, extra: Record<string, unknown> = {}) => ({
    email,
    timestamp: Math.floor(Date.now() / 1000),
    event: name,
    sg_event_id: `evt-${crypto.randomBytes(8).toString('hex')}`,
    sg_message_id: 'fake-sg-1.filter0001.1234.5678.0',
    campaign,
    recipient: String(ids.get(email)),
    ...extra,
  });
  const recipient = async (email: string) => (await recipientsOf(as(), campaign)).find((r) => r.email === email);
  const suppressed = async () => ((await as().get('/email-server/suppressions?pageSize=100')).body.data as any[]).map((s) => [s.email, s.reason]);

  it('marks a dropped recipient failed with SendGrid\'s reason, without suppressing the address', async () => {
    const res = await postSigned([event('hooked0@example.org', 'dropped', { reason: 'Bounced Address' })]);
    expect(res.status).toBe(204);
    expect(await recipient('hooked0@example.org')).toMatchObject({ status: 'failed', lastError: 'SendGrid: dropped: Bounced Address' });
    expect(await suppressed()).toEqual([]);
    const campaignNow = (await as().get(`/email-server/campaigns/${campaign}`)).body.data;
    expect(campaignNow.counts).toMatchObject({ total: 3, sent: 2, failed: 1 });
  });

  it('marks an unsubscribe unsubscribed and suppresses the address, so a later campaign skips it', async () => {
    const res = await postSigned([event('hooked1@example.org', 'unsubscribe')]);
    expect(res.status).toBe(204);
    expect(await recipient('hooked1@example.org')).toMatchObject({ status: 'unsubscribed' });
    expect(await suppressed()).toEqual([['hooked1@example.org', 'unsubscribed']]);
    expect(await recipient('hooked2@example.org')).toMatchObject({ status: 'sent' });

    const later = await start(server.documentId, 'hooked', 3);
    const done = await waitForStatus(as(), later, 'completed');
    expect(done.counts).toMatchObject({ total: 3, sent: 2, suppressed: 1 });
    await waitUntil(() => mailSendsOf(later).length > 0, 5_000, 'the later campaign to reach SendGrid');
    expect(addressesOf(mailSendsOf(later)).sort()).toEqual(['hooked0@example.org', 'hooked2@example.org']);
  });
});
