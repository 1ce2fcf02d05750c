/**
 * Bounces, complaints and answers for SMTP campaigns: a campaign goes out through a real SMTP
 * server (postfix's smtp-sink) whose incoming side is a real Dovecot mailbox; the reports are
 * written as Postfix, Gmail and a feedback loop write them, put in the mailbox with doveadm,
 * and fetched with "Fetch now". What the user sees is read back through the admin API.
 */
import { incomingFrom, startDovecot, type Dovecot } from '../helpers/dovecot';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { bootStrapi, testDb, type TestApp } from '../helpers/strapi';
import { campaignOf, createCampaign, createServer, recipientsOf, smtpRelay, waitForStatus } from '../helpers/campaigns';
import { fetchNow } from '../helpers/inbox';
import { mail } from '../helpers/mails';
import { answerTo, arfReport, gmailBounce, headerOf, postfixDsn } from '../helpers/reports';

let app: TestApp;
let sink: SmtpSink;
let dovecot: Dovecot;
let box: string;
let server: { documentId: string; name: string };

beforeAll(async () => {
  sink = await startSmtpSink();
  dovecot = await startDovecot();
  app = await bootStrapi({ EMAIL_SERVER_POLLING: 'false', EMAIL_SERVER_CAMPAIGN_TICK_MS: '100' });
  box = dovecot.newMailbox();
  server = await createServer(app.as(), smtpRelay(sink.port, { name: 'News', ...incomingFrom(dovecot, box) }));
}, 120_000);
afterAll(async () => {
  await app?.close();
  await sink?.stop();
  await dovecot?.stop();
});

const as = () => app.as();
let campaigns = 0;

/** Sends a campaign to `emails` and answers each address's mail as the relay received it. */
const sendCampaign = async (emails: string[]) => {
  campaigns += 1;
  sink.clear();
  const name = `Autumn news ${campaigns}`;
  const { data } = await createCampaign(as(), { name, server: 'News', subject: 'Autumn news', text: 'Hello {{email}}', recipients: emails.map((email) => ({ email })) });
  await as().post(`/email-server/campaigns/${data.documentId}/send`).send({}).expect(200);
  await waitForStatus(as(), data.documentId, 'completed');
  const mails = await sink.waitForMessages(emails.length);
  const original = (email: string) => mails.find((m) => m.rcptTo[0] === email)!.raw;
  return { documentId: data.documentId as string, name, original };
};

const deliverAndFetch = async (...raws: Array<string | Buffer>) => {
  for (const raw of raws) dovecot.deliver(raw, box);
  const res = await fetchNow(app, server.documentId);
  expect(res.status).toBe(200);
  return res.body.data as { fetched: number; stored: number };
};

const recipient = async (campaign: string, email: string) => (await recipientsOf(as(), campaign)).find((r) => r.email === email);
const suppression = async (email: string) => (await as().get(`/email-server/suppressions?q=${encodeURIComponent(email)}`)).body.data.find((s: any) => s.email === email);
const conversations = async () => (await as().get(`/email-server/conversations?server=${server.documentId}&pageSize=100`)).body.data as any[];

it('a DSN as Postfix writes it (5.1.1) bounces the recipient and suppresses the address with the diagnostic; no conversation', async () => {
  const c = await sendCampaign(['ann@customer.example', 'abe@customer.example']);
  const before = (await conversations()).length;
  const dsn = postfixDsn({
    original: c.original('ann@customer.example'),
    recipient: 'ann@customer.example',
    action: 'failed',
    status: '5.1.1',
    diagnostic: '550 5.1.1 <ann@customer.example>: Recipient address rejected: User unknown in virtual mailbox table',
  });
  expect(await deliverAndFetch(dsn)).toEqual({ fetched: 1, stored: 1 });

  expect(await recipient(c.documentId, 'ann@customer.example')).toMatchObject({
    status: 'bounced',
    lastError: '550 5.1.1 <ann@customer.example>: Recipient address rejected: User unknown in virtual mailbox table',
  });
  expect(await recipient(c.documentId, 'abe@customer.example')).toMatchObject({ status: 'sent', lastError: null });
  expect((await campaignOf(as(), c.documentId)).counts).toMatchObject({ total: 2, sent: 1, bounced: 1 });
  const suppressed = await suppression('ann@customer.example');
  expect(suppressed).toMatchObject({ reason: 'bounced' });
  expect(suppressed.source).toContain(`campaign "${c.name}"`);
  expect(suppressed.source).toContain('5.1.1');
  expect(suppressed.source).toContain('User unknown');
  expect(await suppression('abe@customer.example')).toBeUndefined();
  // Recorded on the campaign, nowhere in the inbox.
  expect(await conversations()).toHaveLength(before);

  // The same report fetched again (a re-synced mailbox, a second copy) is recorded once.
  expect(await deliverAndFetch(dsn)).toEqual({ fetched: 1, stored: 0 });
  const bounces = await app.strapi.db.query('plugin::email-server.campaign-bounce').findMany({ where: { campaign: c.documentId } });
  expect(bounces).toHaveLength(1);
  expect(bounces[0]).toMatchObject({ kind: 'hard', statusCode: '5.1.1', emailKey: 'ann@customer.example' });
  expect(await conversations()).toHaveLength(before);
});

