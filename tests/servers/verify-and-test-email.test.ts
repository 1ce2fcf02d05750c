/**
 * "Test connection" (POST .../verify) and "Send test email" (POST .../test-email) through the
 * admin routes, against real SMTP servers, real Dovecot and the SendGrid stand-in.
 */
import net from 'node:net';
import { bootStrapi, createLimitedAdmin, type TestApp } from '../helpers/strapi';
import { startSmtpServer, type ScriptedSmtp } from '../helpers/smtp-server';
import { startDovecot, type Dovecot } from '../helpers/dovecot';
import { startFakeSendgrid, type FakeSendgrid } from '../helpers/fake-sendgrid';
import { freePort } from '../helpers/net';

let app: TestApp;
let smtp: ScriptedSmtp;
let tlsSmtp: ScriptedSmtp;
let dovecot: Dovecot;
let sendgrid: FakeSendgrid;
let silent: net.Server;
let silentPort: number;

beforeAll(async () => {
  [smtp, tlsSmtp, dovecot, sendgrid] = await Promise.all([
    startSmtpServer({ auth: { username: 'relay', password: 'Relay-Secret-1' } }),
    startSmtpServer({ mode: 'tls', auth: { username: 'relay', password: 'Relay-Secret-1' } }),
    startDovecot(),
    startFakeSendgrid(),
  ]);
  sendgrid.tokens.set('SG.good', ['mail.send']);
  sendgrid.tokens.set('SG.read-only', ['stats.read']);
  // Accepts connections and never says a word: a hung relay.
  silentPort = await freePort();
  silent = net.createServer(() => undefined).listen(silentPort, '127.0.0.1');
  app = await bootStrapi({ EMAIL_SERVER_SENDGRID_API_URL: sendgrid.url, EMAIL_SERVER_VERIFY_TIMEOUT_MS: '1500' });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await Promise.all([smtp?.stop(), tlsSmtp?.stop(), dovecot?.stop(), sendgrid?.stop()]);
  silent?.close();
});

let counter = 0;
const create = async (overrides: Record<string, unknown>) => {
  const res = await app.as().post('/email-server/servers').send({
    name: `Server ${++counter}`,
    type: 'smtp',
    senderEmail: 'support@example.com',
    smtpHost: '127.0.0.1',
    smtpPort: smtp.port,
    smtpSecurity: 'none',
    smtpUsername: 'relay',
    smtpPassword: 'Relay-Secret-1',
    ...overrides,
  });
  expect(res.status).toBe(201);
  return res.body.data;
};
const verify = async (documentId: string) => {
  const res = await app.as().post(`/email-server/servers/${documentId}/verify`).send({});
  expect(res.status).toBe(200);
  for (const secret of ['Relay-Secret-1', 'Wrong-Secret-2', dovecot.password, 'SG.good', 'SG.bad']) {
    expect(res.text).not.toContain(secret);
  }
  return res.body.data;
};
const check = (ok: boolean, message: RegExp | string) => ({
  ok,
  message: typeof message === 'string' ? message : expect.stringMatching(message),
  durationMs: expect.any(Number),
});
const imap = (overrides: Record<string, unknown> = {}) => ({
  incomingProtocol: 'imap',
  incomingHost: '127.0.0.1',
  incomingPort: dovecot.ports.imap,
  incomingSecurity: 'starttls',
  incomingUsername: dovecot.user,
  incomingPassword: dovecot.password,
  tlsRejectUnauthorized: false,
  ...overrides,
});

