/**
 * Changes made while a campaign is sending: its server disabled (the campaign pauses with the
 * reason, the rest stay queued, nothing more goes out) or deleted (refused while the campaign
 * is under way), and an address put on the suppression list (that recipient is suppressed and gets nothing). The campaigns send slowly
 * (2 mails a second) so the change lands mid-campaign; the sink says what went out.
 */
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { waitUntil } from '../helpers/net';
import { sendNewCampaign, createServer, recipientHeaders, recipientsOf, smtpRelay, waitForStatus } from '../helpers/campaigns';

let app: TestApp;
let sink: SmtpSink;
let control: { documentId: string };

beforeAll(async () => {
  sink = await startSmtpSink();
  app = await bootStrapi({ EMAIL_SERVER_CAMPAIGN_TICK_MS: '100', EMAIL_SERVER_PUBLIC_URL: 'https://cms.example.com' });
  control = await createServer(app.as(), smtpRelay(sink.port, { name: 'Control relay' }));
}, 120_000);
afterAll(async () => {
  await app?.close();
  await sink?.stop();
});
beforeEach(() => sink.clear());

const as = () => app.as();
const slowRelay = (name: string) => createServer(as(), smtpRelay(sink.port, { name, rateLimitPerSecond: 2, maxConnections: 1 }));

/** Creates a campaign of `count` recipients `prefix0@example.org`... and sends it now. */
const start = (server: string, prefix: string, count: number) => sendNewCampaign(as(), server, prefix, count);

/** Mails of one campaign at the sink, by its X-Campaign-Recipient header. */
const mailsOf = (campaign: string) => sink.headerValues('X-Campaign-Recipient').filter((h) => h.startsWith(`${campaign}/`));

/**
 * The queue kept running after the pause: a campaign on another server goes out whole. Its
 * completion is what "later" means for the paused one.
 */
const queueRanOn = async (prefix: string) => {
  const other = await start(control.documentId, prefix, 2);
  await waitForStatus(as(), other, 'completed');
  await waitUntil(() => mailsOf(other).length === 2, 10_000, 'the other campaign at the sink');
  return other;
};

it.each([
  ['disabled', (id: string) => as().put(`/email-server/servers/${id}`).send({ enabled: false }), /^Paused: the email server "Disabled relay" is disabled\.$/],
] as const)('a server %s mid-campaign pauses it with the reason; the rest stay queued and get nothing', async (what, change, reason) => {
  const server = await slowRelay(what === 'disabled' ? 'Disabled relay' : 'Deleted relay');
  const campaign = await start(server.documentId, what, 12);
  await sink.waitForMessages(2, 15_000);
  await change(server.documentId).expect(200);

  const paused = await waitForStatus(as(), campaign, ['paused', 'completed']);
  expect(paused.status).toBe('paused');
  expect(paused.pauseReason).toMatch(reason);
  const { sent, queued, sending } = paused.counts;
  expect(sending).toBe(0);
  expect(sent).toBeGreaterThanOrEqual(2);
  expect(queued).toBeGreaterThan(0);
  expect(sent + queued).toBe(12);

  const other = await queueRanOn(`after-${what}`);
  // Exactly the recipients marked sent got a mail, once each; nothing went out after the pause.
  const rows = await recipientsOf(as(), campaign);
  const sentIds = rows.filter((r) => r.status === 'sent').map((r) => `${campaign}/${r.id}`).sort();
  expect(sentIds).toHaveLength(sent);
  expect(mailsOf(campaign).sort()).toEqual(sentIds);
  expect(rows.filter((r) => r.status === 'queued')).toHaveLength(queued);
  expect(mailsOf(other)).toHaveLength(2);
  expect((await as().get(`/email-server/campaigns/${campaign}`)).body.data.counts).toEqual(paused.counts);
});

it('a server cannot be deleted mid-campaign: 409 naming the sending campaign, which goes on; once cancelled, the server can be', async () => {
  const server = await slowRelay('Deleted relay');
  const campaign = await start(server.documentId, 'deleted', 12);
  await sink.waitForMessages(2, 15_000);
  const refused = await as().delete(`/email-server/servers/${server.documentId}`);
  expect(refused.status).toBe(409);
  expect(refused.body.error.details.campaigns).toEqual([{ documentId: campaign, name: 'deleted' }]);
  expect((await as().get(`/email-server/campaigns/${campaign}`)).body.data.status).toBe('sending');

  await as().post(`/email-server/campaigns/${campaign}/cancel`).send({}).expect(200);
  // Mails in flight finish; then nothing of it is left to send.
  await waitUntil(async () => (await as().get(`/email-server/campaigns/${campaign}`)).body.data.counts.sending === 0, 15_000, 'the mails in flight');
  await as().delete(`/email-server/servers/${server.documentId}`).expect(200);
  expect((await as().get(`/email-server/campaigns/${campaign}`)).body.data).toMatchObject({ status: 'cancelled', server: null });
});

it('an address suppressed mid-campaign is marked suppressed and gets no mail; the others get theirs once', async () => {
  const server = await slowRelay('Suppression relay');
  const campaign = await start(server.documentId, 'supp', 10);
  await sink.waitForMessages(1, 15_000);
  // The last in the queue: not claimed yet at 2 mails a second.
  const added = await as().post('/email-server/suppressions').send({ email: 'SUPP9@example.org' });
  expect(added.status).toBe(201);

  const done = await waitForStatus(as(), campaign, 'completed');
  expect(done.counts).toMatchObject({ total: 10, sent: 9, suppressed: 1, queued: 0, failed: 0 });
  const rows = await recipientsOf(as(), campaign);
  expect(rows.find((r) => r.email === 'supp9@example.org')).toMatchObject({ status: 'suppressed', sentAt: null });
  const mails = await sink.messages();
  expect(mails.flatMap((m) => m.rcptTo).sort()).toEqual(Array.from({ length: 9 }, (_, i) => `supp${i}@example.org`).sort());
  expect(recipientHeaders(mails).sort()).toEqual(rows.filter((r) => r.status === 'sent').map((r) => `${campaign}/${r.id}`).sort());
});
