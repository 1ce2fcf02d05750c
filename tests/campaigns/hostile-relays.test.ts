/**
 * Relays that answer with long replies (Gmail's 550 is over 300 characters: on PostgreSQL longer
 * than a `string` column) or drop the connection mid-DATA: the queue records each outcome, sends
 * nobody twice, and every campaign settles.
 */
import net from 'node:net';
import { freePort } from '../helpers/net';
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { startSmtpServer, type ScriptedSmtp } from '../helpers/smtp-server';
import { createCampaign, createServer, recipientHeaders, recipientsOf, smtpRelay, waitForStatus } from '../helpers/campaigns';

let app: TestApp;
const relays: ScriptedSmtp[] = [];

beforeAll(async () => {
  app = await bootStrapi({
    EMAIL_SERVER_CAMPAIGN_TICK_MS: '100',
    EMAIL_SERVER_CAMPAIGN_RETRY_MS: '200',
    EMAIL_SERVER_CAMPAIGN_MAX_ATTEMPTS: '2',
    // Short leases: a recipient whose outcome was never written would be claimed (and sent) again.
    EMAIL_SERVER_CAMPAIGN_LEASE_MS: '3000',
    EMAIL_SERVER_PUBLIC_URL: 'https://cms.example.com',
  });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await Promise.all(relays.map((r) => r.stop()));
});

const as = () => app.as();

/** A 700-character reply text, as a big provider writes them. */
const longReason = (code: string) => {
  const sentence = 'The email account that you tried to reach does not exist or is not accepting mail. ';
  return `${code} ${sentence.repeat(10)}`.slice(0, 700);
};

it('a 700-character 550 to RCPT TO fails that recipient with the reason; the others are sent once and the campaign completes', async () => {
  const reason = longReason('5.1.1');
  const relay = await startSmtpServer({ rcptError: (address) => (address.startsWith('gone') ? { code: 550, message: reason } : undefined) });
  relays.push(relay);
  await createServer(as(), smtpRelay(relay.port, { name: 'Long RCPT replies', maxConnections: 2 }));
  const addresses = ['a1@example.org', 'a2@example.org', 'gone@example.org', 'a3@example.org', 'a4@example.org', 'a5@example.org'];
  const { data: campaign } = await createCampaign(as(), {
    name: 'Long replies',
    server: 'Long RCPT replies',
    subject: 'Hi',
    text: 'Hello {{email}}',
    recipients: addresses.map((email) => ({ email })),
  });
  await as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({}).expect(200);
  const done = await waitForStatus(as(), campaign.documentId, 'completed', 30_000);
  expect(done.counts).toMatchObject({ total: 6, sent: 5, failed: 1, queued: 0, sending: 0 });

  const gone = (await recipientsOf(as(), campaign.documentId)).find((r) => r.email === 'gone@example.org');
  expect(gone).toMatchObject({ status: 'failed', attempts: 1 });
  expect(gone.lastError).toContain(`550 ${reason.slice(0, 250)}`);

  // Every row is final (none left `sending` to be claimed again): each deliverable recipient
  // reached the relay once.
  const headers = recipientHeaders(relay.received);
  expect(relay.received.map((m) => m.rcptTo[0]).sort()).toEqual(addresses.filter((a) => a !== 'gone@example.org').sort());
  expect(new Set(headers).size).toBe(headers.length);
});