it('a Gmail-style bounce in prose, quoting the original headers, bounces the recipient', async () => {
  const c = await sendCampaign(['bea@customer.example', 'bob@customer.example']);
  const before = (await conversations()).length;
  expect(await deliverAndFetch(gmailBounce({ original: c.original('bea@customer.example'), recipient: 'bea@customer.example' }))).toEqual({ fetched: 1, stored: 1 });
  expect(await recipient(c.documentId, 'bea@customer.example')).toMatchObject({ status: 'bounced', lastError: expect.stringContaining('5.1.1') });
  expect(await recipient(c.documentId, 'bob@customer.example')).toMatchObject({ status: 'sent' });
  expect(await suppression('bea@customer.example')).toMatchObject({ reason: 'bounced', source: expect.stringContaining(c.name) });
  expect(await conversations()).toHaveLength(before);
});

it('delayed DSNs (4.x.x) count soft bounces; three warnings about one mail, one dated 2099, do not suppress the address, a second copy counts once', async () => {
  const c = await sendCampaign(['gus@customer.example']);
  const before = (await conversations()).length;
  const delayed = (messageId: string) =>
    postfixDsn({
      original: c.original('gus@customer.example'),
      recipient: 'gus@customer.example',
      action: 'delayed',
      status: '4.2.2',
      diagnostic: '452 4.2.2 <gus@customer.example>: Mailbox full',
      messageId,
    });
  await deliverAndFetch(delayed('<delay-1@mx.relay.example>'));
  expect(await recipient(c.documentId, 'gus@customer.example')).toMatchObject({ status: 'sent', softBounces: 1, lastError: '452 4.2.2 <gus@customer.example>: Mailbox full' });
  // The second warning, in two copies fetched one after the other.
  await deliverAndFetch(delayed('<delay-2@mx.relay.example>'));
  expect(await deliverAndFetch(delayed('<delay-2@mx.relay.example>'))).toEqual({ fetched: 1, stored: 0 });
  expect(await recipient(c.documentId, 'gus@customer.example')).toMatchObject({ status: 'sent', softBounces: 2 });
  expect(await suppression('gus@customer.example')).toBeUndefined();

  // The third warning about the same mail, dated in 2099 by its sender.
  await deliverAndFetch(delayed('<delay-3@mx.relay.example>').replace(/^Date: .*$/m, 'Date: Thu, 01 Jan 2099 00:00:00 +0000'));
  expect(await recipient(c.documentId, 'gus@customer.example')).toMatchObject({ status: 'sent', softBounces: 3 });
  expect(await suppression('gus@customer.example')).toBeUndefined();
  const stored = await app.strapi.db.query('plugin::email-server.campaign-bounce').findMany({ where: { campaign: c.documentId } });
  expect(stored).toHaveLength(3);
  for (const b of stored) expect(new Date(b.receivedAt).getTime()).toBeLessThanOrEqual(Date.now());
  expect((await campaignOf(as(), c.documentId)).counts).toMatchObject({ sent: 1, bounced: 0 });
  expect(await conversations()).toHaveLength(before);
});

it('delayed DSNs for three campaigns\' mails to one address suppress it', async () => {
  const email = 'gwen@customer.example';
  for (let i = 1; i <= 3; i++) {
    const c = await sendCampaign([email]);
    expect(await suppression(email)).toBeUndefined();
    await deliverAndFetch(postfixDsn({ original: c.original(email), recipient: email, action: 'delayed', status: '4.2.2', diagnostic: '452 4.2.2 Mailbox full', messageId: `<gwen-delay-${i}@mx.relay.example>` }));
    expect(await recipient(c.documentId, email)).toMatchObject({ status: 'sent', softBounces: 1 });
  }
  expect(await suppression(email)).toMatchObject({ reason: 'bounced', source: expect.stringMatching(/^3 soft bounces within 30 days.*4\.2\.2/) });
});

