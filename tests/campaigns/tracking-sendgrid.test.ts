/**
 * A SendGrid campaign with tracking on: SendGrid's own open and click events and this plugin's
 * pixel and redirect stamp the same recipient fields, so a recipient seen by both counts once,
 * and the first stamp stays.
 */
import crypto from 'node:crypto';
import type { TestApp } from '../helpers/strapi';
import { deliveredMails, type FakeSendgrid } from '../helpers/fake-sendgrid';
import { bootWithFakeSendgrid, postWebhook, sendgridRelay, signedWebhookHeaders, webhookKeyPair } from '../helpers/sendgrid';
import { campaignOf, createCampaign, createServer, recipientsOf, waitForStatus } from '../helpers/campaigns';

let app: TestApp;
let fake: FakeSendgrid;
let server: { documentId: string };

const TOKEN = 'SG.tracking-token';
const ORIGIN = 'https://cms.example.com';
const keys = webhookKeyPair();

beforeAll(async () => {
  ({ app, fake } = await bootWithFakeSendgrid(TOKEN, { EMAIL_SERVER_POLLING: 'false' }));
  server = await createServer(app.as(), sendgridRelay('Grid', TOKEN, { webhookPublicKey: keys.verificationKey }));
}, 120_000);
afterAll(async () => {
  await app?.close();
  await fake?.stop();
});

it('counts a recipient once whether SendGrid or the tracking routes saw the open or the click first', async () => {
  const { data } = await createCampaign(app.as(), {
    name: 'Grid tracked',
    server: 'Grid',
    subject: 'Hi',
    html: '<p><a href="https://shop.example/">Shop</a></p>',
    trackOpens: true,
    trackClicks: true,
    recipients: [{ email: 'ann@example.org' }, { email: 'bob@example.org' }],
  });
  const campaign = data.documentId as string;
  await app.as().post(`/email-server/campaigns/${campaign}/send`).send({}).expect(200);
  await waitForStatus(app.as(), campaign, 'completed');
  const ids = new Map((await recipientsOf(app.as(), campaign)).map((r) => [r.email as string, r.id as number]));

  const sendgridEvent = async (email: string, event: string, timestamp: number) => {
    const body = JSON.stringify([
      { email, event, timestamp, sg_event_id: `evt-${crypto.randomBytes(6).toString('hex')}`, campaign, recipient: String(ids.get(email)) },
    ]);
    const res = await postWebhook(app, server.documentId, body, signedWebhookHeaders(body, keys.privateKey));
    expect(res.status).toBe(204);
  };
  // The URLs a tracked mail to this recipient carries (the SendGrid request is the render work's).
  const urls = (email: string) =>
    app.strapi.plugin('email-server').service('tracking').vars({ campaign, recipient: ids.get(email)!, email }, { clicks: true, opens: true, links: 1 });
  const hit = (url: string) => app.http.get(url.slice(ORIGIN.length)).redirects(0);
  const stamps = async () =>
    Object.fromEntries((await recipientsOf(app.as(), campaign)).map((r) => [r.email, { openedAt: r.openedAt, clickedAt: r.clickedAt }]));
  const counts = async () => (await campaignOf(app.as(), campaign)).counts;

  // Ann: SendGrid first (an hour ago), then the pixel and the redirect.
  const anHourAgo = Math.floor(Date.now() / 1000) - 3600;
  await sendgridEvent('ann@example.org', 'open', anHourAgo);
  await sendgridEvent('ann@example.org', 'click', anHourAgo);
  expect(await counts()).toMatchObject({ opened: 1, clicked: 1 });
  const ann = urls('ann@example.org');
  expect((await hit(ann.o)).status).toBe(200);
  const click = await hit(`${ann.c}/0`);
  expect(click.status).toBe(302);
  expect(click.headers.location).toBe('https://shop.example/');
  expect(await counts()).toMatchObject({ opened: 1, clicked: 1 });
  const annStamps = (await stamps())['ann@example.org'];
  expect(new Date(annStamps.openedAt).getTime()).toBe(anHourAgo * 1000);
  expect(new Date(annStamps.clickedAt).getTime()).toBe(anHourAgo * 1000);

  // Bob: the routes first, then SendGrid's events.
  const bob = urls('bob@example.org');
  expect((await hit(`${bob.c}/0`)).status).toBe(302);
  const bobFirst = (await stamps())['bob@example.org'];
  expect(bobFirst.openedAt).not.toBeNull();
  expect(bobFirst.clickedAt).not.toBeNull();
  await sendgridEvent('bob@example.org', 'open', anHourAgo);
  await sendgridEvent('bob@example.org', 'click', anHourAgo);
  expect((await hit(bob.o)).status).toBe(200);
  expect(await counts()).toMatchObject({ opened: 2, clicked: 2 });
  expect((await stamps())['bob@example.org']).toEqual(bobFirst);
});

it('carries the tracking links in the mail SendGrid delivers, one shared request for many links, each redirecting for its own recipient', async () => {
  const links = Array.from({ length: 80 }, (_, i) => `<a href="https://shop.example/p/${i}?u={{ email }}">Item ${i}</a>`).join('\n');
  const { data } = await createCampaign(app.as(), {
    name: 'Grid many links',
    server: 'Grid',
    subject: 'Hi',
    html: `<html><body>${links}</body></html>`,
    trackOpens: true,
    trackClicks: true,
    recipients: [{ email: 'cat@example.org' }, { email: 'dan@example.org' }, { email: 'eve@example.org' }],
  });
  const campaign = data.documentId as string;
  await app.as().post(`/email-server/campaigns/${campaign}/send`).send({}).expect(200);
  await waitForStatus(app.as(), campaign, 'completed');
  const requests = fake.requests.filter((r) => r.path === '/v3/mail/send' && r.body?.personalizations?.[0]?.custom_args?.campaign === campaign);
  // 80 signed URLs per recipient would pass SendGrid's 10,000 bytes of substitutions: one serves them all.
  expect(requests).toHaveLength(1);
  expect(requests[0].body.personalizations).toHaveLength(3);
  const mails = deliveredMails(requests[0].body);
  for (const mail of mails as any[]) {
    const hrefs = [...String(mail.html).matchAll(/href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
    expect(hrefs).toHaveLength(80);
    expect(String(mail.html)).toMatch(/<img src="https:\/\/cms\.example\.com\/api\/email-server\/t\/o\/[^"]+"/);
    const res = await app.http.get(hrefs[79].slice(ORIGIN.length)).redirects(0);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`https://shop.example/p/79?u=${encodeURIComponent(mail.to).replace('%40', '@')}`);
  }
  const counts = (await campaignOf(app.as(), campaign)).counts;
  expect(counts).toMatchObject({ clicked: 3, opened: 3 });
});
