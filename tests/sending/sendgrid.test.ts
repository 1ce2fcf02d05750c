/**
 * SendGrid servers: the real @sendgrid/mail and @sendgrid/client against a loopback server that
 * checks requests like SendGrid's v3 API.
 */
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { startFakeSendgrid, type FakeSendgrid } from '../helpers/fake-sendgrid';

let app: TestApp;
let sendgrid: FakeSendgrid;

beforeAll(async () => {
  sendgrid = await startFakeSendgrid();
  sendgrid.tokens.set('SG.token-one', ['mail.send', 'scopes.read']);
  sendgrid.tokens.set('SG.token-two', ['mail.send']);
  app = await bootStrapi({ EMAIL_SERVER_SENDGRID_API_URL: sendgrid.url });
  for (const [name, token, isDefault] of [
    ['Newsletter', 'SG.token-one', true],
    ['Transactional', 'SG.token-two', false],
  ] as const) {
    const res = await app.as().post('/email-server/servers').send({
      name,
      type: 'sendgrid',
      senderEmail: `${name.toLowerCase()}@example.com`,
      senderName: name,
      replyTo: 'replies@example.com',
      apiToken: token,
      isDefault,
    });
    expect(res.status).toBe(201);
  }
}, 120_000);
afterAll(async () => {
  await app?.close();
  await sendgrid?.stop();
});
beforeEach(() => {
  sendgrid.requests.length = 0;
});

const mailer = () => app.strapi.plugin('email-server').service('mailer');
const mailSends = () => sendgrid.requests.filter((r) => r.path === '/v3/mail/send');

it('maps a message onto POST /v3/mail/send with the server token', async () => {
  const result = await mailer().send({
    to: ['alice@example.org', 'Bob <bob@example.org>'],
    cc: 'carol@example.org',
    bcc: 'dave@example.org',
    subject: 'Monthly news',
    text: 'Plain',
    html: '<p>Rich</p>',
    headers: { 'X-Campaign': 'november' },
    categories: ['news'],
    attachments: [{ filename: 'a.txt', content: 'attached text', contentType: 'text/plain' }],
  });
  expect(result).toEqual({ messageId: 'fake-sg-1', server: 'Newsletter' });
  const [request] = mailSends();
  expect(request.headers.authorization).toBe('Bearer SG.token-one');
  expect(request.body).toMatchObject({
    from: { email: 'newsletter@example.com', name: 'Newsletter' },
    reply_to: { email: 'replies@example.com' },
    subject: 'Monthly news',
    content: [
      { type: 'text/plain', value: 'Plain' },
      { type: 'text/html', value: '<p>Rich</p>' },
    ],
    headers: { 'X-Campaign': 'november' },
    categories: ['news'],
    attachments: [{ filename: 'a.txt', type: 'text/plain', disposition: 'attachment', content: Buffer.from('attached text').toString('base64') }],
  });
  expect(request.body.personalizations).toEqual([
    {
      to: [{ email: 'alice@example.org' }, { email: 'bob@example.org', name: 'Bob' }],
      cc: [{ email: 'carol@example.org' }],
      bcc: [{ email: 'dave@example.org' }],
    },
  ]);
});

it('two SendGrid servers with different tokens work side by side', async () => {
  await Promise.all([
    mailer().send({ server: 'Newsletter', to: 'a@example.org', subject: 'one', text: 'x' }),
    mailer().send({ server: 'Transactional', to: 'b@example.org', subject: 'two', text: 'x' }),
    mailer().send({ server: 'Newsletter', to: 'c@example.org', subject: 'three', text: 'x' }),
  ]);
  const bySubject = Object.fromEntries(mailSends().map((r) => [r.body.subject, r]));
  expect(bySubject.one.headers.authorization).toBe('Bearer SG.token-one');
  expect(bySubject.two.headers.authorization).toBe('Bearer SG.token-two');
  expect(bySubject.three.headers.authorization).toBe('Bearer SG.token-one');
  expect(bySubject.two.body.from.email).toBe('transactional@example.com');
});

it("Strapi's email plugin goes through the default SendGrid server", async () => {
  await app.strapi.plugin('email').service('email').send({ to: 'x@example.org', subject: 'via strapi', text: 'x' });
  const [request] = mailSends();
  expect(request.headers.authorization).toBe('Bearer SG.token-one');
  expect(request.body.from.email).toBe('newsletter@example.com');
});

it('a rejected token, an invalid payload and a rate limit become clear ApplicationErrors', async () => {
  const transactional = (await app.as().get('/email-server/servers')).body.data.find((s: any) => s.name === 'Transactional');
  await app.as().put(`/email-server/servers/${transactional.documentId}`).send({ apiToken: 'SG.revoked' });
  const unauthorized = await mailer().send({ server: 'Transactional', to: 'a@example.org', subject: 's', text: 'x' }).catch((e) => e);
  expect(unauthorized.name).toBe('ApplicationError');
  expect(unauthorized.message).toBe('Sending through "Transactional" failed: SendGrid rejected the API token: check that it is valid and has the Mail Send permission.');
  expect(unauthorized.message).not.toContain('SG.revoked');

  // SendGrid refuses reserved headers: its error message reaches the caller.
  const invalid = await mailer()
    .send({ to: 'a@example.org', subject: 's', text: 'x', headers: { 'X-SG-ID': 'forged' } })
    .catch((e) => e);
  expect(invalid.message).toBe('Sending through "Newsletter" failed: SendGrid rejected the message: The header X-SG-ID is reserved and cannot be set.');

  sendgrid.rateLimitNext(1);
  const limited = await mailer().send({ to: 'a@example.org', subject: 's', text: 'x' }).catch((e) => e);
  expect(limited.message).toContain('SendGrid rate limit reached');
});
