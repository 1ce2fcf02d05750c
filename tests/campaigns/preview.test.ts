/**
 * Preview and test send: what a recipient would get, rendered for a named recipient, the first
 * one, or sample values, with the form's unsaved edits, at any status; a test send arrives at
 * the sink with a `[Test] ` subject and changes no count and no recipient.
 */
import { createLimitedAdmin, type TestApp } from '../helpers/strapi';
import type { SmtpSink } from '../helpers/smtp-sink';
import { bootWithSink, campaignOf, createCampaign, createServer, recipientsOf, smtpRelay, waitForStatus } from '../helpers/campaigns';
import { freePort } from '../helpers/net';

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

const as = (token?: string) => app.as(token);
const fieldErrors = (res: { body: any }) => Object.fromEntries((res.body.error?.details?.errors ?? []).map((e: any) => [e.path[0], e.message]));

const newsletter = async (recipients: Array<{ email: string; data?: Record<string, string> }>, extra: Record<string, unknown> = {}) =>
  (
    await createCampaign(as(), {
      name: `News ${Math.random()}`,
      server: server.documentId,
      subject: 'Hello {{firstName}}',
      html: '<p>Dear {{firstName}}, code {{code}}. <a href="{{unsubscribeUrl}}">Leave</a></p>',
      text: 'Dear {{firstName}}, code {{code}}.',
      recipients,
      ...extra,
    })
  ).data.documentId as string;

it('renders for the named recipient, else the first one, and refuses an address that is not a recipient', async () => {
  const id = await newsletter([
    { email: 'ann@example.org', data: { firstName: 'Ann', code: 'A1' } },
    { email: 'bob@example.org', data: { firstName: 'Bob <b>', code: 'B2' } },
  ]);
  const first = await as().post(`/email-server/campaigns/${id}/preview`).send({});
  expect(first.status).toBe(200);
  expect(first.body.data).toEqual({
    subject: 'Hello Ann',
    html: expect.stringContaining('<p>Dear Ann, code A1.'),
    text: 'Dear Ann, code A1.',
    recipient: 'ann@example.org',
  });
  // The unsubscribe link of a preview leads nowhere: clicking it unsubscribes nobody.
  expect(first.body.data.html).toContain('href="https://cms.example.com/api/email-server/unsubscribe/preview"');

  const bob = (await as().post(`/email-server/campaigns/${id}/preview`).send({ email: 'BOB@example.org' })).body.data;
  expect(bob).toMatchObject({ subject: 'Hello Bob <b>', text: 'Dear Bob <b>, code B2.', recipient: 'bob@example.org' });
  expect(bob.html).toContain('Dear Bob &lt;b&gt;, code B2.');

  const stranger = await as().post(`/email-server/campaigns/${id}/preview`).send({ email: 'eve@example.org' });
  expect(stranger.status).toBe(400);
  expect(fieldErrors(stranger)).toEqual({ email: expect.any(String) });
  const unknownKey = await as().post(`/email-server/campaigns/${id}/preview`).send({ to: 'x' });
  expect(fieldErrors(unknownKey)).toEqual({ to: expect.any(String) });
});

it('uses sample values without recipients and for an unsaved campaign, and the unsaved edits over the stored ones', async () => {
  const id = await newsletter([]);
  const sample = (await as().post(`/email-server/campaigns/${id}/preview`).send({})).body.data;
  expect(sample).toMatchObject({ subject: 'Hello firstName', text: 'Dear firstName, code code.', recipient: null });

  const unsaved = await as().post('/email-server/campaigns/preview').send({ subject: 'Hi {{ who }}', html: '<h1>Only HTML for {{who}}</h1><p>Second &amp; last</p>' });
  expect(unsaved.status).toBe(200);
  // No text body: one is generated from the HTML.
  expect(unsaved.body.data).toEqual({ subject: 'Hi who', html: '<h1>Only HTML for who</h1><p>Second &amp; last</p>', text: 'Only HTML for who\n\nSecond & last', recipient: null });

  const layout = (await as().post('/email-server/templates').send({ name: 'Frame', html: '<div class="frame">{{ content }}</div>', text: 'FRAME\n{{ content }}' })).body.data;
  const edited = await as()
    .post(`/email-server/campaigns/${id}/preview`)
    .send({ subject: 'Changed {{firstName}}', text: 'New text', html: null, template: layout.documentId });
  expect(edited.body.data).toEqual({ subject: 'Changed firstName', html: null, text: 'FRAME\nNew text', recipient: null });
  // Nothing was saved.
  expect(await campaignOf(as(), id)).toMatchObject({ subject: 'Hello {{firstName}}', template: null });
  const badLayout = await as().post(`/email-server/campaigns/${id}/preview`).send({ template: 'nope' });
  expect(fieldErrors(badLayout)).toEqual({ template: expect.any(String) });
});

