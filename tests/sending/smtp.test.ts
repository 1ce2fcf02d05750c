/**
 * The mailer service over SMTP, against postfix's smtp-sink and nodemailer's smtp-server.
 */
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { startSmtpServer } from '../helpers/smtp-server';
import { freePort } from '../helpers/net';

let app: TestApp;
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
  app = await bootStrapi();
}, 120_000);
afterAll(async () => {
  await app?.close();
  await sink?.stop();
});
beforeEach(() => sink.clear());
afterEach(async () => {
  for (const s of (await app.as().get('/email-server/servers')).body.data) {
    await app.as().delete(`/email-server/servers/${s.documentId}`);
  }
});

const mailer = () => app.strapi.plugin('email-server').service('mailer');
const createServer = async (overrides: Record<string, unknown> = {}) => {
  const res = await app
    .as()
    .post('/email-server/servers')
    .send({
      name: 'Relay',
      type: 'smtp',
      senderEmail: 'support@example.com',
      senderName: 'Support Team',
      replyTo: 'help@example.com',
      smtpHost: '127.0.0.1',
      smtpPort: sink.port,
      smtpSecurity: 'none',
      isDefault: true,
      ...overrides,
    });
  expect(res.status).toBe(201);
  return res.body.data;
};

it('sends through the default server with its sender and reply-to', async () => {
  await createServer();
  const result = await mailer().send({
    to: ['alice@example.org', 'Bob <bob@example.org>'],
    cc: 'carol@example.org',
    bcc: ['dave@example.org'],
    subject: 'Your order ✓',
    text: 'Plain body',
    html: '<p>HTML body</p>',
    headers: { 'X-Order-Id': '42' },
    attachments: [{ filename: 'invoice.txt', content: 'invoice 42' }],
  });
  expect(result).toEqual({ messageId: expect.stringMatching(/^<.+>$/), server: 'Relay' });

  const [received] = await sink.waitForMessages(1);
  expect(received.mailFrom).toBe('support@example.com');
  expect(received.rcptTo.sort()).toEqual(['alice@example.org', 'bob@example.org', 'carol@example.org', 'dave@example.org']);
  const { mail } = received;
  expect(mail.from?.value).toEqual([{ address: 'support@example.com', name: 'Support Team' }]);
  expect(mail.replyTo?.value[0].address).toBe('help@example.com');
  expect(mail.subject).toBe('Your order ✓');
  expect(mail.text?.trim()).toBe('Plain body');
  expect(mail.html).toContain('<p>HTML body</p>');
  expect(mail.headers.get('x-order-id')).toBe('42');
  expect(mail.headers.get('bcc')).toBeUndefined();
  expect(mail.messageId).toBe(result.messageId);
  expect(mail.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['invoice.txt', 'invoice 42']]);
});

it('lets the caller set reply-to, and picks a server by name or documentId', async () => {
  await createServer({ name: 'Default relay' });
  const other = await createServer({ name: 'Billing', senderEmail: 'billing@example.com', senderName: null, replyTo: null, isDefault: false });

  await mailer().send({ server: 'billing', to: 'a@example.org', subject: 'By name', text: 'x', replyTo: 'desk@example.com' });
  await mailer().send({ server: other.documentId, to: 'a@example.org', subject: 'By id', text: 'x' });
  const received = await sink.waitForMessages(2);
  const bySubject = Object.fromEntries(received.map((r) => [r.mail.subject, r]));
  expect(bySubject['By name'].mail.from?.value[0].address).toBe('billing@example.com');
  expect(bySubject['By name'].mail.replyTo?.value[0].address).toBe('desk@example.com');
  expect(bySubject['By id'].mailFrom).toBe('billing@example.com');
  expect(bySubject['By id'].mail.replyTo).toBeUndefined();
});

it('throws an ApplicationError a person can act on for an unknown, disabled or missing server', async () => {
  await expect(mailer().send({ to: 'a@example.org', subject: 's', text: 't' })).rejects.toMatchObject({
    name: 'ApplicationError',
    message: expect.stringContaining('No default email server'),
  });
  await createServer({ enabled: false });
  await expect(mailer().send({ server: 'relay', to: 'a@example.org', subject: 's', text: 't' })).rejects.toMatchObject({
    name: 'ApplicationError',
    message: 'The email server "Relay" is disabled.',
  });
  await expect(mailer().send({ server: 'nope', to: 'a@example.org', subject: 's', text: 't' })).rejects.toThrow('No email server is named "nope".');
  // A disabled default is no default.
  await expect(mailer().send({ to: 'a@example.org', subject: 's', text: 't' })).rejects.toThrow('No default email server');
});

it('rejects header injection and incomplete messages before anything is sent', async () => {
  await createServer();
  const base = { to: 'a@example.org', subject: 'Hello', text: 'x' };
  await expect(mailer().send({ ...base, subject: 'Hi\r\nBcc: victim@example.org' })).rejects.toThrow('must not contain line breaks');
  await expect(mailer().send({ ...base, headers: { 'X-A': 'b\r\nBcc: victim@example.org' } })).rejects.toThrow('must not contain line breaks');
  await expect(mailer().send({ ...base, to: [] })).rejects.toThrow('at least one recipient');
  await expect(mailer().send({ ...base, text: undefined })).rejects.toThrow('text or an html body');
  // A good mail afterwards, through the same pooled transport, is the only one the sink gets.
  await mailer().send({ ...base, subject: 'The good one' });
  const received = await sink.waitForMessages(1);
  expect(received.map((m) => m.mail.subject)).toEqual(['The good one']);
});

