import { bootStrapi, type TestApp } from '../helpers/strapi';
import { sendgridServer, smtpServer, smtpWithImap } from '../helpers/fixtures';

let app: TestApp;
beforeAll(async () => {
  app = await bootStrapi();
}, 120_000);
afterAll(async () => app?.close());
afterEach(async () => {
  await app.strapi.db.query('plugin::email-server.email-server').deleteMany({});
});

const post = (body: unknown) => app.as().post('/email-server/servers').send(body as object);
const long = (n: number) => 'a'.repeat(n);

/** [what, body, the field the 400 must name] */
const invalid: Array<[string, Record<string, unknown>, string]> = [
  ['missing name', smtpServer({ name: undefined }), 'name'],
  ['blank name', smtpServer({ name: '   ' }), 'name'],
  ['name over 100 chars', smtpServer({ name: long(101) }), 'name'],
  ['name with a line break', smtpServer({ name: 'a\nb' }), 'name'],
  ['missing type', smtpServer({ type: undefined }), 'type'],
  ['unknown type', smtpServer({ type: 'mailgun' }), 'type'],
  ['missing sender email', smtpServer({ senderEmail: undefined }), 'senderEmail'],
  ['sender email without @', smtpServer({ senderEmail: 'support.example.com' }), 'senderEmail'],
  ['sender email with CRLF header injection', smtpServer({ senderEmail: 'a@example.com\r\nBcc: victim@example.org' }), 'senderEmail'],
  ['sender email with a display name', smtpServer({ senderEmail: 'Support <support@example.com>' }), 'senderEmail'],
  ['sender email with two addresses', smtpServer({ senderEmail: 'a@example.com,b@example.com' }), 'senderEmail'],
  ['sender email with a quoted local part', smtpServer({ senderEmail: '"a b"@example.com' }), 'senderEmail'],
  ['sender email over 254 chars', smtpServer({ senderEmail: `${long(250)}@example.com` }), 'senderEmail'],
  ['sender name with a line break', smtpServer({ senderName: 'Support\r\nBcc: x@example.org' }), 'senderName'],
  ['sender name over 100 chars', smtpServer({ senderName: long(101) }), 'senderName'],
  ['reply-to with a display name', smtpServer({ replyTo: 'Help <help@example.com>' }), 'replyTo'],
  ['reply-to with a line break', smtpServer({ replyTo: 'help@example.com\nX: y' }), 'replyTo'],
  ['SendGrid without a token', sendgridServer({ apiToken: undefined }), 'apiToken'],
  ['SendGrid with an empty token', sendgridServer({ apiToken: '' }), 'apiToken'],
  ['token over 1024 chars', sendgridServer({ apiToken: long(1025) }), 'apiToken'],
  ['SMTP without host', smtpServer({ smtpHost: undefined }), 'smtpHost'],
  ['SMTP host with a scheme', smtpServer({ smtpHost: 'smtp://smtp.example.com' }), 'smtpHost'],
  ['SMTP host with a space', smtpServer({ smtpHost: 'smtp example.com' }), 'smtpHost'],
  ['SMTP host with a port', smtpServer({ smtpHost: 'smtp.example.com:587' }), 'smtpHost'],
  ['SMTP host that is a bad IPv4 address', smtpServer({ smtpHost: '300.1.1.1' }), 'smtpHost'],
  ['SMTP host over 253 chars', smtpServer({ smtpHost: `${long(63)}.${long(63)}.${long(63)}.${long(63)}.com` }), 'smtpHost'],
  ['SMTP without port', smtpServer({ smtpPort: undefined }), 'smtpPort'],
  ['SMTP port 0', smtpServer({ smtpPort: 0 }), 'smtpPort'],
  ['SMTP port 65536', smtpServer({ smtpPort: 65536 }), 'smtpPort'],
  ['SMTP port negative', smtpServer({ smtpPort: -25 }), 'smtpPort'],
  ['SMTP port not an integer', smtpServer({ smtpPort: 25.5 }), 'smtpPort'],
  ['SMTP port not a number', smtpServer({ smtpPort: 'smtp' }), 'smtpPort'],
  ['unknown SMTP security', smtpServer({ smtpSecurity: 'ssl3' }), 'smtpSecurity'],
  ['SMTP password without username', smtpServer({ smtpUsername: undefined }), 'smtpUsername'],
  ['SMTP username without password', smtpServer({ smtpPassword: undefined }), 'smtpPassword'],
  ['SMTP password with a line break', smtpServer({ smtpPassword: 'a\r\nb' }), 'smtpPassword'],
  ['unknown incoming protocol', smtpWithImap({ incomingProtocol: 'exchange' }), 'incomingProtocol'],
  ['incoming without host', smtpWithImap({ incomingHost: undefined }), 'incomingHost'],
  ['incoming host with a scheme', smtpWithImap({ incomingHost: 'imaps://imap.example.com' }), 'incomingHost'],
  ['incoming without port', smtpWithImap({ incomingPort: undefined }), 'incomingPort'],
  ['incoming port 70000', smtpWithImap({ incomingPort: 70000 }), 'incomingPort'],
  ['incoming port not an integer', smtpWithImap({ incomingPort: 993.1 }), 'incomingPort'],
  ['incoming without username', smtpWithImap({ incomingUsername: undefined }), 'incomingUsername'],
  ['incoming without password', smtpWithImap({ incomingPassword: undefined }), 'incomingPassword'],
  ['unknown incoming security', smtpWithImap({ incomingSecurity: 'yes' }), 'incomingSecurity'],
  ['incoming folder over 255 chars', smtpWithImap({ incomingFolder: long(256) }), 'incomingFolder'],
  ['poll interval under 10 s', smtpWithImap({ pollIntervalSeconds: 5 }), 'pollIntervalSeconds'],
  ['poll interval not an integer', smtpWithImap({ pollIntervalSeconds: 30.5 }), 'pollIntervalSeconds'],
  ['isDefault not a boolean', smtpServer({ isDefault: 'maybe' }), 'isDefault'],
  ['enabled not a boolean', smtpServer({ enabled: 'sometimes' }), 'enabled'],
  ['an unknown key', smtpServer({ role: 'admin' }), 'role'],
  ['a read-only key', smtpServer({ documentId: 'abc' }), 'documentId'],
  ['a *Set flag', smtpServer({ smtpPasswordSet: true }), 'smtpPasswordSet'],
];

