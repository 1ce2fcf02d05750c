/**
 * Fallback servers and hourly limits for single mails (mailer.send, Strapi's own flows, test
 * emails), against two real SMTP servers, a closed port and scripted refusals.
 */
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { startSmtpServer, type ScriptedSmtp } from '../helpers/smtp-server';
import { freePort } from '../helpers/net';
import { createServer, smtpRelay } from '../helpers/campaigns';

let app: TestApp;
let primarySink: SmtpSink;
let fallbackSink: SmtpSink;
const scripted: ScriptedSmtp[] = [];

beforeAll(async () => {
  primarySink = await startSmtpSink();
  fallbackSink = await startSmtpSink();
  app = await bootStrapi();
}, 120_000);
afterAll(async () => {
  await app?.close();
  await primarySink?.stop();
  await fallbackSink?.stop();
  for (const s of scripted) await s.stop();
});
beforeEach(() => {
  primarySink.clear();
  fallbackSink.clear();
});
afterEach(async () => {
  // Fallbacks first would be refused by nothing: servers may be deleted in any order.
  for (const s of (await app.as().get('/email-server/servers')).body.data) await app.as().delete(`/email-server/servers/${s.documentId}`);
});

const mailer = () => app.strapi.plugin('email-server').service('mailer');
const mail = (server: string, to = 'alice@example.org') => ({ server, to, subject: 'Hello', text: 'Body' });
const serverNamed = async (name: string) =>
  (await app.as().get('/email-server/servers')).body.data.find((s: any) => s.name === name);

const withFallback = async (primary: Record<string, unknown>) => {
  const fallback = await createServer(app.as(), smtpRelay(fallbackSink.port, { name: 'Fallback', senderEmail: 'backup@example.com' }));
  const first = await createServer(app.as(), { ...smtpRelay(0), name: 'Primary', fallbackServer: fallback.documentId, ...primary });
  return { fallback, first };
};

it('moves to the fallback when the primary refuses connections, and names the fallback', async () => {
  await withFallback({ smtpPort: await freePort() });
  const result = await mailer().send(mail('Primary'));
  expect(result).toEqual({ messageId: expect.any(String), server: 'Fallback' });
  const [received] = await fallbackSink.waitForMessages(1);
  expect(received.mail.from?.value[0].address).toBe('backup@example.com');
  // The list shows what went wrong on the primary, and that the fallback sent.
  const primary = await serverNamed('Primary');
  expect(primary.status.lastSendError).toMatch(/Connection refused/);
  expect((await serverNamed('Fallback')).status.lastSendAt).toEqual(expect.any(String));
});

it('moves to the fallback on 421 at the greeting and 454 at AUTH', async () => {
  const busy = await startSmtpServer({ connectError: { code: 421, message: 'Too busy, try later' } });
  const authDown = await startSmtpServer({ auth: { username: 'u', password: 'p-secret' }, authError: { code: 454, message: 'Temporary authentication failure' } });
  scripted.push(busy, authDown);
  const { fallback } = await withFallback({ smtpPort: busy.port });
  expect((await mailer().send(mail('Primary'))).server).toBe('Fallback');
  await createServer(app.as(), { ...smtpRelay(authDown.port), name: 'Auth down', smtpUsername: 'u', smtpPassword: 'p-secret', fallbackServer: fallback.documentId });
  expect((await mailer().send(mail('Auth down'))).server).toBe('Fallback');
  expect(authDown.authAttempts.length).toBeGreaterThan(0);
  await fallbackSink.waitForMessages(2);
});

it('does not move to the fallback when the primary refuses the recipient (550)', async () => {
  const picky = await startSmtpServer({ rcptError: (a) => (a.startsWith('gone') ? { code: 550, message: 'No such user' } : undefined) });
  scripted.push(picky);
  await withFallback({ smtpPort: picky.port });
  await expect(mailer().send(mail('Primary', 'gone@example.org'))).rejects.toThrow(/Sending through "Primary" failed: .*550/);
  expect(fallbackSink.count()).toBe(0);
  // A recipient's refusal is not the server's error.
  expect((await mailer().send(mail('Primary', 'here@example.org'))).server).toBe('Primary');
});

it('does not send through the fallback when the primary took the message and its 250 was lost', async () => {
  const lost = await startSmtpServer({ dropAfterData: true });
  scripted.push(lost);
  await withFallback({ smtpPort: lost.port });
  // nodemailer reports this "Connection closed unexpectedly" with command CONN, like a refused
  // connection: the relay may have delivered, so the fallback must not send it a second time.
  await expect(mailer().send(mail('Primary'))).rejects.toThrow(/Sending through "Primary" failed/);
  expect(lost.received).toHaveLength(1);
  expect(fallbackSink.count()).toBe(0);
});

it('refuses a fallback loop when saving, and stops at a visited server when rows were edited around it', async () => {
  const a = await createServer(app.as(), smtpRelay(await freePort(), { name: 'A' }));
  const b = await createServer(app.as(), smtpRelay(await freePort(), { name: 'B', fallbackServer: a.documentId }));
  const res = await app.as().put(`/email-server/servers/${a.documentId}`).send({ fallbackServer: b.documentId });
  expect(res.status).toBe(400);
  expect(res.body.error.details.errors).toEqual([expect.objectContaining({ path: ['fallbackServer'], message: expect.stringContaining('"A" → "B" → "A"') })]);
  const self = await app.as().put(`/email-server/servers/${a.documentId}`).send({ fallbackServer: a.documentId });
  expect(self.status).toBe(400);
  expect(self.body.error.details.errors[0].path).toEqual(['fallbackServer']);
  const missing = await app.as().put(`/email-server/servers/${a.documentId}`).send({ fallbackServer: 'no-such-server' });
  expect(missing.status).toBe(400);

  // Written past the check (another tool, a restore): the send tries each server once and fails.
  await app.strapi.db.query('plugin::email-server.email-server').update({ where: { documentId: a.documentId }, data: { fallbackServer: b.documentId } });
  await expect(mailer().send(mail('A'))).rejects.toThrow(/Sending through "A" failed: Connection refused.* Sending through "B" failed: Connection refused/);
});