it('an ARF complaint unsubscribes the recipient and suppresses the address as complained', async () => {
  const c = await sendCampaign(['cid@customer.example', 'cyd@customer.example']);
  const before = (await conversations()).length;
  expect(await deliverAndFetch(arfReport({ original: c.original('cid@customer.example'), recipient: 'cid@customer.example' }))).toEqual({ fetched: 1, stored: 1 });
  expect(await recipient(c.documentId, 'cid@customer.example')).toMatchObject({ status: 'unsubscribed' });
  expect(await recipient(c.documentId, 'cyd@customer.example')).toMatchObject({ status: 'sent' });
  expect((await campaignOf(as(), c.documentId)).counts).toMatchObject({ sent: 1, unsubscribed: 1 });
  expect(await suppression('cid@customer.example')).toMatchObject({ reason: 'complained', source: expect.stringContaining(c.name) });
  expect(await conversations()).toHaveLength(before);
});

it('a forged ARF complaint that names no address (To redacted) for a neighbour\'s recipient id changes nothing and stays an ordinary mail', async () => {
  const c = await sendCampaign(['gil@customer.example', 'gia@customer.example']);
  const before = (await conversations()).length;
  const gil = await recipient(c.documentId, 'gil@customer.example');
  const gia = await recipient(c.documentId, 'gia@customer.example');
  // Gil knows his own mail's ids and forges a "redacted" complaint about the next id, Gia's.
  const forged = arfReport({
    original: c.original('gil@customer.example').replace(`${c.documentId}/${gil.id}`, `${c.documentId}/${gia.id}`).replace(`.${gil.id}@`, `.${gia.id}@`).replace(/^To: .*$/im, 'To: redacted@isp.example'),
    recipient: null,
  });
  expect(headerOf(forged.slice(forged.indexOf('message/rfc822')), 'X-Campaign-Recipient')).toBe(`${c.documentId}/${gia.id}`);
  expect(await deliverAndFetch(forged)).toEqual({ fetched: 1, stored: 1 });
  for (const email of ['gil@customer.example', 'gia@customer.example']) {
    expect(await recipient(c.documentId, email)).toMatchObject({ status: 'sent' });
    expect(await suppression(email)).toBeUndefined();
  }
  expect(await app.strapi.db.query('plugin::email-server.campaign-bounce').count({ where: { campaign: c.documentId } })).toBe(0);
  const now = await conversations();
  expect(now).toHaveLength(before + 1);
  expect(now.filter((x) => x.subject === 'Email Feedback Report for IP 192.0.2.1').every((x) => x.automatic && x.campaign === null)).toBe(true);
});

it('an out-of-office is counted as an auto-reply, once; a person\'s reply becomes a conversation linked to the campaign', async () => {
  const c = await sendCampaign(['dee@customer.example', 'eve@customer.example', 'eli@customer.example']);
  const before = await conversations();
  const away = answerTo({ original: c.original('dee@customer.example'), from: 'Dee <dee@customer.example>', body: 'I am out of the office until Monday.', auto: true });
  await deliverAndFetch(away);
  const dee = await recipient(c.documentId, 'dee@customer.example');
  expect(dee).toMatchObject({ status: 'sent', autoRepliedAt: expect.any(String), repliedAt: null });
  expect(await conversations()).toHaveLength(before.length);
  // A second out-of-office changes nothing.
  await deliverAndFetch(answerTo({ original: c.original('dee@customer.example'), from: 'Dee <dee@customer.example>', body: 'Still away.', auto: true }));
  expect((await recipient(c.documentId, 'dee@customer.example')).autoRepliedAt).toBe(dee.autoRepliedAt);

  await deliverAndFetch(answerTo({ original: c.original('eve@customer.example'), from: 'Eve <eve@customer.example>', body: 'Can I get the autumn catalogue?' }));
  expect(await recipient(c.documentId, 'eve@customer.example')).toMatchObject({ status: 'sent', repliedAt: expect.any(String), autoRepliedAt: null });
  expect(await suppression('eve@customer.example')).toBeUndefined();
  expect((await campaignOf(as(), c.documentId)).counts).toMatchObject({ sent: 3, replied: 1, autoReplied: 1 });

  const now = await conversations();
  expect(now).toHaveLength(before.length + 1);
  const reply = now.find((x) => !before.some((b) => b.documentId === x.documentId));
  expect(reply).toMatchObject({ subject: 'Autumn news', automatic: false, unread: true, campaign: { documentId: c.documentId, name: c.name } });
  const detail = (await as().get(`/email-server/conversations/${reply.documentId}`)).body.data;
  expect(detail.campaign).toEqual({ documentId: c.documentId, name: c.name });
  expect(detail.messages.map((m: any) => m.text.trim())).toEqual(['Can I get the autumn catalogue?']);
  // Other conversations answer no campaign.
  expect(now.filter((x) => x.campaign)).toHaveLength(now.filter((x) => x.campaign?.documentId).length);
  expect(before.every((b) => now.find((x) => x.documentId === b.documentId)?.campaign?.documentId !== c.documentId)).toBe(true);
});

