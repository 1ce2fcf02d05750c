/**
 * RFC 8058 one-click unsubscribe, from the List-Unsubscribe header of a mail received by
 * postfix's smtp-sink to the suppression list a later campaign honours; and the suppression
 * list's admin API.
 */
import { createLimitedAdmin, type TestApp } from '../helpers/strapi';
import type { ReceivedMail, SmtpSink } from '../helpers/smtp-sink';
import { bootWithSink, campaignOf, createCampaign, recipientsOf, waitForStatus } from '../helpers/campaigns';

let app: TestApp;
let sink: SmtpSink;

const ORIGIN = 'https://cms.example.com';

beforeAll(async () => {
  ({ app, sink } = await bootWithSink({
    EMAIL_SERVER_CAMPAIGN_TICK_MS: '100',
    EMAIL_SERVER_CAMPAIGN_RETRY_MS: '200',
    EMAIL_SERVER_PUBLIC_URL: ORIGIN,
  }));
}, 120_000);
afterAll(async () => {
  await app?.close();
  await sink?.stop();
});
beforeEach(() => sink.clear());

const as = (token?: string) => app.as(token);

/** The List-Unsubscribe URL of the mail to `address`. */
const unsubscribeUrl = (mails: ReceivedMail[], address: string) => {
  const mail = mails.find((m) => m.rcptTo[0] === address);
  if (!mail) throw new Error(`no mail to ${address}`);
  const headers = mail.raw.replace(/\r?\n[ \t]+/g, ' ');
  const match = /^List-Unsubscribe: <([^>]+)>\r?$/m.exec(headers);
  if (!match) throw new Error(`no List-Unsubscribe header in the mail to ${address}`);
  return match[1];
};
const pathOf = (url: string) => {
  expect(url.startsWith(`${ORIGIN}/api/email-server/unsubscribe/`)).toBe(true);
  return url.slice(ORIGIN.length);
};
const oneClick = (path: string) => app.http.post(path).type('form').send('List-Unsubscribe=One-Click');

const suppressions = async (q = '') =>
  (await as().get(`/email-server/suppressions?pageSize=100${q ? `&q=${encodeURIComponent(q)}` : ''}`)).body.data as any[];
const statusOf = async (campaign: string, email: string) =>
  (await recipientsOf(as(), campaign)).find((r) => r.email === email)?.status;

const sendCampaign = async (name: string, addresses: string[]) => {
  const { data } = await createCampaign(as(), {
    name,
    server: 'Sink',
    subject: 'News',
    text: 'Hello {{email}}, bye: {{unsubscribeUrl}}',
    recipients: addresses.map((email) => ({ email })),
  });
  await as().post(`/email-server/campaigns/${data.documentId}/send`).send({}).expect(200);
  return { documentId: data.documentId as string, done: await waitForStatus(as(), data.documentId, 'completed') };
};

it('unsubscribes with one click from the mail header; a later campaign skips the address', async () => {
  const ann = 'ann@example.org';
  const bob = 'bob@example.org';
  const cid = 'cid@example.org';
  const first = await sendCampaign('Weekly', [ann, bob, cid]);
  const mails = await sink.waitForMessages(3);
  const annPath = pathOf(unsubscribeUrl(mails, ann));
  const bobPath = pathOf(unsubscribeUrl(mails, bob));
  // The body's {{unsubscribeUrl}} is the same link as the header's.
  expect(mails.find((m) => m.rcptTo[0] === ann)!.mail.text).toContain(`${ORIGIN}${annPath}`);

  // GET shows a confirm page and changes nothing (link scanners follow links).
  const page = await app.http.get(bobPath);
  expect(page.status).toBe(200);
  expect(page.headers['content-type']).toMatch(/^text\/html/);
  expect(page.text).toMatch(/<form method="post"><button type="submit">Unsubscribe<\/button><\/form>/);
  expect(page.text).toContain(bob);
  expect(await statusOf(first.documentId, bob)).toBe('sent');
  expect(await suppressions(bob)).toEqual([]);

  // The one-click POST a mail client makes.
  const done = await oneClick(annPath);
  expect(done.status).toBe(200);
  expect(done.headers['content-type']).toMatch(/^text\/html/);
  expect(done.text).toContain('You are unsubscribed');
  expect(await statusOf(first.documentId, ann)).toBe('unsubscribed');
  expect((await campaignOf(as(), first.documentId)).counts).toMatchObject({ sent: 2, unsubscribed: 1 });
  expect(await suppressions(ann)).toEqual([expect.objectContaining({ email: ann, reason: 'unsubscribed' })]);
  // Clicking again is harmless and lists the address once.
  expect((await oneClick(annPath)).status).toBe(200);
  expect(await suppressions(ann)).toHaveLength(1);

  // A link altered to carry another address is refused: the signature covers the address.
  const token = annPath.split('/').pop()!;
  const [payload, signature] = token.split('.');
  const forgedPayload = Buffer.from(Buffer.from(payload, 'base64url').toString('utf8').replace(ann, cid), 'utf8').toString('base64url');
  expect(forgedPayload).not.toBe(payload);
  const forged = `/api/email-server/unsubscribe/${forgedPayload}.${signature}`;
  expect((await oneClick(forged)).status).toBe(400);
  expect((await app.http.get(forged)).status).toBe(400);
  expect((await oneClick('/api/email-server/unsubscribe/not-a-token')).status).toBe(400);
  expect(await statusOf(first.documentId, cid)).toBe('sent');
  expect(await suppressions(cid)).toEqual([]);

  // The next campaign does not mail the unsubscribed address.
  sink.clear();
  const second = await sendCampaign('Weekly 2', [ann, bob]);
  expect(second.done.counts).toMatchObject({ total: 2, sent: 1, suppressed: 1 });
  expect(await statusOf(second.documentId, ann)).toBe('suppressed');
  // The campaign completed: every recipient is final, so every mail it sent has arrived.
  expect((await sink.waitForMessages(1)).map((m) => m.rcptTo[0])).toEqual([bob]);
});

