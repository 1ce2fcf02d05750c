/**
 * Campaigns over SendGrid: the real @sendgrid/mail against the loopback fake of the v3 API, which
 * records every request. Batches of personalizations, substitutions, custom args and headers as
 * SendGrid receives them, and what the queue does with 429, 401 and 400 answers.
 */
import type { TestApp } from '../helpers/strapi';
import type { FakeSendgrid, RecordedRequest } from '../helpers/fake-sendgrid';
import { bootWithFakeSendgrid, sendgridRelay } from '../helpers/sendgrid';
import { campaignOf, createCampaign, createServer, recipientsOf, waitForStatus } from '../helpers/campaigns';

let app: TestApp;
let fake: FakeSendgrid;

const TOKEN = 'SG.campaigns-token';

beforeAll(async () => {
  ({ app, fake } = await bootWithFakeSendgrid(TOKEN));
}, 120_000);
afterAll(async () => {
  await app?.close();
  await fake?.stop();
});

beforeEach(() => {
  // A test that failed midway must not leave scripted answers for the next one.
  fake.rateLimitNext(0);
  fake.rejectNext(0);
});

const as = () => app.as();

const sendgrid = (name: string, overrides: Record<string, unknown> = {}) =>
  sendgridRelay(name, TOKEN, { senderName: 'Newsletter', replyTo: 'replies@example.com', maxConnections: 5, ...overrides });

/** The mail/send requests that carried personalizations of this campaign. */
const mailSendsOf = (campaign: string): RecordedRequest[] =>
  fake.requests.filter(
    (r) => r.method === 'POST' && r.path === '/v3/mail/send' && r.body?.personalizations?.some((p: any) => p.custom_args?.campaign === campaign)
  );

/** A one-recipient campaign through `server`, sent to the end: the queue ran meanwhile. */
let others = 0;
const anotherCampaignGoesOut = async (server: string) => {
  const { data } = await createCampaign(as(), {
    name: `Meanwhile ${++others}`,
    server,
    subject: 'Hi',
    text: 'Hello',
    recipients: [{ email: `meanwhile${others}@example.org` }],
  });
  await as().post(`/email-server/campaigns/${data.documentId}/send`).send({}).expect(200);
  expect((await waitForStatus(as(), data.documentId, ['completed', 'paused'], 30_000)).status).toBe('completed');
};

const addressesOf = (requests: RecordedRequest[]) =>
  requests.flatMap((r) => r.body.personalizations.map((p: any) => p.to[0].email as string));

