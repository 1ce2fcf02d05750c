/**
 * Send refuses a campaign whose unsubscribe links would point at 0.0.0.0 (Strapi's default host
 * without a public URL): no recipient could open them. Once from `campaigns.publicUrl`, once from
 * Strapi's own `server.url` fallback.
 */
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { campaignOf, createCampaign, createServer, recipientHeaders, recipientsOf, smtpRelay, waitForStatus } from '../helpers/campaigns';

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => sink?.stop());
beforeEach(() => sink.clear());

const expectSendRefused = async (app: TestApp) => {
  const as = app.as();
  const server = await createServer(as, smtpRelay(sink.port, { name: 'Sink' }));
  const { data: campaign } = await createCampaign(as, {
    name: 'Unreachable links',
    server: server.documentId,
    subject: 'Hi',
    text: 'Bye: {{unsubscribeUrl}}',
    recipients: [{ email: 'one@example.org' }, { email: 'two@example.org' }],
  });
  const res = await as.post(`/email-server/campaigns/${campaign.documentId}/send`).send({});
  expect(res.status).toBe(400);
  expect(res.body.error.message).toMatch(/^Unsubscribe links would point at http:\/\/0\.0\.0\.0(:\d+)?, which nobody can open: set the public URL of this Strapi/);
  const scheduled = await as.post(`/email-server/campaigns/${campaign.documentId}/send`).send({ at: new Date(Date.now() + 3600_000).toISOString() });
  expect(scheduled.status).toBe(400);

  expect((await campaignOf(as, campaign.documentId)).status).toBe('draft');
  expect((await recipientsOf(as, campaign.documentId)).map((r) => r.status)).toEqual(['queued', 'queued']);
  return campaign;
};

/** With a public URL set, the same campaign goes out: two mails, both of it (none from the refusals). */
const expectSentOnceFixed = async (app: TestApp, campaign: { documentId: string }) => {
  app.strapi.config.set('plugin::email-server.campaigns.publicUrl', 'https://cms.example.com');
  const res = await app.as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({});
  expect(res.status).toBe(200);
  await waitForStatus(app.as(), campaign.documentId, 'completed');
  const mails = await sink.waitForMessages(2);
  expect(mails.map((m) => m.rcptTo[0]).sort()).toEqual(['one@example.org', 'two@example.org']);
  expect(recipientHeaders(mails).every((h) => h.startsWith(`${campaign.documentId}/`))).toBe(true);
  for (const m of mails) expect(m.mail.text).toMatch(/^Bye: https:\/\/cms\.example\.com\/api\/email-server\/unsubscribe\//);
};

describe('with campaigns.publicUrl at 0.0.0.0', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await bootStrapi({ EMAIL_SERVER_CAMPAIGN_TICK_MS: '100', EMAIL_SERVER_PUBLIC_URL: 'http://0.0.0.0:1337' });
  }, 120_000);
  afterAll(async () => app?.close());

  it('refuses Send with the reason and sends nothing until the public URL is set', async () => {
    await expectSentOnceFixed(app, await expectSendRefused(app));
  });
});

describe("with no publicUrl and Strapi's host at 0.0.0.0", () => {
  let app: TestApp;
  beforeAll(async () => {
    // The playground defaults publicUrl to localhost; empty means "not set", so server.url applies.
    app = await bootStrapi({ EMAIL_SERVER_CAMPAIGN_TICK_MS: '100', EMAIL_SERVER_PUBLIC_URL: '', HOST: '0.0.0.0' });
  }, 120_000);
  afterAll(async () => app?.close());

  it('refuses Send with the reason and sends nothing until the public URL is set', async () => {
    await expectSentOnceFixed(app, await expectSendRefused(app));
  });
});
