/**
 * Liquid in campaigns over SMTP (postfix's smtp-sink): defaults, conditions, HTML escaping, a
 * one-line subject, a layout around the body, a text part generated from the HTML, template
 * errors refused on save with their line, and values no column of PostgreSQL can take.
 */
import type { TestApp } from '../helpers/strapi';
import type { SmtpSink } from '../helpers/smtp-sink';
import { bootWithSink, createCampaign, waitForStatus } from '../helpers/campaigns';

let app: TestApp;
let sink: SmtpSink;
let server: { documentId: string };

beforeAll(async () => {
  ({ app, sink, server } = await bootWithSink({ EMAIL_SERVER_CAMPAIGN_TICK_MS: '100', EMAIL_SERVER_PUBLIC_URL: 'https://cms.example.com' }));
}, 120_000);
afterAll(async () => {
  await app?.close();
  await sink?.stop();
});
beforeEach(() => sink.clear());

const as = () => app.as();
const fieldErrors = (res: { body: any }) => Object.fromEntries((res.body.error?.details?.errors ?? []).map((e: any) => [e.path[0], e.message]));

it('refuses a template that does not parse, or reads a file, with a field error naming the line', async () => {
  const res = await as()
    .post('/email-server/campaigns')
    .send({ name: 'Bad', server: server.documentId, subject: 'Hi {{ a | nofilter }}', html: '<p>one</p>\n<p>{% include "x" %}</p>', text: 'a\n\n{% if x %}' });
  expect(res.status).toBe(400);
  expect(fieldErrors(res)).toEqual({
    subject: 'Line 1: undefined filter: nofilter',
    html: 'Line 2: "include" is not available in campaigns',
    text: expect.stringMatching(/^Line 3: .*not closed/),
  });
  const { data } = await createCampaign(as(), { name: 'Fine', server: server.documentId, subject: 'S', text: 'ok' });
  const edit = await as().put(`/email-server/campaigns/${data.documentId}`).send({ text: 'x\n{% render "y" %}' });
  expect(fieldErrors(edit)).toEqual({ text: 'Line 2: "render" is not available in campaigns' });
  const layout = await as().post('/email-server/templates').send({ name: 'Bad layout', html: '{{ content }}\n\n{% layout "base" %}' });
  expect(fieldErrors(layout)).toEqual({ html: 'Line 3: "layout" is not available in campaigns' });
});

it('asks recipients only for variables used without a default', async () => {
  const { data, meta } = await createCampaign(as(), {
    name: 'Defaults',
    server: server.documentId,
    subject: 'Hi {{ firstName | default: "there" }}',
    html: '<p>{{ firstName | default: "there" }}, your code is {{ code }}{% if vip %} (VIP){% endif %}</p>',
    recipients: [
      { email: 'nocode@example.org', data: { firstName: 'Ann' } },
      { email: 'nofirst@example.org', data: { code: 'C1' } },
    ],
  });
  expect(data.variables).toEqual(['code']);
  expect(meta.added).toBe(1);
  expect(meta.rejected).toEqual([{ row: 1, email: 'nocode@example.org', reason: 'missing variable "code"' }]);
});