it('previews a campaign at any status, in the layout it was sent with', async () => {
  const layout = (await as().post('/email-server/templates').send({ name: 'Sent frame', html: '<main>{{ content }}</main>' })).body.data;
  const id = await newsletter([{ email: 'cid@example.org', data: { firstName: 'Cid', code: 'C3' } }], { template: layout.documentId });
  await as().post(`/email-server/campaigns/${id}/send`).send({}).expect(200);
  await waitForStatus(as(), id, 'completed');
  await as().put(`/email-server/templates/${layout.documentId}`).send({ html: '<aside>{{ content }}</aside>' }).expect(200);
  const res = await as().post(`/email-server/campaigns/${id}/preview`).send({});
  expect(res.status).toBe(200);
  expect(res.body.data.html).toMatch(/^<main><p>Dear Cid, code C3\./);
});

it('sends a test to up to 10 addresses through the campaign server, subject prefixed, nothing counted', async () => {
  const id = await newsletter([{ email: 'dee@example.org', data: { firstName: 'Dee', code: 'D4' } }]);
  const before = await campaignOf(as(), id);
  const res = await as().post(`/email-server/campaigns/${id}/test`).send({ to: ['tester1@example.com', 'tester2@example.com'] });
  expect(res.status).toBe(200);
  expect(res.body.data).toEqual({ sent: 2 });
  const mails = await sink.waitForMessages(2);
  expect(mails.map((m) => m.rcptTo[0]).sort()).toEqual(['tester1@example.com', 'tester2@example.com']);
  for (const m of mails) {
    expect(m.mail.subject).toBe('[Test] Hello Dee');
    expect(m.mail.text?.trim()).toBe('Dear Dee, code D4.');
    expect(m.mail.html).toContain('Dear Dee, code D4.');
    expect(m.mail.headers.get('x-campaign-recipient')).toBeUndefined();
    expect(m.mail.to).toMatchObject({ value: [{ address: m.rcptTo[0] }] });
  }
  const after = await campaignOf(as(), id);
  expect(after.counts).toEqual(before.counts);
  expect(after.status).toBe('draft');
  expect((await recipientsOf(as(), id)).map((r) => [r.email, r.status, r.attempts])).toEqual([['dee@example.org', 'queued', 0]]);

  const tooMany = await as().post(`/email-server/campaigns/${id}/test`).send({ to: Array.from({ length: 11 }, (_, i) => `t${i}@example.com`) });
  expect(tooMany.status).toBe(400);
  expect(fieldErrors(tooMany)).toEqual({ to: expect.any(String) });
  const none = await as().post(`/email-server/campaigns/${id}/test`).send({ to: [] });
  expect(fieldErrors(none)).toEqual({ to: expect.any(String) });
});

it('answers a relay that refuses with a clear error and no secret, and guards preview and test by their actions', async () => {
  const dead = await createServer(as(), smtpRelay(await freePort(), { name: 'Dead relay', smtpUsername: 'u', smtpPassword: 'Secret-pw-123' }));
  const id = (await createCampaign(as(), { name: 'Dead', server: dead.documentId, subject: 'S', text: 'T' })).data.documentId;
  const res = await as().post(`/email-server/campaigns/${id}/test`).send({ to: ['tester@example.com'] });
  expect(res.status).toBe(400);
  expect(res.body.error.message).toMatch(/refused|connect/i);
  expect(res.text).not.toContain('Secret-pw-123');

  const readOnly = await createLimitedAdmin(app, ['plugin::email-server.campaigns.read']);
  expect((await as(readOnly).post(`/email-server/campaigns/${id}/preview`).send({})).status).toBe(200);
  expect((await as(readOnly).post(`/email-server/campaigns/${id}/test`).send({ to: ['x@example.com'] })).status).toBe(403);
  const createOnly = await createLimitedAdmin(app, ['plugin::email-server.campaigns.create']);
  expect((await as(createOnly).post(`/email-server/campaigns/${id}/preview`).send({})).status).toBe(403);
  expect((await as(createOnly).post('/email-server/campaigns/preview').send({})).status).toBe(403);
  expect(sink.count()).toBe(0);
});