it('a 700-character 550 to MAIL FROM pauses the campaign with the reason', async () => {
  const reason = longReason('5.7.1');
  const relay = await startSmtpServer({ mailFromError: { code: 550, message: reason } });
  relays.push(relay);
  await createServer(as(), smtpRelay(relay.port, { name: 'Long MAIL FROM replies' }));
  const { data: campaign } = await createCampaign(as(), {
    name: 'Refused sender',
    server: 'Long MAIL FROM replies',
    subject: 'Hi',
    text: 'Hello',
    recipients: Array.from({ length: 8 }, (_, i) => ({ email: `m${i}@example.org` })),
  });
  await as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({}).expect(200);
  const paused = await waitForStatus(as(), campaign.documentId, 'paused', 30_000);
  expect(paused.pauseReason).toContain(`550 ${reason.slice(0, 250)}`);
  expect(paused.counts).toMatchObject({ failed: 0, queued: 8, sending: 0, sent: 0 });
  expect(relay.received).toHaveLength(0);
  // The recipients keep the reason too, and stay queued for a resume.
  const rows = await recipientsOf(as(), campaign.documentId);
  expect(rows.filter((r) => r.lastError?.includes(reason.slice(0, 250))).length).toBeGreaterThan(0);
});

it('a relay that drops every connection mid-DATA: the recipient fails after its attempts, the others are sent, the campaign settles', async () => {
  const dataCommands = new Map<string, number>();
  const relay = await startSmtpServer({
    dropOnData: (rcpt) => {
      dataCommands.set(rcpt[0], (dataCommands.get(rcpt[0]) ?? 0) + 1);
      return rcpt[0].startsWith('drop');
    },
  });
  relays.push(relay);
  await createServer(as(), smtpRelay(relay.port, { name: 'Dropping relay', maxConnections: 1 }));
  const { data: campaign } = await createCampaign(as(), {
    name: 'Dropped',
    server: 'Dropping relay',
    subject: 'Hi',
    text: 'Hello',
    recipients: [{ email: 'drop@example.org' }, { email: 'fine@example.org' }],
  });
  await as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({}).expect(200);
  const done = await waitForStatus(as(), campaign.documentId, 'completed', 30_000);
  expect(done.counts).toMatchObject({ total: 2, sent: 1, failed: 1, queued: 0, sending: 0 });
  const dropped = (await recipientsOf(as(), campaign.documentId)).find((r) => r.email === 'drop@example.org');
  expect(dropped).toMatchObject({ status: 'failed', attempts: 2, lastError: expect.stringMatching(/^Gave up after 2 attempts: /) });
  // At most one resend on a new connection per queue attempt (smtp.maxRequeues = 1).
  expect(dataCommands.get('drop@example.org')).toBeGreaterThanOrEqual(2);
  expect(dataCommands.get('drop@example.org')).toBeLessThanOrEqual(4);
  expect(dataCommands.get('fine@example.org')).toBe(1);
  expect(relay.received.map((m) => m.rcptTo[0])).toEqual(['fine@example.org']);
});

it('a relay that closes every connection before its greeting: one resend per attempt, then the queue\'s own retries, and the campaign settles', async () => {
  // nodemailer's pool sends a message again when its connection closes before the greeting
  // (a drop mid-DATA fails the send instead): without a bound of ours that is its default of 5
  // resends per attempt (unlimited in older versions) while the worker keeps renewing the lease.
  let connections = 0;
  const closing = net.createServer((socket) => {
    connections += 1;
    socket.end();
  });
  const port = await freePort();
  await new Promise<void>((resolve) => closing.listen(port, '127.0.0.1', resolve));
  try {
    await createServer(as(), smtpRelay(port, { name: 'Closing relay', maxConnections: 1 }));
    const { data: campaign } = await createCampaign(as(), {
      name: 'Closed',
      server: 'Closing relay',
      subject: 'Hi',
      text: 'Hello',
      recipients: [{ email: 'closed@example.org' }],
    });
    await as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({}).expect(200);
    const done = await waitForStatus(as(), campaign.documentId, 'completed', 30_000);
    expect(done.counts).toMatchObject({ total: 1, failed: 1, sending: 0 });
    const [row] = await recipientsOf(as(), campaign.documentId);
    expect(row).toMatchObject({ status: 'failed', attempts: 2, lastError: expect.stringMatching(/^Gave up after 2 attempts: /) });
    // Two queue attempts, each one connection and one resend.
    expect(connections).toBe(4);
  } finally {
    await new Promise((resolve) => closing.close(resolve));
  }
});