it('a forged DSN naming another address than the recipient the quoted ids name changes nothing and stays an ordinary mail', async () => {
  const c = await sendCampaign(['fay@customer.example', 'fin@customer.example']);
  const before = (await conversations()).length;
  const fay = await recipient(c.documentId, 'fay@customer.example');
  const fin = await recipient(c.documentId, 'fin@customer.example');
  // Fay got her mail and knows its ids; she makes a report that names Fin's address...
  const naming = postfixDsn({ original: c.original('fay@customer.example').replace(/^To: .*$/im, 'To: fin@customer.example'), recipient: 'fin@customer.example', action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 no such user' });
  // ...and one that names Fin's row by the next recipient id, with a guessed address.
  const guessing = postfixDsn({
    original: c.original('fay@customer.example').replace(`${c.documentId}/${fay.id}`, `${c.documentId}/${fin.id}`).replace(/^To: .*$/im, 'To: someone@customer.example').replace(`.${fay.id}@`, `.${fin.id}@`),
    recipient: 'someone@customer.example',
    action: 'failed',
    status: '5.1.1',
    diagnostic: '550 5.1.1 no such user',
  });
  expect(headerOf(guessing.slice(guessing.indexOf('text/rfc822-headers')), 'X-Campaign-Recipient')).toBe(`${c.documentId}/${fin.id}`);
  expect(await deliverAndFetch(naming, guessing)).toEqual({ fetched: 2, stored: 2 });

  for (const email of ['fay@customer.example', 'fin@customer.example']) {
    expect(await recipient(c.documentId, email)).toMatchObject({ status: 'sent', softBounces: 0 });
    expect(await suppression(email)).toBeUndefined();
  }
  expect(await suppression('someone@customer.example')).toBeUndefined();
  expect(await app.strapi.db.query('plugin::email-server.campaign-bounce').count({ where: { campaign: c.documentId } })).toBe(0);
  // Reports about nothing of ours stay what they were: automatic mail in the inbox.
  const now = await conversations();
  expect(now).toHaveLength(before + 2);
  expect(now.filter((x) => x.subject === 'Undelivered Mail Returned to Sender').every((x) => x.automatic && x.campaign === null)).toBe(true);
});

it(`hostile reports on ${testDb()}: a long diagnostic with a NUL is cut and stored, 70,000 References still link a reply, a malformed report is an ordinary mail`, async () => {
  const c = await sendCampaign(['hal@customer.example', 'ivy@customer.example']);
  const before = (await conversations()).length;
  const long = `550 5.1.1 <hal@customer.example>: nul=00here ${'x'.repeat(1400)}`;
  const withNul = postfixDsn({ original: c.original('hal@customer.example'), recipient: 'hal@customer.example', action: 'failed', status: '5.1.1', diagnostic: long }).replace(
    'Content-Type: message/delivery-status\r\n',
    'Content-Type: message/delivery-status\r\nContent-Transfer-Encoding: quoted-printable\r\n'
  );
  const campaignId = headerOf(c.original('ivy@customer.example'), 'Message-ID')!;
  // The campaign mail is only the first (oldest) of 70,000 references, as a long thread has it.
  const flood = answerTo({
    original: c.original('ivy@customer.example'),
    from: 'Ivy <ivy@customer.example>',
    body: 'Replying in a long thread.',
    inReplyTo: false,
    references: [campaignId, ...Array.from({ length: 70_000 }, (_, i) => `<ref${i}@flood.example>`)].join('\r\n '),
  });
  const malformed = [
    'From: MAILER-DAEMON@mx.relay.example',
    'To: news@example.com',
    'Subject: Undelivered Mail Returned to Sender',
    'Message-ID: <broken@mx.relay.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="x"',
    '',
    '--x',
    'Content-Type: message/delivery-status',
    '',
    'Final-Recipient: rfc822; ivy@customer.example',
    'Action: failed',
    'Status: 5.99999.1',
    '--x',
    'Content-Type: text/rfc822-headers; charset=no-such-charset',
    'Content-Transfer-Encoding: base64',
    '',
    '%%%% not base64 \u0000',
    '',
  ].join('\r\n');
  expect(await deliverAndFetch(withNul, flood, malformed, mail({ subject: 'After the hostile ones', from: 'kim@customer.example' }))).toEqual({ fetched: 4, stored: 4 });

  const hal = await recipient(c.documentId, 'hal@customer.example');
  expect(hal.status).toBe('bounced');
  expect(hal.lastError.length).toBeLessThanOrEqual(1000);
  expect(hal.lastError).toMatch(/^550 5\.1\.1 <hal@customer\.example>: nul ?here x+$/);
  const [bounce] = await app.strapi.db.query('plugin::email-server.campaign-bounce').findMany({ where: { campaign: c.documentId } });
  expect(bounce.diagnostic).toBe(hal.lastError);
  expect(bounce.diagnostic).not.toContain('\u0000');
  expect((await suppression('hal@customer.example')).source.length).toBeLessThanOrEqual(255);

  expect(await recipient(c.documentId, 'ivy@customer.example')).toMatchObject({ status: 'sent', repliedAt: expect.any(String) });
  const now = await conversations();
  expect(now).toHaveLength(before + 3);
  expect(now.find((x) => x.campaign?.documentId === c.documentId)).toMatchObject({ subject: 'Autumn news', campaign: { name: c.name } });
  expect(now.find((x) => x.subject === 'Undelivered Mail Returned to Sender' && x.automatic)).toBeDefined();
  expect(now.find((x) => x.subject === 'After the hostile ones')).toBeDefined();
});

it(`a reply naming a recipient id beyond int4 is an ordinary conversation on ${testDb()}, and the mail after it is stored too`, async () => {
  const c = await sendCampaign(['hux@customer.example']);
  const before = (await conversations()).length;
  const reply = answerTo({
    original: c.original('hux@customer.example').replace(/^Message-ID: .*$/im, `Message-ID: <${c.documentId}.99999999999@example.com>`),
    from: 'Hux <hux@customer.example>',
    body: 'Huge id',
  });
  expect(reply).toContain(`In-Reply-To: <${c.documentId}.99999999999@example.com>`);
  const later = mail({ from: 'Ida <ida@customer.example>', to: 'news@example.com', subject: 'After the huge id', body: 'Still here' });
  expect(await deliverAndFetch(reply, later)).toEqual({ fetched: 2, stored: 2 });
  const now = await conversations();
  expect(now).toHaveLength(before + 2);
  expect(now.find((x) => x.subject === 'Autumn news' && x.campaign === null && !x.automatic)).toBeDefined();
  expect(now.find((x) => x.subject === 'After the huge id')).toBeDefined();
  expect(await recipient(c.documentId, 'hux@customer.example')).toMatchObject({ repliedAt: null });
});

it('POP3: a report is applied once and not fetched again, though no Inbox row keeps its UIDL', async () => {
  const popBox = dovecot.newMailbox();
  const pop = await createServer(as(), smtpRelay(sink.port, { name: 'News by POP3', ...incomingFrom(dovecot, popBox, 'pop3') }));
  sink.clear();
  const { data } = await createCampaign(as(), { name: 'POP3 news', server: pop.documentId, subject: 'Hi', text: 'Hello', recipients: [{ email: 'pia@customer.example' }] });
  await as().post(`/email-server/campaigns/${data.documentId}/send`).send({}).expect(200);
  await waitForStatus(as(), data.documentId, 'completed');
  const [sent] = await sink.waitForMessages(1);
  dovecot.deliver(postfixDsn({ original: sent.raw, recipient: 'pia@customer.example', action: 'delayed', status: '4.4.1', diagnostic: '451 4.4.1 connection timed out' }), popBox);
  expect((await fetchNow(app, pop.documentId)).body.data).toEqual({ fetched: 1, stored: 1 });
  expect((await fetchNow(app, pop.documentId)).body.data).toEqual({ fetched: 0, stored: 0 });
  expect(await recipient(data.documentId, 'pia@customer.example')).toMatchObject({ status: 'sent', softBounces: 1 });
  // Still in the maildrop (the server keeps fetched mail), yet not fetched again.
  expect(dovecot.messages(popBox)).toHaveLength(1);
});
