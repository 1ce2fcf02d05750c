/**
 * An app that moved Strapi's REST prefix (config/api: rest.prefix) still gets unsubscribe links
 * and tracking links that work: they follow the prefix the public routes are mounted under.
 */
import type { TestApp } from '../helpers/strapi';
import type { SmtpSink } from '../helpers/smtp-sink';
import { bootWithSink, campaignOf, createCampaign, recipientsOf, waitForStatus } from '../helpers/campaigns';

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

it('puts the REST prefix and the public URL in tracking links, and they answer there', async () => {
  sink.clear();
  const { data } = await createCampaign(app.as(), {
    name: 'Prefixed, tracked',
    server: 'Sink',
    subject: 'News',
    html: '<p><a href="https://shop.example/">Shop</a></p>',
    trackClicks: true,
    trackOpens: true,
    recipients: [{ email: 'bob@example.org' }],
  });
  await app.as().post(`/email-server/campaigns/${data.documentId}/send`).send({}).expect(200);
  await waitForStatus(app.as(), data.documentId, 'completed');
  const [mail] = await sink.waitForMessages(1);
  const html = String(mail.mail.html);
  const link = /<a href="([^"]+)"/.exec(html)![1];
  const pixel = /<img src="([^"]+)"/.exec(html)![1];
  expect(link.startsWith(`${ORIGIN}/rest/email-server/t/c/`)).toBe(true);
  expect(pixel.startsWith(`${ORIGIN}/rest/email-server/t/o/`)).toBe(true);

  const click = await app.http.get(link.slice(ORIGIN.length)).redirects(0);
  expect(click.status).toBe(302);
  expect(click.headers.location).toBe('https://shop.example/');
  expect((await app.http.get(pixel.slice(ORIGIN.length))).status).toBe(200);
  // Not under the default prefix the app moved away from.
  expect((await app.http.get(link.slice(ORIGIN.length).replace('/rest/', '/api/')).redirects(0)).status).toBe(404);
  expect((await campaignOf(app.as(), data.documentId)).counts).toMatchObject({ opened: 1, clicked: 1 });
});
