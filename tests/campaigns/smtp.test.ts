/**
 * Campaigns over SMTP: postfix's smtp-sink for plain delivery, nodemailer's smtp-server for
 * scripted faults. Everything goes through the admin API and the real queue.
 */
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { startSmtpServer } from '../helpers/smtp-server';
import { freePort, waitUntil } from '../helpers/net';
import {
  campaignOf,
  createCampaign,
  createServer,
  recipientHeaders,
  recipientsOf,
  smtpRelay,
  waitForStatus,
} from '../helpers/campaigns';

let app: TestApp;
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
  app = await bootStrapi({
    EMAIL_SERVER_CAMPAIGN_TICK_MS: '100',
    EMAIL_SERVER_CAMPAIGN_RETRY_MS: '200',
    EMAIL_SERVER_CAMPAIGN_MAX_ATTEMPTS: '4',
    EMAIL_SERVER_CAMPAIGN_PAUSE_AFTER: '6',
    EMAIL_SERVER_PUBLIC_URL: 'https://cms.example.com',
  });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await sink?.stop();
});
beforeEach(() => sink.clear());

const as = () => app.as();

it('sends a personalised mail to every recipient of a CSV list, once, with unsubscribe headers', async () => {
  const server = await createServer(as(), smtpRelay(sink.port, { name: 'Sink' }));
  const { data: campaign } = await createCampaign(as(), {
    name: 'Spring news',
    server: 'sink',
    subject: 'Hello {{firstName}}',
    html: '<p>Dear {{firstName}}, your code is {{code}}.</p>',
    text: 'Dear {{firstName}}, your code is {{code}}.',
  });
  expect(campaign).toMatchObject({ status: 'draft', server: { documentId: server.documentId, name: 'Sink' }, variables: ['firstName', 'code'] });

  const csv = [
    'email,firstName,code',
    'ann@example.org,Ann,A1',
    'not-an-address,Bob,B2',
    '"cid@example.org","Cid <b>&amp;</b> Co",C3',
    'ANN@example.org,Ann again,A4',
    'dee@example.org,,D5',
    'eve@example.org,Eve,E6',
  ].join('\n');
  const imported = await as().post(`/email-server/campaigns/${campaign.documentId}/recipients`).set('Content-Type', 'text/csv').send(csv);
  expect(imported.status).toBe(200);
  expect(imported.body.data).toEqual({
    added: 3,
    rejected: [
      { row: 3, email: 'not-an-address', reason: 'not a valid email address: "not-an-address"' },
      { row: 5, email: 'ANN@example.org', reason: 'duplicate address' },
      { row: 6, email: 'dee@example.org', reason: 'missing variable "firstName"' },
    ],
  });

  const sent = await as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({});
  expect(sent.status).toBe(200);
  expect(sent.body.data.status).toBe('sending');
  const done = await waitForStatus(as(), campaign.documentId, 'completed');
  expect(done.counts).toMatchObject({ total: 3, sent: 3, queued: 0, sending: 0, failed: 0 });
  expect(done.completedAt).toBeTruthy();

  const mails = await sink.waitForMessages(3);
  expect(mails).toHaveLength(3);
  const recipients = await recipientsOf(as(), campaign.documentId);
  expect(recipientHeaders(mails).sort()).toEqual(recipients.map((r) => `${campaign.documentId}/${r.id}`).sort());
  const cid = mails.find((m) => m.rcptTo[0] === 'cid@example.org')!;
  expect(cid.mail.subject).toBe('Hello Cid <b>&amp;</b> Co');
  expect(cid.mail.html).toContain('Dear Cid &lt;b&gt;&amp;amp;&lt;/b&gt; Co, your code is C3.');
  expect(cid.mail.text).toContain('Dear Cid <b>&amp;</b> Co, your code is C3.');
  expect(cid.mail.from?.value[0]).toEqual({ address: 'news@example.com', name: 'Newsletter' });
  const headers = cid.raw.replace(/\r?\n[ \t]+/g, ' '); // unfolded
  expect(headers).toMatch(/^List-Unsubscribe: <https:\/\/cms\.example\.com\/api\/email-server\/unsubscribe\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+>\r?$/m);
  expect(headers).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
  expect(recipients.every((r) => r.status === 'sent' && r.attempts === 1 && r.sentAt)).toBe(true);
});