it('sends 2,500 recipients in batches of at most 1,000 personalizations, each address once, personalised and traceable', async () => {
  const server = await createServer(as(), sendgrid('SendGrid news'));
  const special = 'special@example.org';
  const recipients = Array.from({ length: 2500 }, (_, i) => ({ email: `r${i}@example.org`, data: { firstName: `Name${i}` } }));
  recipients[1234] = { email: special, data: { firstName: 'Ann <b>&</b> Co' } };
  const { data: campaign, meta } = await createCampaign(as(), {
    name: 'Big SendGrid',
    server: server.documentId,
    subject: 'Hi {{firstName}}',
    html: '<p>{{firstName}}</p>',
    text: 'Hi {{firstName}}',
    recipients,
  });
  expect(meta).toEqual({ added: 2500, rejected: [] });

  await as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({}).expect(200);
  const done = await waitForStatus(as(), campaign.documentId, 'completed', 60_000);
  expect(done.counts).toMatchObject({ total: 2500, sent: 2500, queued: 0, sending: 0, failed: 0 });

  const requests = mailSendsOf(campaign.documentId);
  expect(requests.every((r) => r.status === 202)).toBe(true);
  expect(requests.length).toBeGreaterThanOrEqual(3);
  for (const request of requests) {
    expect(request.body.personalizations.length).toBeLessThanOrEqual(1000);
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.body.from).toEqual({ email: 'news@example.com', name: 'Newsletter' });
    expect(request.body.reply_to).toEqual({ email: 'replies@example.com' });
    // One template per request, per-recipient values through substitutions: one key per Liquid piece.
    expect(request.body.content).toEqual([
      { type: 'text/plain', value: 'Hi {{t:0}}' },
      { type: 'text/html', value: '<p>{{h:0}}</p>' },
    ]);
  }
  const addresses = addressesOf(requests);
  expect(addresses).toHaveLength(2500);
  expect(new Set(addresses).size).toBe(2500);
  expect([...addresses].sort()).toEqual(recipients.map((r) => r.email).sort());

  // Every personalization names its recipient row, in custom args and in the header.
  const ids = new Map((await recipientsOf(as(), campaign.documentId)).map((r) => [r.email, r.id]));
  expect(ids.size).toBe(2500);
  const personalizations = requests.flatMap((r) => r.body.personalizations);
  for (const p of personalizations) {
    const id = ids.get(p.to[0].email);
    expect(p.custom_args).toEqual({ campaign: campaign.documentId, recipient: String(id) });
    expect(p.headers['X-Campaign-Recipient']).toBe(`${campaign.documentId}/${id}`);
  }

  const ann = personalizations.find((p) => p.to[0].email === special);
  expect(ann.to).toEqual([{ email: special }]);
  expect(ann.subject).toBe('Hi Ann <b>&</b> Co');
  expect(ann.substitutions['{{h:0}}']).toBe('Ann &lt;b&gt;&amp;&lt;/b&gt; Co');
  expect(ann.substitutions['{{t:0}}']).toBe('Ann <b>&</b> Co');
  expect(ann.custom_args).toEqual({ campaign: campaign.documentId, recipient: String(ids.get(special)) });
  expect(ann.headers['List-Unsubscribe']).toMatch(
    /^<https:\/\/cms\.example\.com\/api\/email-server\/unsubscribe\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+>$/
  );
  expect(ann.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
  expect(ann.headers['X-Campaign-Recipient']).toBe(`${campaign.documentId}/${ids.get(special)}`);
  // Each recipient has a link of their own.
  expect(new Set(personalizations.map((p) => p.headers['List-Unsubscribe'])).size).toBe(2500);

  const rows = await recipientsOf(as(), campaign.documentId, '&q=special');
  expect(rows).toEqual([expect.objectContaining({ email: special, status: 'sent', attempts: 1, sentAt: expect.any(String) })]);
});

it('retries a batch SendGrid answers with 429 and sends every recipient once', async () => {
  await createServer(as(), sendgrid('SendGrid busy'));
  const { data: campaign } = await createCampaign(as(), {
    name: 'Rate limited',
    server: 'SendGrid busy',
    subject: 'Hi',
    text: 'Hello {{email}}',
    recipients: Array.from({ length: 50 }, (_, i) => ({ email: `busy${i}@example.org` })),
  });
  fake.rateLimitNext(2);
  await as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({}).expect(200);
  const done = await waitForStatus(as(), campaign.documentId, ['completed', 'paused'], 30_000);
  expect(done.pauseReason).toBeNull();
  expect(done.status).toBe('completed');
  expect(done.counts).toMatchObject({ total: 50, sent: 50, failed: 0 });

  const requests = mailSendsOf(campaign.documentId);
  expect(requests.filter((r) => r.status === 429)).toHaveLength(2);
  const accepted = addressesOf(requests.filter((r) => r.status === 202));
  expect(accepted).toHaveLength(50);
  expect(new Set(accepted).size).toBe(50);

  const limited = new Set(addressesOf(requests.filter((r) => r.status === 429)));
  expect(limited.size).toBeGreaterThan(0);
  const rows = await recipientsOf(as(), campaign.documentId);
  expect(rows.every((r) => r.status === 'sent')).toBe(true);
  for (const row of rows) {
    if (limited.has(row.email)) expect(row.attempts).toBeGreaterThanOrEqual(2);
    else expect(row.attempts).toBe(1);
  }
});

