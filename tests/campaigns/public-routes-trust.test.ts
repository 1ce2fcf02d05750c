/**
 * The public webhook checks what it can before reading a body, has a body limit that fits
 * SendGrid's batches, and a server's key speaks only for its own campaigns. An edit of a
 * scheduled campaign sends it back to draft.
 */
import { createLimitedAdmin, type TestApp } from '../helpers/strapi';
import type { FakeSendgrid } from '../helpers/fake-sendgrid';
import { bootWithFakeSendgrid, postWebhook, sendgridRelay, signedWebhookHeaders, webhookKeyPair } from '../helpers/sendgrid';
import { campaignOf, createCampaign, createServer, recipientsOf, waitForStatus } from '../helpers/campaigns';

let app: TestApp;
let fake: FakeSendgrid;
let hooked: { documentId: string };
let other: { documentId: string };
let campaign: string;
let recipientId: number;

const TOKEN = 'SG.public-routes-token';
const keysA = webhookKeyPair();
const keysB = webhookKeyPair();
const verificationKey = (pair: typeof keysA) => pair.verificationKey;

const post = (serverId: string, body: string, headers: Record<string, string>) => postWebhook(app, serverId, body, headers);
const signedHeaders = signedWebhookHeaders;
/** A body larger than any limit a webhook could have had: reading it would answer 413. */
const huge = () => JSON.stringify([{ event: 'open', padding: 'x'.repeat(6 * 1024 * 1024) }]);

beforeAll(async () => {
  ({ app, fake } = await bootWithFakeSendgrid(TOKEN, { EMAIL_SERVER_CAMPAIGN_RETRY_MS: undefined, EMAIL_SERVER_POLLING: 'false' }));
  const sendgrid = (name: string, key: string) => sendgridRelay(name, TOKEN, { webhookPublicKey: key });
  hooked = await createServer(app.as(), sendgrid('Hooked A', verificationKey(keysA)));
  other = await createServer(app.as(), sendgrid('Other B', verificationKey(keysB)));
  const created = await createCampaign(app.as(), {
    name: 'Through A',
    server: 'Hooked A',
    subject: 'Hi',
    text: 'Hello',
    recipients: [{ email: 'reader@example.org' }],
  });
  campaign = created.data.documentId;
  await app.as().post(`/email-server/campaigns/${campaign}/send`).send({}).expect(200);
  await waitForStatus(app.as(), campaign, 'completed');
  recipientId = (await recipientsOf(app.as(), campaign))[0].id;
}, 120_000);
afterAll(async () => {
  await app?.close();
  await fake?.stop();
});

