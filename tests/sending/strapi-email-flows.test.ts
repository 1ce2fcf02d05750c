/**
 * Strapi's own mail (the email plugin's send and sendTemplatedEmail, users-permissions and admin
 * mails, the email plugin's "send test email") goes out through the default email server, and
 * through Strapi's configured provider when there is none.
 */
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';

let app: TestApp;
let relayA: SmtpSink;
let relayB: SmtpSink;
let fallback: SmtpSink;

beforeAll(async () => {
  [relayA, relayB, fallback] = await Promise.all([startSmtpSink(), startSmtpSink(), startSmtpSink()]);
  app = await bootStrapi({ FALLBACK_SMTP_PORT: String(fallback.port) });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await Promise.all([relayA, relayB, fallback].map((s) => s?.stop()));
});
beforeEach(() => [relayA, relayB, fallback].forEach((s) => s.clear()));

const emailService = () => app.strapi.plugin('email').service('email');
const createServer = async (name: string, sink: SmtpSink, overrides: Record<string, unknown> = {}) => {
  const res = await app
    .as()
    .post('/email-server/servers')
    .send({
      name,
      type: 'smtp',
      senderEmail: `${name.toLowerCase()}@example.com`,
      senderName: `${name} Desk`,
      replyTo: `${name.toLowerCase()}-replies@example.com`,
      smtpHost: '127.0.0.1',
      smtpPort: sink.port,
      smtpSecurity: 'none',
      ...overrides,
    });
  expect(res.status).toBe(201);
  return res.body.data;
};
/** What the server's own GET answers, not what a create or update echoed. */
const isDefault = async (server: { documentId: string }) =>
  (await app.as().get(`/email-server/servers/${server.documentId}`)).body.data.isDefault;

describe('without a default server', () => {
  it("uses Strapi's configured provider unchanged", async () => {
    await emailService().send({ to: 'user@example.org', subject: 'Via provider', text: 'x' });
    const [mail] = await fallback.waitForMessages(1);
    expect(mail.mailFrom).toBe('fallback@example.com');
    expect(mail.mail.subject).toBe('Via provider');
  });
});