it('retries 4xx replies and dropped connections, fails 550 at once, and counts each delivery once', async () => {
  const tries = new Map<string, number>();
  const count = (address: string) => {
    const n = (tries.get(address) ?? 0) + 1;
    tries.set(address, n);
    return n;
  };
  const faulty = await startSmtpServer({
    rcptError: (address) => {
      if (address.startsWith('reject')) return { code: 550, message: '5.1.1 User unknown' };
      if (address.startsWith('greylist') && count(address) <= 2) return { code: 451, message: '4.7.1 Greylisted, try again' };
      if (address.startsWith('busy') && count(address) <= 1) return { code: 421, message: '4.3.2 Too busy' };
      if (address.startsWith('always-busy')) return { code: 452, message: '4.2.2 Mailbox full' };
      return undefined;
    },
    dropOnData: (rcpt) => rcpt[0].startsWith('drop') && count(`data:${rcpt[0]}`) <= 1,
  });
  try {
    await createServer(as(), smtpRelay(faulty.port, { name: 'Faulty' }));
    const addresses = [
      ...Array.from({ length: 10 }, (_, i) => `ok${i}@example.org`),
      'reject1@example.org',
      'reject2@example.org',
      'greylist1@example.org',
      'busy1@example.org',
      'drop1@example.org',
      'always-busy@example.org',
    ];
    const { data: campaign, meta } = await createCampaign(as(), {
      name: 'Faults',
      server: 'Faulty',
      subject: 'Hi',
      text: 'Hello {{email}}',
      recipients: addresses.map((email) => ({ email })),
    });
    expect(meta).toEqual({ added: addresses.length, rejected: [] });
    await as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({}).expect(200);
    const done = await waitForStatus(as(), campaign.documentId, 'completed', 40_000);
    expect(done.counts).toMatchObject({ total: 16, sent: 13, failed: 3 });

    const byEmail = new Map((await recipientsOf(as(), campaign.documentId)).map((r) => [r.email, r]));
    expect(byEmail.get('reject1@example.org')).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('550') });
    expect(byEmail.get('greylist1@example.org')).toMatchObject({ status: 'sent', attempts: 3 });
    // nodemailer's pool may itself retry a message on a new connection after a 421 or a drop.
    expect(byEmail.get('busy1@example.org')).toMatchObject({ status: 'sent' });
    expect(byEmail.get('drop1@example.org')).toMatchObject({ status: 'sent' });
    expect(byEmail.get('always-busy@example.org')).toMatchObject({
      status: 'failed',
      attempts: 4,
      lastError: expect.stringMatching(/^Gave up after 4 attempts: .*452/),
    });

    // Each deliverable recipient exactly once at the server.
    const headers = recipientHeaders(faulty.received);
    expect(new Set(headers).size).toBe(headers.length);
    expect(faulty.received.map((m) => m.rcptTo[0]).sort()).toEqual(
      addresses.filter((a) => !a.startsWith('reject') && !a.startsWith('always')).sort()
    );
  } finally {
    await faulty.stop();
  }
});

