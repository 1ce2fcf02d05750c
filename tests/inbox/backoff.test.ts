/**
 * The poller and an unreachable or refusing mail server: connection errors back off (doubling
 * from the poll interval, up to `maxBackoffSeconds`) instead of hammering it; after
 * `maxAuthFailures` failed logins it stops logging in until a successful "Test connection".
 * Polls are driven with the poller's own tick (automatic polling is off) and the time a poll is
 * due is moved to now instead of waiting for it.
 */
import net from 'node:net';
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { startDovecot, type Dovecot } from '../helpers/dovecot';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { freePort } from '../helpers/net';
import { mail } from '../helpers/mails';

let app: TestApp;
let dovecot: Dovecot;
let sink: SmtpSink;

beforeAll(async () => {
  [dovecot, sink] = await Promise.all([startDovecot(), startSmtpSink()]);
  app = await bootStrapi({ EMAIL_SERVER_POLLING: 'false', EMAIL_SERVER_MAX_AUTH_FAILURES: '2' });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await Promise.all([dovecot?.stop(), sink?.stop()]);
});

const poller = () => app.strapi.plugin('email-server').service('poller');
const state = (server: string) => app.strapi.db.query('plugin::email-server.mailbox-state').findOne({ where: { server } });
const makeDue = (server: string) =>
  app.strapi.db.query('plugin::email-server.mailbox-state').update({ where: { server }, data: { nextPollAt: 0 } });
const rows = (server: string) => app.strapi.db.query('plugin::email-server.inbound-message').findMany({ where: { server } });

const createServer = async (overrides: Record<string, unknown>) => {
  const res = await app.as().post('/email-server/servers').send({
    name: `Poll ${Math.random()}`,
    type: 'smtp',
    senderEmail: 'agent@example.com',
    smtpHost: '127.0.0.1',
    smtpPort: sink.port,
    smtpSecurity: 'none',
    incomingProtocol: 'imap',
    incomingHost: '127.0.0.1',
    incomingSecurity: 'none',
    incomingPassword: 'Imap-Password-1',
    pollIntervalSeconds: 10,
    ...overrides,
  });
  expect(res.status).toBe(201);
  return res.body.data.documentId as string;
};

it('backs off after connection errors, doubling up to maxBackoffSeconds, and does not connect meanwhile', async () => {
  // A "mail server" that hangs up on every connection, counting them.
  let connections = 0;
  const port = await freePort();
  const dead = net.createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => dead.listen(port, '127.0.0.1', resolve));
  try {
    const server = await createServer({ incomingPort: port, incomingUsername: 'nobody@example.com' });

    /** One due poll: it connects once, and the next one is due `seconds` later. */
    const failedPollBacksOff = async (attempt: number, seconds: number) => {
      await makeDue(server);
      const before = Date.now();
      await poller().tick();
      const after = Date.now();
      expect(connections).toBe(attempt);
      const s = await state(server);
      expect(s.failures).toBe(attempt);
      expect(s.authFailures).toBe(0);
      expect(s.lastError).toBeTruthy();
      expect(Number(s.nextPollAt)).toBeGreaterThanOrEqual(before + seconds * 1000);
      expect(Number(s.nextPollAt)).toBeLessThanOrEqual(after + seconds * 1000);
      // Not due yet: a tick leaves it alone.
      await poller().tick();
      await poller().tick();
      expect(connections).toBe(attempt);
    };
    await failedPollBacksOff(1, 20);
    await failedPollBacksOff(2, 40);
    await failedPollBacksOff(3, 80);
    app.strapi.config.set('plugin::email-server.incoming.maxBackoffSeconds', 100);
    await failedPollBacksOff(4, 100);
    // A connection error is not a failed login: polling is not paused.
    const listed = (await app.as().get('/email-server/servers')).body.data.find((s: any) => s.documentId === server);
    expect(listed.incomingAttention).toBeNull();
  } finally {
    app.strapi.config.set('plugin::email-server.incoming.maxBackoffSeconds', 3600);
    await new Promise((resolve) => dead.close(resolve));
  }
});

it('after maxAuthFailures failed logins it stops logging in; a successful "Test connection" resumes polling', async () => {
  const box = dovecot.newMailbox();
  dovecot.deliver(mail({ subject: 'Waiting mail' }), box);
  // The mail provider reset the account's password: the stored one no longer works.
  await dovecot.setPassword(box, 'Reset-Password-2');
  const server = await createServer({ incomingPort: dovecot.ports.imap, incomingUsername: box });

  for (let i = 1; i <= 2; i++) {
    await makeDue(server);
    await poller().tick();
    const s = await state(server);
    expect([s.authFailures, s.lastError]).toEqual([i, expect.stringContaining('Authentication failed')]);
    expect(await rows(server)).toHaveLength(0);
  }
  const listed = (await app.as().get('/email-server/servers')).body.data.find((s: any) => s.documentId === server);
  expect(listed.incomingAttention).toMatch(/^Polling paused after 2 failed logins: .*Authentication failed/);

  // The provider puts the old password back. Logging in would work now, but polling is paused:
  // even a due poll does not log in, so nothing is fetched.
  await dovecot.setPassword(box, 'Imap-Password-1');
  await makeDue(server);
  await poller().tick();
  expect(await rows(server)).toHaveLength(0);
  expect((await state(server)).authFailures).toBe(2);

  // "Test connection" succeeds, which clears the mark and makes the server due again.
  const checked = await app.as().post(`/email-server/servers/${server}/verify`).send({});
  expect(checked.status).toBe(200);
  expect(checked.body.data.incoming).toMatchObject({ ok: true });
  const after = (await app.as().get(`/email-server/servers/${server}`)).body.data;
  expect(after.incomingAttention).toBeNull();
  await poller().tick();
  expect((await rows(server)).map((r: any) => r.subject)).toEqual(['Waiting mail']);
  expect(await state(server)).toMatchObject({ failures: 0, authFailures: 0, lastError: null });
});