describe('the SendGrid webhook', () => {
  it('refuses an unknown server id without reading the body', async () => {
    const body = huge();
    const res = await post('no-such-server', body, signedHeaders(body, keysA.privateKey));
    expect(res.status).toBe(401);
  });

  it('refuses an unsigned post without reading the body, whatever the case of its path', async () => {
    for (const url of [`/api/email-server/webhooks/sendgrid/${hooked.documentId}`, `/api/Email-Server/Webhooks/SendGrid/${hooked.documentId}`]) {
      const res = await app.http.post(url).set('Content-Type', 'application/json').send(huge());
      expect([url, res.status]).toEqual([url, 401]);
    }
  });

  it('takes a new verification key only from an admin who may edit the suppression list', async () => {
    const token = await createLimitedAdmin(app, ['plugin::email-server.servers.read', 'plugin::email-server.servers.update']);
    const forged = await app.as(token).put(`/email-server/servers/${hooked.documentId}`).send({ webhookPublicKey: verificationKey(keysB) });
    expect(forged.status).toBe(403);
    expect(forged.body.error.message).toMatch(/Edit the suppression list/);
    expect((await app.as().get(`/email-server/servers/${hooked.documentId}`)).body.data.webhookPublicKey).toBe(verificationKey(keysA));
    // Other edits of the same server are theirs to make.
    expect((await app.as(token).put(`/email-server/servers/${hooked.documentId}`).send({ senderName: 'News' })).status).toBe(200);
  });

  it('refuses a stale timestamp without reading the body', async () => {
    const body = huge();
    const stale = String(Math.floor(Date.now() / 1000) - 3600);
    const res = await post(hooked.documentId, body, signedHeaders(body, keysA.privateKey, stale));
    expect(res.status).toBe(401);
  });

  it('takes at most 1 MB, more than SendGrid posts in one batch (768 kB)', async () => {
    const event = { event: 'open', campaign, recipient: String(recipientId), sg_event_id: 'big-1', timestamp: Math.floor(Date.now() / 1000) };
    const fits = JSON.stringify([event, { event: 'processed', padding: 'x'.repeat(760 * 1024) }]);
    expect((await post(hooked.documentId, fits, signedHeaders(fits, keysA.privateKey))).status).toBe(204);
    const tooBig = JSON.stringify([{ event: 'processed', padding: 'x'.repeat(1100 * 1024) }]);
    const res = await post(hooked.documentId, tooBig, signedHeaders(tooBig, keysA.privateKey));
    expect(res.status).toBe(413);
  });

  it("ignores events for campaigns of another server, even correctly signed with that server's key", async () => {
    const events = [
      { event: 'bounce', type: 'bounce', campaign, recipient: String(recipientId), email: 'reader@example.org', sg_event_id: 'cross-1', timestamp: Math.floor(Date.now() / 1000) },
    ];
    const body = JSON.stringify(events);
    const res = await post(other.documentId, body, signedHeaders(body, keysB.privateKey));
    expect(res.status).toBe(204);
    expect((await recipientsOf(app.as(), campaign))[0]).toMatchObject({ status: 'sent' });
    const suppressed = (await app.as().get('/email-server/suppressions?q=reader')).body.data;
    expect(suppressed).toEqual([]);

    // The same event through its own server's webhook applies.
    const own = JSON.stringify([{ ...events[0], sg_event_id: 'own-1' }]);
    expect((await post(hooked.documentId, own, signedHeaders(own, keysA.privateKey))).status).toBe(204);
    expect((await recipientsOf(app.as(), campaign))[0]).toMatchObject({ status: 'bounced' });
  });
});

describe('a scheduled campaign', () => {
  const tomorrow = () => new Date(Date.now() + 24 * 3600_000).toISOString();
  const schedule = async (documentId: string) => {
    const res = await app.as().post(`/email-server/campaigns/${documentId}/send`).send({ at: tomorrow() });
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe('scheduled');
  };
  const draftBody = { name: 'Later', server: 'Hooked A', subject: 'Soon', text: 'Hello' };

  it('goes back to draft when its content or server is edited', async () => {
    const created = await createCampaign(app.as(), { ...draftBody, recipients: [{ email: 'later@example.org' }] });
    const id = created.data.documentId;
    for (const change of [{ subject: 'Changed' }, { text: 'Other words' }, { server: 'Other B' }]) {
      await schedule(id);
      const res = await app.as().put(`/email-server/campaigns/${id}`).send({ ...draftBody, ...change });
      expect(res.status).toBe(200);
      const after = await campaignOf(app.as(), id);
      expect(after).toMatchObject({ status: 'draft', scheduledAt: null });
      expect({ subject: after.subject, text: after.text, server: after.server.name }).toMatchObject(change);
      Object.assign(draftBody, change);
    }
  });

  it('stays scheduled when only its name changes', async () => {
    const created = await createCampaign(app.as(), { ...draftBody, name: 'Renamed later', recipients: [{ email: 'r@example.org' }] });
    const id = created.data.documentId;
    await schedule(id);
    const res = await app.as().put(`/email-server/campaigns/${id}`).send({ ...draftBody, name: 'Renamed again' });
    expect(res.status).toBe(200);
    expect(await campaignOf(app.as(), id)).toMatchObject({ status: 'scheduled', name: 'Renamed again' });
  });

  it('goes back to draft when recipients are added', async () => {
    const created = await createCampaign(app.as(), { ...draftBody, name: 'Growing', recipients: [{ email: 'g1@example.org' }] });
    const id = created.data.documentId;
    await schedule(id);
    const res = await app.as().post(`/email-server/campaigns/${id}/recipients`).send([{ email: 'g2@example.org' }]);
    expect(res.status).toBe(200);
    expect(res.body.data.added).toBe(1);
    expect(await campaignOf(app.as(), id)).toMatchObject({ status: 'draft', scheduledAt: null });
  });
});