it('pauses a campaign whose server keeps failing, with the reason, and resumes it', async () => {
  const port = await freePort();
  const server = await createServer(as(), smtpRelay(port, { name: 'Down' }));
  const { data: campaign } = await createCampaign(as(), {
    name: 'Unlucky',
    server: server.documentId,
    subject: 'Hi',
    text: 'Hello',
    recipients: Array.from({ length: 30 }, (_, i) => ({ email: `r${i}@example.org` })),
  });
  await as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({}).expect(200);
  const paused = await waitForStatus(as(), campaign.documentId, 'paused', 30_000);
  expect(paused.pauseReason).toMatch(/Connection refused on 127\.0\.0\.1:\d+/);
  // It stopped instead of burning through the list.
  expect(paused.counts.failed).toBe(0);
  expect(paused.counts.queued).toBe(30);

  // The relay comes back: the person points the server at it and resumes.
  await as().put(`/email-server/servers/${server.documentId}`).send({ smtpPort: sink.port }).expect(200);
  const resumed = await as().post(`/email-server/campaigns/${campaign.documentId}/resume`).send({});
  expect(resumed.body.data).toMatchObject({ status: 'sending', pauseReason: null });
  const done = await waitForStatus(as(), campaign.documentId, 'completed', 30_000);
  expect(done.counts.sent).toBe(30);
  expect(await sink.waitForMessages(30)).toHaveLength(30);
});

it('pauses instead of failing everyone when the relay refuses the sender (5xx at MAIL FROM)', async () => {
  const refusing = await startSmtpServer({ mailFromError: { code: 550, message: '5.7.1 Daily sending quota exceeded' } });
  try {
    await createServer(as(), smtpRelay(refusing.port, { name: 'Over quota' }));
    const { data: campaign } = await createCampaign(as(), {
      name: 'Quota',
      server: 'Over quota',
      subject: 'Hi',
      text: 'Hello',
      recipients: Array.from({ length: 25 }, (_, i) => ({ email: `q${i}@example.org` })),
    });
    await as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({}).expect(200);
    const paused = await waitForStatus(as(), campaign.documentId, 'paused', 20_000);
    expect(paused.pauseReason).toMatch(/Daily sending quota exceeded/);
    expect(paused.counts).toMatchObject({ failed: 0, queued: 25 });
  } finally {
    await refusing.stop();
  }
});

it('keeps to the server\'s messages-per-second limit', async () => {
  const rate = 20;
  await createServer(as(), smtpRelay(sink.port, { name: 'Slow', rateLimitPerSecond: rate, maxConnections: 2 }));
  const { data: campaign } = await createCampaign(as(), {
    name: 'Throttled',
    server: 'Slow',
    subject: 'Hi',
    text: 'Hello',
    recipients: Array.from({ length: 70 }, (_, i) => ({ email: `t${i}@example.org` })),
  });
  await as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({}).expect(200);
  await waitForStatus(as(), campaign.documentId, 'completed', 30_000);
  expect(await sink.waitForMessages(70)).toHaveLength(70);
  // Per second of arrival at the sink, by its own clock. The throttle grants `rate` mails per
  // second; a mail granted late in one second may arrive in the next, so one sink second holds at
  // most the grants of two: 2 × rate. Unthrottled, all 70 arrive within a second or two.
  const perSecond = sink.perSecond();
  expect(Math.max(...perSecond)).toBeLessThanOrEqual(rate * 2);
  expect(perSecond.length).toBeGreaterThanOrEqual(Math.ceil(70 / rate) - 1);
});