it('pauses the campaign when SendGrid refuses the API token, and keeps its recipients queued', async () => {
  await createServer(as(), sendgrid('SendGrid revoked', { apiToken: 'SG.revoked-token' }));
  const { data: campaign } = await createCampaign(as(), {
    name: 'Bad token',
    server: 'SendGrid revoked',
    subject: 'Hi',
    text: 'Hello',
    recipients: Array.from({ length: 10 }, (_, i) => ({ email: `revoked${i}@example.org` })),
  });
  await as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({}).expect(200);
  const paused = await waitForStatus(as(), campaign.documentId, ['paused', 'completed'], 30_000);
  expect(paused.status).toBe('paused');
  expect(paused.pauseReason).toMatch(/token/i);
  expect(paused.pauseReason).not.toContain('SG.revoked-token');
  expect(paused.counts).toMatchObject({ total: 10, queued: 10, failed: 0, sent: 0 });

  const tried = mailSendsOf(campaign.documentId);
  expect(tried.length).toBeGreaterThan(0);
  expect(tried.every((r) => r.status === 401)).toBe(true);
  // Paused means stopped: while another campaign goes out, no more requests with the bad token.
  await createServer(as(), sendgrid('SendGrid meanwhile'));
  await anotherCampaignGoesOut('SendGrid meanwhile');
  await anotherCampaignGoesOut('SendGrid meanwhile');
  expect(mailSendsOf(campaign.documentId)).toHaveLength(tried.length);
  const rows = await recipientsOf(as(), campaign.documentId);
  expect(rows.every((r) => r.status === 'queued')).toBe(true);
});

it('splits a request SendGrid rejects with 400 and sends the halves it accepts', async () => {
  await createServer(as(), sendgrid('SendGrid picky'));
  const { data: campaign } = await createCampaign(as(), {
    name: 'Split',
    server: 'SendGrid picky',
    subject: 'Hi',
    text: 'Hello',
    recipients: Array.from({ length: 20 }, (_, i) => ({ email: `picky${i}@example.org` })),
  });
  fake.rejectNext(1, 'The content value must be a string at least one character in length.');
  await as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({}).expect(200);
  const done = await waitForStatus(as(), campaign.documentId, ['completed', 'paused'], 30_000);
  expect(done.status).toBe('completed');
  expect(done.counts).toMatchObject({ total: 20, sent: 20, failed: 0 });
  const requests = mailSendsOf(campaign.documentId);
  expect(requests.map((r) => [r.status, r.body.personalizations.length])).toEqual([
    [400, 20],
    [202, 10],
    [202, 10],
  ]);
});

it('fails, without retrying, each recipient SendGrid keeps rejecting with 400', async () => {
  await createServer(as(), sendgrid('SendGrid strict'));
  const { data: campaign } = await createCampaign(as(), {
    name: 'Rejected',
    server: 'SendGrid strict',
    subject: 'Hi',
    text: 'Hello',
    recipients: Array.from({ length: 4 }, (_, i) => ({ email: `strict${i}@example.org` })),
  });
  fake.rejectNext(1000, 'The content value must be a string at least one character in length.');
  try {
    await as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({}).expect(200);
    const done = await waitForStatus(as(), campaign.documentId, ['completed', 'paused'], 30_000);
    expect(done.status).toBe('completed');
    expect(done.counts).toMatchObject({ total: 4, sent: 0, failed: 4, queued: 0 });

    // The same server sends another campaign (its worker ran again, well past the 200 ms
    // first retry): still no retry of the rejected recipients.
    fake.rejectNext(0);
    await anotherCampaignGoesOut('SendGrid strict');
    // 4, then 2 + 2, then 1 + 1 + 1 + 1: each recipient ends up alone in a rejected request.
    expect(mailSendsOf(campaign.documentId).map((r) => r.body.personalizations.length).sort()).toEqual([1, 1, 1, 1, 2, 2, 4]);
    const rows = await recipientsOf(as(), campaign.documentId);
    for (const row of rows) {
      expect(row).toMatchObject({
        status: 'failed',
        attempts: 1,
        lastError: 'SendGrid rejected the message: The content value must be a string at least one character in length.',
      });
    }
  } finally {
    fake.rejectNext(0);
  }
});