describe('with a default server', () => {
  let a: any;
  let b: any;
  beforeAll(async () => {
    a = await createServer('Alpha', relayA, { isDefault: true });
    b = await createServer('Beta', relayB);
  });

  it("send() and sendTemplatedEmail() go through it with the server's sender and reply-to", async () => {
    await emailService().send({ to: 'user@example.org', subject: 'Plain send', text: 'hello' });
    await emailService().sendTemplatedEmail(
      { to: 'user@example.org' },
      { subject: 'Hi <%= name %>', text: 'Hello <%= name %>', html: '<p>Hello <%= name %></p>' },
      { name: 'Ada' }
    );
    const received = await relayA.waitForMessages(2);
    const subjects = received.map((r) => r.mail.subject).sort();
    expect(subjects).toEqual(['Hi Ada', 'Plain send']);
    for (const { mailFrom, mail } of received) {
      expect(mailFrom).toBe('alpha@example.com');
      expect(mail.from?.value).toEqual([{ address: 'alpha@example.com', name: 'Alpha Desk' }]);
      expect(mail.replyTo?.value[0].address).toBe('alpha-replies@example.com');
    }
    // Both sends were awaited, and a send resolves once the relay accepted the mail: anything
    // that went to the fallback instead would be there already.
    expect(await fallback.messages()).toHaveLength(0);
  });

  it("keeps a caller's own from and reply-to", async () => {
    await emailService().send({
      to: 'user@example.org',
      from: 'Sales <sales@example.com>',
      replyTo: 'orders@example.com',
      subject: 'Own sender',
      text: 'x',
    });
    const [{ mail }] = await relayA.waitForMessages(1);
    expect(mail.from?.value).toEqual([{ address: 'sales@example.com', name: 'Sales' }]);
    expect(mail.replyTo?.value[0].address).toBe('orders@example.com');
  });

  it('delivers the users-permissions forgot-password and email confirmation mails', async () => {
    const store = app.strapi.store({ type: 'plugin', name: 'users-permissions', key: 'advanced' });
    await store.set({
      value: {
        ...((await store.get()) as object),
        email_confirmation: true,
        email_confirmation_redirection: 'http://localhost:3000/confirmed',
        email_reset_password: 'http://localhost:3000/reset',
      },
    });

    const registered = await app.http
      .post('/api/auth/local/register')
      .send({ username: 'reader', email: 'reader@example.org', password: 'Reader-password-1' });
    expect(registered.status).toBe(200);
    const [confirmation] = await relayA.waitForMessages(1);
    expect(confirmation.rcptTo).toEqual(['reader@example.org']);
    expect(confirmation.mailFrom).toBe('alpha@example.com');
    expect(confirmation.mail.html).toContain('confirmation');
    relayA.clear();

    const forgot = await app.http.post('/api/auth/forgot-password').send({ email: 'reader@example.org' });
    expect(forgot.status).toBe(200);
    const [reset] = await relayA.waitForMessages(1);
    expect(reset.rcptTo).toEqual(['reader@example.org']);
    expect(reset.mail.from?.value[0].address).toBe('alpha@example.com');
    expect(reset.mail.html).toContain('http://localhost:3000/reset?code=');
    // users-permissions awaits its sends before it answers: nothing is still on its way.
    expect(await fallback.messages()).toHaveLength(0);
  });

  it('delivers the admin forgot-password mail', async () => {
    const res = await app.http.post('/admin/forgot-password').send({ email: 'admin@example.com' });
    expect(res.status).toBe(204);
    const [mail] = await relayA.waitForMessages(1);
    expect(mail.rcptTo).toEqual(['admin@example.com']);
    expect(mail.mailFrom).toBe('alpha@example.com');
    expect(mail.mail.text ?? mail.mail.html).toMatch(/reset-password\?code=/);
  });

  it("the email plugin's own \"send test email\" goes through the default server", async () => {
    const res = await app.as().post('/email/test').send({ to: 'tester@example.org' });
    expect(res.status).toBe(200);
    const [mail] = await relayA.waitForMessages(1);
    expect(mail.rcptTo).toEqual(['tester@example.org']);
    expect(mail.mailFrom).toBe('alpha@example.com');
  });

  it('switching the default switches where mail goes, without a restart', async () => {
    expect([await isDefault(a), await isDefault(b)]).toEqual([true, false]);
    await app.as().put(`/email-server/servers/${b.documentId}`).send({ isDefault: true });
    // Alpha lost the flag when beta became the default.
    expect([await isDefault(a), await isDefault(b)]).toEqual([false, true]);
    await emailService().send({ to: 'user@example.org', subject: 'After switch', text: 'x' });
    const [mail] = await relayB.waitForMessages(1);
    expect(mail.mailFrom).toBe('beta@example.com');
    // The send was awaited: a mail that went to alpha instead would be there already.
    expect(await relayA.messages()).toHaveLength(0);
  });

  it("disabling, then deleting, the default falls back to Strapi's provider", async () => {
    await app.as().put(`/email-server/servers/${b.documentId}`).send({ enabled: false });
    await emailService().send({ to: 'user@example.org', subject: 'Disabled default', text: 'x' });
    await fallback.waitForMessages(1);

    await app.as().put(`/email-server/servers/${b.documentId}`).send({ enabled: true });
    await emailService().send({ to: 'user@example.org', subject: 'Enabled again', text: 'x' });
    await relayB.waitForMessages(1);

    await app.as().delete(`/email-server/servers/${b.documentId}`);
    await emailService().send({ to: 'user@example.org', subject: 'Deleted default', text: 'x' });
    const received = await fallback.waitForMessages(2);
    expect(received.map((r) => r.mail.subject).sort()).toEqual(['Deleted default', 'Disabled default']);
    // Deleting the default made no other server the default.
    expect(await isDefault(a)).toBe(false);
  });
});