it('pauses, resumes and cancels on request; a cancelled campaign sends nothing more', async () => {
  await createServer(as(), smtpRelay(sink.port, { name: 'Steady', rateLimitPerSecond: 5, maxConnections: 1 }));
  const { data: campaign } = await createCampaign(as(), {
    name: 'Long',
    server: 'Steady',
    subject: 'Hi',
    text: 'Hello',
    recipients: Array.from({ length: 40 }, (_, i) => ({ email: `l${i}@example.org` })),
  });
  const url = `/email-server/campaigns/${campaign.documentId}`;
  const arrived = () => sink.headerValues('X-Campaign-Recipient').filter((v) => v.startsWith(`${campaign.documentId}/`)).length;
  // Nothing in flight: every recipient the worker had claimed is settled or given back.
  const settled = (also: (c: any) => boolean = () => true) =>
    waitUntil(
      async () => {
        const c = await campaignOf(as(), campaign.documentId);
        return c.counts.sending === 0 && also(c) ? c : undefined;
      },
      15_000,
      'no recipient of the campaign in flight'
    );
  // Another campaign through the same server going out shows that server's worker ran meanwhile
  // (it takes the older campaign's recipients first while that one is sending).
  let others = 0;
  const anotherCampaignGoesOut = async () => {
    const { data: other } = await createCampaign(as(), {
      name: `Meanwhile ${++others}`,
      server: 'Steady',
      subject: 'Hi',
      text: 'Hello',
      recipients: [{ email: `meanwhile${others}@example.org` }],
    });
    await as().post(`/email-server/campaigns/${other.documentId}/send`).send({}).expect(200);
    await waitForStatus(as(), other.documentId, 'completed');
  };

  await as().post(`${url}/send`).send({}).expect(200);
  await sink.waitForMessages(3);
  expect((await as().post(`${url}/pause`).send({})).body.data.status).toBe('paused');
  const paused = await settled();
  const whilePaused = arrived();
  expect(paused.counts.sent).toBe(whilePaused);
  await anotherCampaignGoesOut();
  await anotherCampaignGoesOut();
  expect(arrived()).toBe(whilePaused);

  expect((await as().post(`${url}/resume`).send({})).body.data.status).toBe('sending');
  await waitUntil(() => arrived() >= whilePaused + 3, 15_000, 'three more mails after the resume');
  const cancelled = (await as().post(`${url}/cancel`).send({})).body.data;
  expect(cancelled.status).toBe('cancelled');
  // Every recipient is final: sent, or cancelled.
  const final = await settled((c) => c.counts.sent + c.counts.cancelled === 40);
  await anotherCampaignGoesOut();
  const received = arrived();
  expect(final.counts.sent).toBe(received);
  expect(final.counts.cancelled).toBe(40 - received);
  expect(received).toBeLessThan(40);

  // A finished campaign cannot be started again.
  const again = await as().post(`${url}/send`).send({});
  expect(again.status).toBe(400);
  expect(again.body.error.message).toBe('A cancelled campaign cannot be sent again.');
});

it('validates campaigns and refuses to send with a variable some recipients lack', async () => {
  await createServer(as(), smtpRelay(sink.port, { name: 'Checks' }));
  const bad = await as().post('/email-server/campaigns').send({ name: '', server: 'nope', subject: 'a\r\nBcc: x@example.org', extra: 1 });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details.errors.map((e: any) => e.path[0]).sort()).toEqual(['extra', 'name', 'subject', 'text']);

  const unknownServer = await as().post('/email-server/campaigns').send({ name: 'X', server: 'nope', subject: 'S', text: 'T' });
  expect(unknownServer.status).toBe(400);
  expect(unknownServer.body.error.details.errors).toEqual([{ path: ['server'], message: 'No email server is named "nope".', name: 'ValidationError' }]);

  const { data: campaign } = await createCampaign(as(), {
    name: 'Vars',
    server: 'Checks',
    subject: 'Hi',
    text: 'Hello',
    recipients: [{ email: 'a@example.org' }],
  });
  const url = `/email-server/campaigns/${campaign.documentId}`;
  const edited = await as().put(url).send({ text: 'Hello {{firstName}}' });
  expect(edited.status).toBe(200);
  const refused = await as().post(`${url}/send`).send({});
  expect(refused.status).toBe(400);
  expect(refused.body.error.message).toMatch(/no value for \{\{firstName\}\}/);
  expect((await campaignOf(as(), campaign.documentId)).status).toBe('draft');

  const noRecipients = await createCampaign(as(), { name: 'Empty', server: 'Checks', subject: 'Hi', text: 'x' });
  const empty = await as().post(`/email-server/campaigns/${noRecipients.data.documentId}/send`).send({});
  expect(empty.status).toBe(400);
  expect(empty.body.error.message).toMatch(/no recipients/);

  // Names that every JavaScript object has are not values a recipient gave.
  const inherited = await createCampaign(as(), {
    name: 'Inherited',
    server: 'Checks',
    subject: 'Hi {{constructor}}',
    text: 'x',
    recipients: [{ email: 'c@example.org', data: {} }],
  });
  expect(inherited.meta.rejected).toEqual([{ row: 1, email: 'c@example.org', reason: 'missing variable "constructor"' }]);

  const notAList = await as().post('/email-server/campaigns').send({ name: 'X', server: 'Checks', subject: 'S', text: 'T', recipients: 'a@example.org' });
  expect(notAList.status).toBe(400);
  expect(notAList.body.error.details.errors.map((e: any) => e.path[0])).toEqual(['recipients']);

  const badCsv = await as().post(`${url}/recipients`).set('Content-Type', 'text/csv').send('name,phone\nAnn,1');
  expect(badCsv.status).toBe(400);
  expect(badCsv.body.error.message).toBe('The CSV file needs a header row with an "email" column.');
});