it('reuses one pooled connection across sends, and a port edit redirects the next mail', async () => {
  const smtp = await startSmtpServer();
  try {
    const server = await createServer({ smtpPort: smtp.port });
    for (let i = 0; i < 5; i++) await mailer().send({ to: 'a@example.org', subject: `m${i}`, text: 'x' });
    expect(smtp.received).toHaveLength(5);
    expect(smtp.connections).toBe(1);

    // Edit the port: the next mail goes to the sink, through a rebuilt transport.
    const edited = await app.as().put(`/email-server/servers/${server.documentId}`).send({ smtpPort: sink.port });
    expect(edited.status).toBe(200);
    await mailer().send({ to: 'a@example.org', subject: 'after edit', text: 'x' });
    const [received] = await sink.waitForMessages(1);
    expect(received.mail.subject).toBe('after edit');
    expect(smtp.received).toHaveLength(5);
  } finally {
    await smtp.stop();
  }
});

describe('security and authentication', () => {
  const send = () => mailer().send({ to: 'a@example.org', subject: 'secure', text: 'x' });

  it('implicit TLS with a self-signed certificate fails until verification is turned off', async () => {
    const smtp = await startSmtpServer({ mode: 'tls' });
    try {
      const server = await createServer({ smtpPort: smtp.port, smtpSecurity: 'tls' });
      await expect(send()).rejects.toThrow(/Certificate not trusted on 127\.0\.0\.1:\d+/);
      await app.as().put(`/email-server/servers/${server.documentId}`).send({ tlsRejectUnauthorized: false });
      await send();
      expect(smtp.received).toHaveLength(1);
    } finally {
      await smtp.stop();
    }
  });

  it('STARTTLS is required, not opportunistic', async () => {
    const plain = await startSmtpServer({ mode: 'plain' });
    const starttls = await startSmtpServer({ mode: 'starttls' });
    try {
      const server = await createServer({ smtpPort: plain.port, smtpSecurity: 'starttls', tlsRejectUnauthorized: false });
      await expect(send()).rejects.toThrow(/does not offer STARTTLS/);
      expect(plain.received).toHaveLength(0);
      await app.as().put(`/email-server/servers/${server.documentId}`).send({ smtpPort: starttls.port });
      await send();
      expect(starttls.received).toHaveLength(1);
    } finally {
      await plain.stop();
      await starttls.stop();
    }
  });

  it('logs in with the stored password; a wrong one fails without showing it', async () => {
    const smtp = await startSmtpServer({ auth: { username: 'relay-user', password: 'Relay-Secret-9' } });
    try {
      const server = await createServer({ smtpPort: smtp.port, smtpUsername: 'relay-user', smtpPassword: 'Relay-Secret-9' });
      await send();
      expect(smtp.received).toHaveLength(1);
      expect(smtp.authAttempts).toEqual([{ username: 'relay-user', ok: true }]);

      await app.as().put(`/email-server/servers/${server.documentId}`).send({ smtpPassword: 'Wrong-Secret-8' });
      const error = await send().catch((e) => e);
      expect(error.message).toMatch(/Authentication failed on 127\.0\.0\.1:\d+/);
      expect(error.message).not.toContain('Wrong-Secret-8');
      expect(smtp.received).toHaveLength(1);
    } finally {
      await smtp.stop();
    }
  });
});

describe('failures the relay scripts', () => {
  it.each([
    [550, 'Mailbox unavailable', /550/],
    [451, 'Try again later', /451/],
    [421, 'Service not available', /421/],
  ])('a %i on RCPT TO becomes an ApplicationError naming it', async (code, text, pattern) => {
    const smtp = await startSmtpServer({ rcptError: () => ({ code, message: text }) });
    try {
      await createServer({ smtpPort: smtp.port });
      const error = await mailer().send({ to: 'a@example.org', subject: 's', text: 't' }).catch((e) => e);
      expect(error.name).toBe('ApplicationError');
      expect(error.message).toMatch(pattern);
      expect(error.message).toContain('Sending through "Relay" failed');
    } finally {
      await smtp.stop();
    }
  });

  it('a dropped connection and a refused connection are reported as such', async () => {
    const smtp = await startSmtpServer({ dropOnData: true });
    try {
      const server = await createServer({ smtpPort: smtp.port });
      await expect(mailer().send({ to: 'a@example.org', subject: 's', text: 't' })).rejects.toThrow(/closed unexpectedly|Connection closed/i);
      const unused = await freePort();
      await app.as().put(`/email-server/servers/${server.documentId}`).send({ smtpPort: unused });
      await expect(mailer().send({ to: 'a@example.org', subject: 's', text: 't' })).rejects.toThrow(
        `Connection refused on 127.0.0.1:${unused}`
      );
    } finally {
      await smtp.stop();
    }
  });
});