describe('verify', () => {
  it('succeeds for SMTP with login, and records the check on the server', async () => {
    const server = await create({});
    const get = async () => (await app.as().get(`/email-server/servers/${server.documentId}`)).body.data;
    expect(await get()).toMatchObject({ lastCheckAt: null, lastCheckOk: null });
    expect(await verify(server.documentId)).toEqual({
      outgoing: check(true, `Connected to 127.0.0.1:${smtp.port} and logged in.`),
      incoming: null,
    });
    const stored = await get();
    expect(stored).toMatchObject({ lastCheckOk: true, lastCheckMessage: null, lastCheckAt: expect.any(String) });
    // Each check is recorded: a second one moves the time on.
    await verify(server.documentId);
    expect(Date.parse((await get()).lastCheckAt)).toBeGreaterThan(Date.parse(stored.lastCheckAt));
    // A check is not an edit.
    expect(stored.updatedAt).toBe(server.updatedAt);
  });

  it('reports a wrong password as an authentication failure, and stores it', async () => {
    const server = await create({ smtpPassword: 'Wrong-Secret-2' });
    const result = await verify(server.documentId);
    expect(result.outgoing).toEqual(check(false, `Authentication failed on 127.0.0.1:${smtp.port}: check the username and password.`));
    const list = (await app.as().get('/email-server/servers')).body.data;
    expect(list.find((s: any) => s.documentId === server.documentId)).toMatchObject({
      lastCheckOk: false,
      lastCheckMessage: expect.stringContaining('Authentication failed'),
    });
  });

  it('reports a refused connection and a hung server with host:port', async () => {
    const unused = await freePort();
    const refused = await create({ smtpPort: unused });
    expect((await verify(refused.documentId)).outgoing).toEqual(
      check(false, `Connection refused on 127.0.0.1:${unused}: is the server running and the port right?`)
    );
    const hung = await create({ smtpPort: silentPort });
    expect((await verify(hung.documentId)).outgoing).toEqual(check(false, `Connection timed out on 127.0.0.1:${silentPort}.`));
  });

  it('reports an untrusted certificate, and passes once verification is off', async () => {
    const server = await create({ smtpPort: tlsSmtp.port, smtpSecurity: 'tls' });
    expect((await verify(server.documentId)).outgoing).toEqual(check(false, /^Certificate not trusted on 127\.0\.0\.1:\d+/));
    // Turning the check off sends the password to a host nobody vouched for: it is asked again.
    const updated = await app.as().put(`/email-server/servers/${server.documentId}`).send({ tlsRejectUnauthorized: false, smtpPassword: 'Relay-Secret-1' });
    expect(updated.status).toBe(200);
    expect((await verify(server.documentId)).outgoing.ok).toBe(true);
  });

  it.each([
    ['IMAP with STARTTLS', () => imap()],
    ['IMAP over TLS', () => imap({ incomingPort: dovecot.ports.imaps, incomingSecurity: 'tls' })],
    ['POP3 with STLS', () => imap({ incomingProtocol: 'pop3', incomingPort: dovecot.ports.pop3 })],
    ['POP3 over TLS', () => imap({ incomingProtocol: 'pop3', incomingPort: dovecot.ports.pop3s, incomingSecurity: 'tls' })],
  ])('logs in to real Dovecot: %s', async (_what, incoming) => {
    const server = await create(incoming());
    const result = await verify(server.documentId);
    expect(result.outgoing.ok).toBe(true);
    expect(result.incoming).toEqual(check(true, /logged in to 127\.0\.0\.1:\d+/));
  });

  it.each([
    ['IMAP', 'imap', () => dovecot.ports.imap],
    ['POP3', 'pop3', () => dovecot.ports.pop3],
  ])('reports a wrong %s password, and an untrusted Dovecot certificate', async (label, protocol, port) => {
    const server = await create(imap({ incomingProtocol: protocol, incomingPort: port(), incomingPassword: 'Wrong-Secret-2' }));
    const result = await verify(server.documentId);
    expect(result.incoming).toEqual(check(false, `${label}: Authentication failed on 127.0.0.1:${port()}: check the username and password.`));
    const stored = (await app.as().get(`/email-server/servers/${server.documentId}`)).body.data;
    expect(stored.lastCheckOk).toBe(false);

    await app.as().put(`/email-server/servers/${server.documentId}`).send({ incomingPassword: dovecot.password, tlsRejectUnauthorized: true });
    const untrusted = await verify(server.documentId);
    expect(untrusted.incoming).toEqual(check(false, new RegExp(`^${label}: Certificate not trusted on 127\\.0\\.0\\.1:${port()}`)));
  });

  it('checks a SendGrid token with a read-only call and sends nothing', async () => {
    const good = await create({ type: 'sendgrid', apiToken: 'SG.good' });
    sendgrid.requests.length = 0;
    expect(await verify(good.documentId)).toEqual({ outgoing: check(true, 'SendGrid accepted the API token.'), incoming: null });
    expect(sendgrid.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v3/scopes']);

    const bad = await create({ type: 'sendgrid', apiToken: 'SG.bad' });
    expect((await verify(bad.documentId)).outgoing).toEqual(
      check(false, 'SendGrid rejected the API token: check that it is valid and has the Mail Send permission.')
    );
    const readOnly = await create({ type: 'sendgrid', apiToken: 'SG.read-only' });
    expect((await verify(readOnly.documentId)).outgoing).toEqual(
      check(false, 'The SendGrid API token is valid but lacks the Mail Send permission.')
    );
  });

  it('is a 404 for an unknown server', async () => {
    expect((await app.as().post('/email-server/servers/nope/verify').send({})).status).toBe(404);
  });
});

describe('test-email', () => {
  it('sends a real test mail and returns its messageId', async () => {
    const server = await create({ senderName: 'Support' });
    const before = smtp.received.length;
    const res = await app.as().post(`/email-server/servers/${server.documentId}/test-email`).send({ to: 'me@example.org' });
    expect(res.status).toBe(200);
    expect(res.body.data.messageId).toMatch(/^<.+>$/);
    const mail = smtp.received[before];
    expect(mail.rcptTo).toEqual(['me@example.org']);
    expect(mail.mail.from?.value).toEqual([{ address: 'support@example.com', name: 'Support' }]);
    expect(mail.mail.subject).toContain(server.name);
    expect(mail.mail.messageId).toBe(res.body.data.messageId);
  });

  it('validates the address, refuses a disabled server and reports a failure', async () => {
    const server = await create({});
    const url = `/email-server/servers/${server.documentId}/test-email`;
    for (const body of [{}, { to: 'not an address' }, { to: 'a@example.org\r\nBcc: x@example.org' }]) {
      const res = await app.as().post(url).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.details.errors[0].path).toEqual(['to']);
    }
    const extra = await app.as().post(url).send({ to: 'a@example.org', cc: 'b@example.org' });
    expect(extra.status).toBe(400);

    await app.as().put(`/email-server/servers/${server.documentId}`).send({ enabled: false });
    const disabled = await app.as().post(url).send({ to: 'a@example.org' });
    expect(disabled.status).toBe(400);
    expect(disabled.body.error.message).toBe(`The email server "${server.name}" is disabled: enable it to send a test email.`);

    await app.as().put(`/email-server/servers/${server.documentId}`).send({ enabled: true, smtpPassword: 'Wrong-Secret-2' });
    const failed = await app.as().post(url).send({ to: 'a@example.org' });
    expect(failed.status).toBe(400);
    expect(failed.body.error).toMatchObject({ name: 'ApplicationError', message: expect.stringContaining('Authentication failed') });
    expect(failed.text).not.toContain('Wrong-Secret-2');
  });

  it('needs the servers.test action, like verify', async () => {
    const server = await create({});
    const token = await createLimitedAdmin(app, ['plugin::email-server.servers.read', 'plugin::email-server.servers.update']);
    for (const path of ['verify', 'test-email']) {
      const res = await app.http
        .post(`/email-server/servers/${server.documentId}/${path}`)
        .set('Authorization', `Bearer ${token}`)
        .send({ to: 'a@example.org' });
      expect(res.status).toBe(403);
      expect((await app.http.post(`/email-server/servers/${server.documentId}/${path}`).send({})).status).toBe(401);
    }
  });
});
