/**
 * SendGrid's Event Webhook: posts signed the way SendGrid signs them (ECDSA P-256 over
 * timestamp + raw body), sent as exact bytes to the public route, with their effects read back
 * through the admin API.
 */
import crypto from 'node:crypto';
import type { TestApp } from '../helpers/strapi';
import type { FakeSendgrid } from '../helpers/fake-sendgrid';
import { bootWithFakeSendgrid, postWebhook, sendgridRelay, signWebhook, webhookKeyPair, webhookNow } from '../helpers/sendgrid';
import { campaignOf, createCampaign, createServer, recipientsOf, smtpRelay, waitForStatus } from '../helpers/campaigns';

let app: TestApp;
let fake: FakeSendgrid;
let server: { documentId: string };
let campaign: string;
/** Recipient ids by address. */
let ids: Map<string, number>;

const TOKEN = 'SG.webhook-token';
const keys = webhookKeyPair();
const otherKeys = webhookKeyPair();
const verificationKey = keys.verificationKey;

const now = webhookNow;
const sign = (body: string, timestamp: string, key: crypto.KeyObject = keys.privateKey) => signWebhook(body, timestamp, key);

let eventCounter = 0;
/** An event as SendGrid posts it; the custom args come back as top-level fields. */
const event = (email: string, name: string, extra: Record<string, unknown> = {}) => ({
  email,
  timestamp: Math.floor(Date.now() / 1000),
  event: name,
  sg_event_id: `evt-${++eventCounter}-${crypto.randomBytes(6).toString('hex')}`,
  sg_message_id: 'fake-sg-1.filter0001.1234.5678.0',
  'smtp-id': '<fake-sg-1@example.com>',
  campaign,
  recipient: String(ids.get(email)),
  ...extra,
});

const post = (body: string, headers: { signature?: string; timestamp?: string } = {}, serverId = server.documentId) => {
  const set: Record<string, string> = {};
  if (headers.signature !== undefined) set['X-Twilio-Email-Event-Webhook-Signature'] = headers.signature;
  if (headers.timestamp !== undefined) set['X-Twilio-Email-Event-Webhook-Timestamp'] = headers.timestamp;
  return postWebhook(app, serverId, body, set);
};

/** A correctly signed post of these events. */
const postSigned = (events: unknown[], serverId = server.documentId) => {
  const body = JSON.stringify(events);
  const timestamp = now();
  return post(body, { signature: sign(body, timestamp), timestamp }, serverId);
};

const recipient = async (email: string) => (await recipientsOf(app.as(), campaign, `&q=${encodeURIComponent(email)}`)).find((r) => r.email === email);
const suppressions = async (q = '') => (await app.as().get(`/email-server/suppressions?pageSize=100${q ? `&q=${encodeURIComponent(q)}` : ''}`)).body.data as any[];

beforeAll(async () => {
  ({ app, fake } = await bootWithFakeSendgrid(TOKEN));
  server = await createServer(app.as(), sendgridRelay('Hooked', TOKEN, { webhookPublicKey: verificationKey }));
  const created = await createCampaign(app.as(), {
    name: 'Tracked',
    server: 'Hooked',
    subject: 'Hi',
    text: 'Hello {{email}}',
    recipients: ['d1', 'd2', 'd3', 'bouncer', 'blocked', 'complainer', 'target', 'dup'].map((n) => ({ email: `${n}@example.org` })),
  });
  campaign = created.data.documentId;
  await app.as().post(`/email-server/campaigns/${campaign}/send`).send({}).expect(200);
  await waitForStatus(app.as(), campaign, 'completed');
  ids = new Map((await recipientsOf(app.as(), campaign)).map((r) => [r.email, r.id]));
}, 120_000);
afterAll(async () => {
  await app?.close();
  await fake?.stop();
});

it('stores the verification key as given and answers it back', async () => {
  const res = await app.as().get(`/email-server/servers/${server.documentId}`);
  expect(res.body.data.webhookPublicKey).toBe(verificationKey);
});

it('counts delivered, open and click events', async () => {
  const res = await postSigned([
    event('d1@example.org', 'processed'),
    event('d1@example.org', 'delivered'),
    event('d2@example.org', 'delivered'),
    event('d3@example.org', 'delivered'),
    event('d1@example.org', 'open'),
    event('d2@example.org', 'open'),
    event('d1@example.org', 'click', { url: 'https://example.com/offer' }),
  ]);
  expect(res.status).toBe(204);
  const after = await campaignOf(app.as(), campaign);
  expect(after.counts).toMatchObject({ sent: 8, delivered: 3, opened: 2, clicked: 1 });
  const d1 = await recipient('d1@example.org');
  expect(d1).toMatchObject({ status: 'sent', deliveredAt: expect.any(String), openedAt: expect.any(String), clickedAt: expect.any(String) });
  expect((await recipient('d3@example.org')).openedAt).toBeNull();
});