it('manages the suppression list through the admin API', async () => {
  const created = await as().post('/email-server/suppressions').send({ email: 'Manual@Example.org' });
  expect(created.status).toBe(201);
  expect(created.body.data).toMatchObject({
    documentId: expect.any(String),
    email: 'Manual@Example.org',
    reason: 'manual',
    source: expect.stringContaining('admin@example.com'),
    createdAt: expect.any(String),
  });
  const bounced = await as().post('/email-server/suppressions').send({ email: 'gone@example.org', reason: 'bounced' });
  expect(bounced.status).toBe(201);
  expect(bounced.body.data.reason).toBe('bounced');

  const invalid = await as().post('/email-server/suppressions').send({ email: 'not an address' });
  expect(invalid.status).toBe(400);
  expect(invalid.body.error.name).toBe('ValidationError');
  expect(invalid.body.error.details.errors.map((e: any) => e.path)).toEqual([['email']]);
  const badReason = await as().post('/email-server/suppressions').send({ email: 'x@example.org', reason: 'because' });
  expect(badReason.status).toBe(400);
  expect(badReason.body.error.details.errors.map((e: any) => e.path)).toEqual([['reason']]);
  expect(await suppressions('x@example.org')).toEqual([]);

  // q filters by address, in any case.
  expect((await suppressions('MANUAL@')).map((s) => s.email)).toEqual(['Manual@Example.org']);
  expect(await suppressions('nobody-matches')).toEqual([]);
  const paged = await as().get('/email-server/suppressions?q=example.org&pageSize=1');
  expect(paged.body.meta.pagination).toMatchObject({ page: 1, pageSize: 1, total: expect.any(Number) });
  expect(paged.body.data).toHaveLength(1);

  const removed = await as().delete(`/email-server/suppressions/${created.body.data.documentId}`);
  expect(removed.status).toBe(200);
  expect(removed.body.data).toEqual({ documentId: created.body.data.documentId });
  expect(await suppressions('manual@')).toEqual([]);
  expect((await as().delete(`/email-server/suppressions/${created.body.data.documentId}`)).status).toBe(404);
});

it('lists an address once however many requests add it at the same time', async () => {
  const results = await Promise.all(
    Array.from({ length: 20 }, () => as().post('/email-server/suppressions').send({ email: 'race@example.org' }))
  );
  expect(results.every((r) => r.status === 201)).toBe(true);
  expect(await suppressions('race@')).toHaveLength(1);

  // What two Strapi instances on one database do when a bounce and an unsubscribe for one address
  // arrive together: SQLite in one process serialises the requests above, so race the service.
  const service = app.strapi.plugin('email-server').service('suppressions');
  await Promise.all([
    service.add('both@example.org', 'bounced', 'SendGrid bounce'),
    service.add('both@example.org', 'unsubscribed', 'campaign x'),
    service.add('BOTH@example.org', 'complained', 'SendGrid spamreport'),
  ]);
  expect(await suppressions('both@')).toHaveLength(1);
});

it('lets a campaign reader see the suppression list but not change it', async () => {
  const { body } = await as().post('/email-server/suppressions').send({ email: 'guarded@example.org' }).expect(201);
  const reader = await createLimitedAdmin(app, ['plugin::email-server.campaigns.read']);
  const list = await as(reader).get('/email-server/suppressions?q=guarded');
  expect(list.status).toBe(200);
  expect(list.body.data.map((s: any) => s.email)).toEqual(['guarded@example.org']);
  expect((await as(reader).post('/email-server/suppressions').send({ email: 'sneaky@example.org' })).status).toBe(403);
  expect((await as(reader).delete(`/email-server/suppressions/${body.data.documentId}`)).status).toBe(403);
  expect(await suppressions('sneaky@')).toEqual([]);
  expect(await suppressions('guarded@')).toHaveLength(1);

  const nobody = await createLimitedAdmin(app, ['plugin::email-server.servers.read']);
  expect((await as(nobody).get('/email-server/suppressions')).status).toBe(403);
});