describe('every rule gives a 400 ValidationError naming the field', () => {
  it.each(invalid)('%s', async (_what, body, field) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ status: 400, name: 'ValidationError' });
    const fields = res.body.error.details.errors.map((e: any) => e.path.join('.'));
    expect(fields).toEqual([field]);
    expect(typeof res.body.error.details.errors[0].message).toBe('string');
    // Nothing was stored.
    expect(await app.strapi.db.query('plugin::email-server.email-server').count()).toBe(0);
  });
});

it('names every bad field at once, one entry each', async () => {
  const res = await post({ name: '', type: 'smtp', senderEmail: 'nope', smtpHost: 'a b', smtpPort: 0, extra: 1 });
  expect(res.status).toBe(400);
  const fields = res.body.error.details.errors.map((e: any) => e.path[0]).sort();
  expect(fields).toEqual(['extra', 'name', 'senderEmail', 'smtpHost', 'smtpPort']);
});

it.each([
  ['an array', [smtpServer()]],
  ['a string', 'name=x'],
])('rejects a body that is %s', async (_what, body) => {
  const res = await app.as().post('/email-server/servers').set('Content-Type', 'application/json').send(JSON.stringify(body));
  expect(res.status).toBe(400);
  expect(await app.strapi.db.query('plugin::email-server.email-server').count()).toBe(0);
});

describe('accepted edge values', () => {
  it.each([
    ['an IPv4 host and port 1', { smtpHost: '127.0.0.1', smtpPort: 1 }],
    ['an IPv6 host and port 65535', { smtpHost: '::1', smtpPort: 65535 }],
    ['a single-label host', { smtpHost: 'localhost' }],
    ['a numeric string port', { smtpPort: '2525' }],
    ['no credentials at all', { smtpUsername: undefined, smtpPassword: undefined }],
    ['a 100-char name', { name: long(100) }],
    ['security none', { smtpSecurity: 'none' }],
    ['a plus address', { senderEmail: 'support+news@mail.example.co.uk' }],
  ])('%s', async (_what, overrides) => {
    const res = await post(smtpServer(overrides));
    expect(res.status).toBe(201);
  });

  it('does not echo a rejected secret back in the error', async () => {
    const secret = `pw-${long(1100)}`;
    const res = await post(smtpServer({ smtpPassword: secret }));
    expect(res.status).toBe(400);
    expect(res.text).not.toContain(secret.slice(0, 40));
  });
});

describe('updates are validated against the whole stored server', () => {
  it('rejects a bad port on update and keeps the stored value', async () => {
    const created = (await post(smtpServer())).body.data;
    const res = await app.as().put(`/email-server/servers/${created.documentId}`).send({ smtpPort: 99999 });
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual(['smtpPort']);
    const after = await app.as().get(`/email-server/servers/${created.documentId}`);
    expect(after.body.data.smtpPort).toBe(587);
  });

  it('rejects unknown keys on update', async () => {
    const created = (await post(smtpServer())).body.data;
    const res = await app.as().put(`/email-server/servers/${created.documentId}`).send({ color: 'blue' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual(['color']);
  });

  it('needs a password when a username is added to a server that had none', async () => {
    const created = (await post(smtpServer({ smtpUsername: undefined, smtpPassword: undefined }))).body.data;
    const res = await app.as().put(`/email-server/servers/${created.documentId}`).send({ smtpUsername: 'someone' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual(['smtpPassword']);
  });
});