it('deleting a fallback leaves the servers that named it without one, and they can still be saved', async () => {
  const { fallback, first } = await withFallback({ smtpPort: await freePort() });
  expect((await app.as().delete(`/email-server/servers/${fallback.documentId}`)).status).toBe(200);
  expect((await serverNamed('Primary')).fallbackServer).toBeNull();
  const renamed = await app.as().put(`/email-server/servers/${first.documentId}`).send({ name: 'Primary renamed' });
  expect(renamed.status).toBe(200);
  expect(renamed.body.data).toMatchObject({ name: 'Primary renamed', fallbackServer: null });
});

it('skips a disabled fallback and takes the next one in the chain', async () => {
  const last = await createServer(app.as(), smtpRelay(fallbackSink.port, { name: 'Last' }));
  const off = await createServer(app.as(), smtpRelay(primarySink.port, { name: 'Off', enabled: false, fallbackServer: last.documentId }));
  await createServer(app.as(), smtpRelay(await freePort(), { name: 'Down', fallbackServer: off.documentId }));
  expect((await mailer().send(mail('Down'))).server).toBe('Last');
  expect(primarySink.count()).toBe(0);
});

it('hourlyLimit 2: the third mail goes to the fallback, counted in GET /servers', async () => {
  const { first } = await withFallback({ smtpPort: primarySink.port, hourlyLimit: 2 });
  expect((await mailer().send(mail('Primary'))).server).toBe('Primary');
  expect((await mailer().send(mail('Primary'))).server).toBe('Primary');
  expect((await mailer().send(mail('Primary'))).server).toBe('Fallback');
  const list = (await app.as().get('/email-server/servers')).body.data;
  const primary = list.find((s: any) => s.documentId === first.documentId);
  expect(primary.status).toMatchObject({ sentThisHour: 2, sentToday: 2, lastSendError: null });
  expect(list.find((s: any) => s.name === 'Fallback').status).toMatchObject({ sentThisHour: 1, sentToday: 1 });
  expect((await app.as().get(`/email-server/servers/${first.documentId}`)).body.data.status.sentThisHour).toBe(2);
});

it('hourlyLimit 2 without a fallback: the third mail fails with the limit and when it resets', async () => {
  await createServer(app.as(), smtpRelay(primarySink.port, { name: 'Alone', hourlyLimit: 2, dailyLimit: 100, isDefault: true }));
  await mailer().send(mail('Alone'));
  // Strapi's own flows go through the default server and count too.
  await app.strapi.plugin('email').service('email').send({ to: 'bob@example.org', subject: 'Reset', text: 'x' });
  await expect(mailer().send(mail('Alone'))).rejects.toThrow(/^The email server "Alone" reached its hourly limit of 2 messages; it resets at \d\d:00 UTC\.$/);
  expect(primarySink.count()).toBe(2);
});

it('a test email through a server that refuses connections is sent by its fallback', async () => {
  const { first } = await withFallback({ smtpPort: await freePort() });
  const res = await app.as().post(`/email-server/servers/${first.documentId}/test-email`).send({ to: 'me@example.org' });
  expect(res.status).toBe(200);
  expect(res.body.data.server).toBe('Fallback');
  await fallbackSink.waitForMessages(1);
  // The activity says which server took it: ok is the test's outcome, not the primary's.
  const activity = await app.as().get(`/email-server/servers/${first.documentId}/activity`);
  const entry = activity.body.data.find((e: any) => e.event === 'email-server.server.test');
  expect(entry.details).toEqual({ kind: 'email', to: 'me@example.org', ok: true, message: null, server: 'Fallback' });
});

it('stores a 1,000-character relay reply as the last send error, cut to fit, and clears it from view after a success', async () => {
  const reply = `Mailbox quota exceeded ${'ü🙂'.repeat(330)} end`;
  const relay = await startSmtpServer({ mailFromError: { code: 452, message: reply } });
  scripted.push(relay);
  const server = await createServer(app.as(), smtpRelay(relay.port, { name: 'Full' }));
  await expect(mailer().send(mail('Full'))).rejects.toThrow(/Sending through "Full" failed: .*452 Mailbox quota exceeded/);
  const { status } = (await app.as().get(`/email-server/servers/${server.documentId}`)).body.data;
  expect(status.lastSendError).toMatch(/^Sending through "Full" failed: The server 127\.0\.0\.1:\d+ answered: 452 Mailbox quota exceeded ü🙂/);
  expect(status.lastSendError.length).toBeLessThanOrEqual(1000);
  expect(status.lastSendErrorAt).toEqual(expect.any(String));
  // Pointed at a working relay, the next success hides the old error.
  await app.as().put(`/email-server/servers/${server.documentId}`).send({ smtpPort: primarySink.port }).expect(200);
  await mailer().send(mail('Full'));
  expect((await app.as().get(`/email-server/servers/${server.documentId}`)).body.data.status).toMatchObject({ lastSendError: null, lastSendAt: expect.any(String) });
});