it('takes a JSON list larger than Strapi\'s 1 MB JSON limit on the recipients route', async () => {
  await createServer(as(), smtpRelay(sink.port, { name: 'Big list' }));
  const { data: campaign } = await createCampaign(as(), { name: 'Big', server: 'Big list', subject: 'Hi {{firstName}}', text: 'x' });
  const list = Array.from({ length: 20_000 }, (_, i) => ({ email: `big${i}@example.org`, data: { firstName: `Person number ${i}` } }));
  const body = JSON.stringify(list);
  expect(body.length).toBeGreaterThan(1024 * 1024);
  const res = await as().post(`/email-server/campaigns/${campaign.documentId}/recipients`).set('Content-Type', 'application/json').send(body);
  expect(res.status).toBe(200);
  expect(res.body.data).toEqual({ added: 20_000, rejected: [] });
  expect((await campaignOf(as(), campaign.documentId)).counts.total).toBe(20_000);

  const broken = await as().post(`/email-server/campaigns/${campaign.documentId}/recipients`).set('Content-Type', 'application/json').send('[{"email": ');
  expect(broken.status).toBe(400);
  expect(broken.body.error.message).toBe('The body is not valid JSON.');
  // Without a token nothing is read or added.
  const anonymous = await app.http.post(`/email-server/campaigns/${campaign.documentId}/recipients`).set('Content-Type', 'text/csv').send('email\nz@example.org');
  expect(anonymous.status).toBe(401);
  expect((await campaignOf(as(), campaign.documentId)).counts.total).toBe(20_000);
});

it('schedules a campaign for later and starts it on time', async () => {
  await createServer(as(), smtpRelay(sink.port, { name: 'Later' }));
  const { data: campaign } = await createCampaign(as(), {
    name: 'Scheduled',
    server: 'Later',
    subject: 'Hi',
    text: 'Hello',
    recipients: [{ email: 's1@example.org' }, { email: 's2@example.org' }],
  });
  const at = new Date(Date.now() + 2000).toISOString();
  const scheduled = await as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({ at });
  expect(scheduled.body.data).toMatchObject({ status: 'scheduled', scheduledAt: at });
  // Paused and resumed before its time, it waits for its time again.
  await as().post(`/email-server/campaigns/${campaign.documentId}/pause`).send({}).expect(200);
  const resumed = await as().post(`/email-server/campaigns/${campaign.documentId}/resume`).send({});
  expect(resumed.body.data.status).toBe('scheduled');
  await waitForStatus(as(), campaign.documentId, 'completed', 15_000);
  expect(await sink.waitForMessages(2)).toHaveLength(2);
  // Not before its time, by the sink's clock.
  for (const arrival of sink.arrivals()) expect(arrival).toBeGreaterThanOrEqual(Date.parse(at));
});

it('asks for the right permissions', async () => {
  expect((await app.http.get('/email-server/campaigns')).status).toBe(401);
  expect((await app.http.post('/email-server/suppressions').send({ email: 'a@example.org' })).status).toBe(401);
});