it('sends through a layout: defaults, conditions, escaped values, a one-line subject and a text part made from the HTML', async () => {
  const layout = (
    await as().post('/email-server/templates').send({ name: 'Brand', html: '<html><body><h1>ACME news</h1>{{ content }}<p>Leave: <a href="{{ unsubscribeUrl }}">unsubscribe</a></p></body></html>' })
  ).body.data;
  const { data: campaign, meta } = await createCampaign(as(), {
    name: 'Liquid over SMTP',
    server: server.documentId,
    subject: 'News for {{ firstName | default: "you" }} {{ note }}',
    html: '<p>Hello {{ firstName | default: "there" }}!</p>{% if plan == "gold" %}<p>Gold offer</p>{% else %}<p>Standard offer</p>{% endif %}<p>{{ note }}</p>',
    template: layout.documentId,
    recipients: [
      { email: 'gold@example.org', data: { firstName: 'Ann', plan: 'gold', note: 'line one\r\nBcc: evil@example.com' } },
      { email: 'std@example.org', data: { note: '<script>alert(1)</script>' } },
    ],
  });
  expect(meta.rejected).toEqual([]);
  await as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({}).expect(200);
  await waitForStatus(as(), campaign.documentId, 'completed');
  const mails = await sink.waitForMessages(2);
  const gold = mails.find((m) => m.rcptTo[0] === 'gold@example.org')!;
  const std = mails.find((m) => m.rcptTo[0] === 'std@example.org')!;

  expect(gold.mail.subject).toBe('News for Ann line one Bcc: evil@example.com');
  expect(gold.mail.headers.get('bcc')).toBeUndefined();
  expect(gold.mail.html).toContain('<h1>ACME news</h1><p>Hello Ann!</p><p>Gold offer</p>');
  expect(gold.mail.html).toMatch(/href="https:\/\/cms\.example\.com\/api\/email-server\/unsubscribe\/[\w-]+\.[\w-]+"/);
  expect(std.mail.subject).toBe('News for you <script>alert(1)</script>');
  expect(std.mail.html).toContain('<p>Hello there!</p><p>Standard offer</p><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  expect(std.mail.html).not.toContain('<script>');

  // No text body anywhere: the text part is the HTML's text, layout included.
  const text = std.mail.text!;
  expect(text).toContain('ACME news');
  expect(text).toContain('Hello there!');
  expect(text).toContain('Standard offer');
  expect(text).toContain('<script>alert(1)</script>');
  expect(text).toMatch(/unsubscribe\s+\[https:\/\/cms\.example\.com\/api\/email-server\/unsubscribe\//);
  expect(std.raw).toMatch(/Content-Type: text\/plain/i);
});

it('sends what was scheduled in the layout as it was then, whatever happens to the layout after', async () => {
  const layout = (await as().post('/email-server/templates').send({ name: 'Snapshot', html: '<div class="old">{{ content }}</div>', text: 'OLD {{ content }}' })).body.data;
  const { data: campaign } = await createCampaign(as(), {
    name: 'Scheduled in layout',
    server: server.documentId,
    subject: 'S',
    html: '<p>Body</p>',
    text: 'Body',
    template: layout.documentId,
    recipients: [{ email: 'snap@example.org' }],
  });
  await as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({ at: new Date(Date.now() + 1500).toISOString() }).expect(200);
  await as().put(`/email-server/templates/${layout.documentId}`).send({ html: '<div class="new">{{ content }}</div>', text: 'NEW {{ content }}' }).expect(200);
  await waitForStatus(as(), campaign.documentId, 'completed');
  const [mail] = await sink.waitForMessages(1);
  expect(mail.mail.html).toBe('<div class="old"><p>Body</p></div>');
  expect(mail.mail.text?.trim()).toBe('OLD Body');
});

it('refuses values no column takes with a field error, not a 500', async () => {
  // A text body past its limit is a field error; past Strapi's JSON body limit, Strapi's own 413.
  const long = await as().post('/email-server/campaigns').send({ name: 'Long', server: server.documentId, subject: 'S', text: 'x'.repeat(1_000_001) });
  expect(long.status).toBe(400);
  expect(fieldErrors(long)).toEqual({ text: 'Must be at most 1000000 characters.' });
  const huge = await as().post('/email-server/campaigns').send({ name: 'Huge', server: server.documentId, subject: 'S', html: 'x'.repeat(2_000_001) });
  expect(huge.status).toBe(413);
  expect(huge.body.error).toMatchObject({ status: 413 });
  const names = (await as().get('/email-server/campaigns')).body.data.map((c: any) => c.name);
  expect(names).not.toContain('Huge');
  expect(names).not.toContain('Long');
  const nul = await as().post('/email-server/campaigns').send({ name: 'Nul', server: server.documentId, subject: 'Hi\u0000there', text: 'x' });
  expect(nul.status).toBe(400);
  expect(fieldErrors(nul)).toEqual({ subject: expect.any(String) });
});