it('marks a bounce and suppresses the address; a spam report suppresses it as a complaint', async () => {
  const res = await postSigned([
    event('bouncer@example.org', 'bounce', { type: 'bounce', reason: '550 5.1.1 The email account does not exist.', status: '5.1.1' }),
    event('blocked@example.org', 'bounce', { type: 'blocked', reason: '421 4.7.0 Try again later', status: '4.7.0' }),
    event('complainer@example.org', 'spamreport'),
  ]);
  expect(res.status).toBe(204);

  expect(await recipient('bouncer@example.org')).toMatchObject({ status: 'bounced', lastError: expect.stringContaining('550 5.1.1') });
  expect(await recipient('complainer@example.org')).toMatchObject({ status: 'unsubscribed' });
  const list = await suppressions();
  expect(list.find((s) => s.email === 'bouncer@example.org')).toMatchObject({ reason: 'bounced' });
  expect(list.find((s) => s.email === 'complainer@example.org')).toMatchObject({ reason: 'complained' });
  // A "blocked" bounce is a soft one: the address stays mailable.
  expect(list.find((s) => s.email === 'blocked@example.org')).toBeUndefined();
  const counts = (await campaignOf(app.as(), campaign)).counts;
  // Both bounces mark their recipient; only the hard one suppresses the address.
  expect(counts.bounced).toBe(2);
  expect(counts.unsubscribed).toBe(1);
});

it('refuses posts with a wrong, missing or stale signature or an altered body, and applies nothing', async () => {
  const body = JSON.stringify([event('target@example.org', 'bounce', { type: 'bounce', reason: '550 no such user' })]);
  const timestamp = now();
  const good = sign(body, timestamp);

  const attempts = [
    ['signed with another key', post(body, { signature: sign(body, timestamp, otherKeys.privateKey), timestamp })],
    ['garbage signature', post(body, { signature: 'bm90IGEgc2lnbmF0dXJl', timestamp })],
    ['altered body', post(body.replace('target@example.org', 'target@example.org '), { signature: good, timestamp })],
    ['altered timestamp', post(body, { signature: good, timestamp: String(Number(timestamp) - 1) })],
    ['no signature', post(body, { timestamp })],
    ['no timestamp', post(body, { signature: good })],
    ['no headers', post(body)],
  ] as const;
  for (const [what, request] of attempts) {
    const res = await request;
    expect([what, res.status]).toEqual([what, 401]);
  }
  // Correctly signed, but 11 minutes old: a replay.
  const old = String(Math.floor(Date.now() / 1000) - 11 * 60);
  const stale = await post(body, { signature: sign(body, old), timestamp: old });
  expect(stale.status).toBe(401);

  expect(await recipient('target@example.org')).toMatchObject({ status: 'sent', lastError: null });
  expect(await suppressions('target@')).toEqual([]);

  // The same body, signed now, is taken: the refusals were about the signature alone.
  const accepted = await post(body, { signature: good, timestamp });
  expect(accepted.status).toBe(204);
  expect(await recipient('target@example.org')).toMatchObject({ status: 'bounced' });
});

it('applies an event once when SendGrid posts it again', async () => {
  const bounce = event('dup@example.org', 'bounce', { type: 'bounce', reason: '550 gone' });
  expect((await postSigned([bounce])).status).toBe(204);
  const [listed] = await suppressions('dup@');
  expect(listed).toMatchObject({ email: 'dup@example.org', reason: 'bounced' });

  // A person takes the address off the list; SendGrid's retry of the same post must not put it back.
  await app.as().delete(`/email-server/suppressions/${listed.documentId}`).expect(200);
  expect(await suppressions('dup@')).toEqual([]);
  expect((await postSigned([bounce])).status).toBe(204);
  expect(await suppressions('dup@')).toEqual([]);

  // Nor do repeated delivery events count twice.
  const before = (await campaignOf(app.as(), campaign)).counts;
  const delivered = event('dup@example.org', 'delivered');
  expect((await postSigned([delivered, delivered])).status).toBe(204);
  expect((await postSigned([delivered])).status).toBe(204);
  const after = (await campaignOf(app.as(), campaign)).counts;
  expect(after.delivered).toBe(before.delivered + 1);
});

it('answers 401 for a server without a verification key, an SMTP server and an unknown id', async () => {
  const keyless = await createServer(app.as(), { name: 'No key', type: 'sendgrid', senderEmail: 'news@example.com', apiToken: TOKEN });
  const smtp = await createServer(app.as(), smtpRelay(2525, { name: 'Plain SMTP' }));
  const events = [event('d3@example.org', 'open')];
  for (const id of [keyless.documentId, smtp.documentId, 'no-such-server']) {
    const res = await postSigned(events, id);
    expect([id, res.status]).toEqual([id, 401]);
  }
  expect((await recipient('d3@example.org')).openedAt).toBeNull();
});

it('takes the verification key as PEM too', async () => {
  const pem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const updated = await app.as().put(`/email-server/servers/${server.documentId}`).send({ webhookPublicKey: pem });
  expect(updated.status).toBe(200);
  expect((await postSigned([event('d3@example.org', 'open')])).status).toBe(204);
  expect((await recipient('d3@example.org')).openedAt).toEqual(expect.any(String));
});
