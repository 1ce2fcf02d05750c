/**
 * An app that moved Strapi's REST prefix (config/api: rest.prefix) still gets unsubscribe links
 * that work: they follow the prefix the public routes are mounted under.
 */
import type { TestApp } from '../helpers/strapi';
import type { SmtpSink } from '../helpers/smtp-sink';
import { bootWithSink, createCampaign, recipientsOf, waitForStatus } from '../helpers/campaigns';

let app: TestApp;
let sink: SmtpSink;
const ORIGIN = 'https://cms.example.com';

beforeAll(async () => {
  ({ app, sink } = await bootWithSink({
    API_PREFIX: '/rest',
    EMAIL_SERVER_CAMPAIGN_TICK_MS: '100',
    EMAIL_SERVER_PUBLIC_URL: ORIGIN,
    EMAIL_SERVER_POLLING: 'false',
  }));
}, 120_000);
afterAll(async () => {
  await app?.close();
  await sink?.stop();
  delete process.env.API_PREFIX;
});

it('puts the REST prefix in List-Unsubscribe, and the link unsubscribes', async () => {
  const { data } = await createCampaign(app.as(), {
    name: 'Prefixed',
    server: 'Sink',
    subject: 'News',
    text: 'Hello',
    recipients: [{ email: 'ann@example.org' }],
  });
  await app.as().post(`/email-server/campaigns/${data.documentId}/send`).send({}).expect(200);
  await waitForStatus(app.as(), data.documentId, 'completed');
  const [mail] = await sink.waitForMessages(1);
  const header = /^List-Unsubscribe: <([^>]+)>\r?$/m.exec(mail.raw.replace(/\r?\n[ \t]+/g, ' '))![1];
  expect(header.startsWith(`${ORIGIN}/rest/email-server/unsubscribe/`)).toBe(true);

  const res = await app.http.post(header.slice(ORIGIN.length)).type('form').send('List-Unsubscribe=One-Click');
  expect(res.status).toBe(200);
  expect((await recipientsOf(app.as(), data.documentId))[0].status).toBe('unsubscribed');
});
