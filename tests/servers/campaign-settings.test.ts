/**
 * The email server settings added for campaigns: throttle limits, DKIM signing (a secret key,
 * encrypted at rest, used by nodemailer to sign real mail to smtp-sink) and the SendGrid webhook
 * verification key.
 */
import crypto from 'node:crypto';
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';

const UID = 'plugin::email-server.email-server';

let app: TestApp;
let sink: SmtpSink;

const dkimKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const DKIM_PEM = dkimKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
/** Lines of the key's base64 body: none of them may show up anywhere but encrypted. */
const KEY_LINES = DKIM_PEM.split('\n').filter((l) => l && !l.startsWith('-----'));
const WEBHOOK_KEY = crypto
  .generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .publicKey.export({ type: 'spki', format: 'der' })
  .toString('base64');

const responses: string[] = [];
const keep = <T extends { text: string }>(res: T) => {
  responses.push(res.text);
  return res;
};

beforeAll(async () => {
  sink = await startSmtpSink();
  app = await bootStrapi({ EMAIL_SERVER_CAMPAIGNS: 'false' });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await sink?.stop();
});

/**
 * Checks a DKIM-Signature (RFC 6376, relaxed/relaxed, rsa-sha256) against the public key: the
 * body hash and the signature over the signed header fields. Returns what failed, or 'ok'.
 */
const verifyDkim = (raw: string, publicKey: crypto.KeyObject) => {
  const message = raw.replace(/\r?\n/g, '\r\n');
  const split = message.indexOf('\r\n\r\n');
  const fields = message.slice(0, split).split(/\r\n(?![ \t])/);
  const relaxed = (field: string) => {
    const colon = field.indexOf(':');
    const value = field.slice(colon + 1).replace(/\r\n(?=[ \t])/g, '').replace(/[ \t]+/g, ' ').trim();
    return `${field.slice(0, colon).trim().toLowerCase()}:${value}`;
  };
  const signature = fields.find((f) => /^dkim-signature:/i.test(f));
  if (!signature) return 'no DKIM-Signature';
  const tags = Object.fromEntries(
    relaxed(signature).slice('dkim-signature:'.length).split(';').map((t) => t.trim()).filter(Boolean).map((t) => {
      const eq = t.indexOf('=');
      return [t.slice(0, eq).trim(), t.slice(eq + 1).replace(/\s+/g, '')];
    })
  );
  if (tags.c !== 'relaxed/relaxed' || tags.a !== 'rsa-sha256') return `unexpected c=${tags.c} a=${tags.a}`;
  let body = message.slice(split + 4).split('\r\n').map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, '')).join('\r\n');
  body = body.replace(/(\r\n)+$/, '');
  if (body) body += '\r\n';
  if (crypto.createHash('sha256').update(body).digest('base64') !== tags.bh) return 'body hash differs';
  const used = new Map<string, number>();
  let signed = '';
  for (const name of tags.h.split(':').map((n: string) => n.toLowerCase())) {
    const matches = fields.filter((f) => f.slice(0, f.indexOf(':')).trim().toLowerCase() === name);
    const n = used.get(name) ?? 0;
    used.set(name, n + 1);
    const field = matches[matches.length - 1 - n];
    if (field) signed += `${relaxed(field)}\r\n`;
  }
  signed += relaxed(signature).replace(/(;\s*b=)[^;]*/, '$1');
  return crypto.verify('sha256', Buffer.from(signed), publicKey, Buffer.from(tags.b, 'base64')) ? 'ok' : 'signature does not verify';
};

let counter = 0;
const smtp = (overrides: Record<string, unknown> = {}) => ({
  name: `Relay ${++counter}`,
  type: 'smtp',
  senderEmail: 'news@example.com',
  smtpHost: '127.0.0.1',
  smtpPort: sink.port,
  smtpSecurity: 'none',
  ...overrides,
});
const create = async (body: Record<string, unknown>) => keep(await app.as().post('/email-server/servers').send(body));
const errorPaths = (res: { body: any }) => (res.body?.error?.details?.errors ?? []).map((e: any) => e.path.join('.')).sort();
const row = (documentId: string) => app.strapi.db.query(UID).findOne({ where: { documentId } });

it('defaults to 50 messages per second and 5 connections', async () => {
  const created = await create(smtp());
  expect(created.status).toBe(201);
  expect(created.body.data).toMatchObject({ rateLimitPerSecond: 50, maxConnections: 5 });
  const sg = await create({ name: 'SG defaults', type: 'sendgrid', senderEmail: 'news@example.com', apiToken: 'SG.some-token' });
  expect(sg.status).toBe(201);
  expect(sg.body.data).toMatchObject({ rateLimitPerSecond: 50, maxConnections: 5 });
  const read = await app.as().get(`/email-server/servers/${created.body.data.documentId}`);
  expect(read.body.data).toMatchObject({ rateLimitPerSecond: 50, maxConnections: 5 });
});

it('takes limits within range and refuses others on their field', async () => {
  const edge = await create(smtp({ rateLimitPerSecond: 100_000, maxConnections: 50 }));
  expect(edge.status).toBe(201);
  expect(edge.body.data).toMatchObject({ rateLimitPerSecond: 100_000, maxConnections: 50 });
  const low = await create(smtp({ rateLimitPerSecond: 1, maxConnections: 1 }));
  expect(low.body.data).toMatchObject({ rateLimitPerSecond: 1, maxConnections: 1 });

  for (const [field, value] of [
    ['rateLimitPerSecond', 0],
    ['rateLimitPerSecond', 100_001],
    ['rateLimitPerSecond', 2.5],
    ['rateLimitPerSecond', 'fast'],
    ['maxConnections', 0],
    ['maxConnections', 51],
    ['maxConnections', -3],
  ] as const) {
    const res = await create(smtp({ [field]: value }));
    expect([field, value, res.status, errorPaths(res)]).toEqual([field, value, 400, [field]]);
  }
  const message = (await create(smtp({ maxConnections: 51 }))).body.error.details.errors[0].message;
  expect(message).toBe('Must be a whole number between 1 and 50.');

  // An update is checked the same way and leaves the stored value alone.
  const id = low.body.data.documentId;
  const bad = keep(await app.as().put(`/email-server/servers/${id}`).send({ rateLimitPerSecond: 0 }));
  expect(bad.status).toBe(400);
  expect(errorPaths(bad)).toEqual(['rateLimitPerSecond']);
  expect((await app.as().get(`/email-server/servers/${id}`)).body.data.rateLimitPerSecond).toBe(1);
});

it('wants the DKIM domain, selector and key together, and a PEM key', async () => {
  const noKey = await create(smtp({ dkimDomain: 'example.com', dkimSelector: 'mail' }));
  expect(noKey.status).toBe(400);
  expect(errorPaths(noKey)).toEqual(['dkimPrivateKey']);

  const keyOnly = await create(smtp({ dkimPrivateKey: DKIM_PEM }));
  expect(keyOnly.status).toBe(400);
  expect(errorPaths(keyOnly)).toEqual(['dkimDomain', 'dkimSelector']);

  const notPem = await create(smtp({ dkimDomain: 'example.com', dkimSelector: 'mail', dkimPrivateKey: 'secret-but-not-a-key' }));
  expect(notPem.status).toBe(400);
  expect(errorPaths(notPem)).toEqual(['dkimPrivateKey']);

  const badSelector = await create(smtp({ dkimDomain: 'example.com', dkimSelector: 'mail selector', dkimPrivateKey: DKIM_PEM }));
  expect(badSelector.status).toBe(400);
  expect(errorPaths(badSelector)).toEqual(['dkimSelector']);
});

it('stores a DKIM key encrypted, never answers it, and signs mail with it', async () => {
  const created = await create(smtp({ name: 'Signed', dkimDomain: 'example.com', dkimSelector: 's2026', dkimPrivateKey: DKIM_PEM }));
  expect(created.status).toBe(201);
  expect(created.body.data).toMatchObject({ dkimDomain: 'example.com', dkimSelector: 's2026', dkimPrivateKeySet: true });
  expect(created.body.data).not.toHaveProperty('dkimPrivateKey');
  const id = created.body.data.documentId;

  const stored = await row(id);
  expect(stored.dkimPrivateKey).toBeTruthy();
  expect(stored.dkimPrivateKey).not.toContain('PRIVATE KEY');
  expect(app.strapi.plugin('email-server').service('secrets').decrypt(stored.dkimPrivateKey)).toBe(DKIM_PEM);

  // Another edit keeps the key; the selector can change on its own.
  const edited = keep(await app.as().put(`/email-server/servers/${id}`).send({ dkimSelector: 'mail', senderName: 'Signed news' }));
  expect(edited.status).toBe(200);
  expect(edited.body.data).toMatchObject({ dkimSelector: 'mail', dkimPrivateKeySet: true });
  keep(await app.as().get(`/email-server/servers/${id}`));
  keep(await app.as().get('/email-server/servers'));

  const mailer = app.strapi.plugin('email-server').service('mailer');
  await mailer.send({ server: 'Signed', to: 'reader@example.org', subject: 'Signed mail', text: 'This one carries a signature.' });
  const [mail] = await sink.waitForMessages(1);
  const headers = mail.raw.slice(0, mail.raw.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, ' ');
  const signature = /^DKIM-Signature: (.*)$/im.exec(headers)?.[1];
  expect(signature).toBeDefined();
  const tags = Object.fromEntries(signature!.split(';').map((t) => t.trim().split('=')).filter((t) => t[0]).map(([k, ...v]) => [k, v.join('=').replace(/\s+/g, '')]));
  expect(tags).toMatchObject({ v: '1', a: 'rsa-sha256', d: 'example.com', s: 'mail' });
  expect(tags.b.length).toBeGreaterThan(300); // a 2048-bit RSA signature in base64
  expect(tags.h.toLowerCase().split(':')).toEqual(expect.arrayContaining(['from', 'to', 'subject']));
  expect(mail.mail.subject).toBe('Signed mail');
  // The signature holds up against the public half of the key.
  expect(verifyDkim(mail.raw, dkimKey.publicKey)).toBe('ok');
  // ...and not against another key, nor after the body was changed on the way.
  expect(verifyDkim(mail.raw, crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey)).toBe('signature does not verify');
  expect(verifyDkim(mail.raw.replace('carries a signature', 'carries a forgery'), dkimKey.publicKey)).toBe('body hash differs');
});

it('drops DKIM settings on a SendGrid server and the webhook key on an SMTP server', async () => {
  const sg = await create({
    name: 'SG no DKIM',
    type: 'sendgrid',
    senderEmail: 'news@example.com',
    apiToken: 'SG.other-token',
    dkimDomain: 'example.com',
    dkimSelector: 'mail',
    dkimPrivateKey: DKIM_PEM,
    webhookPublicKey: WEBHOOK_KEY,
  });
  expect(sg.status).toBe(201);
  expect(sg.body.data).toMatchObject({ dkimDomain: null, dkimSelector: null, dkimPrivateKeySet: false, webhookPublicKey: WEBHOOK_KEY });
  expect((await row(sg.body.data.documentId)).dkimPrivateKey).toBeNull();

  const plain = await create(smtp({ webhookPublicKey: WEBHOOK_KEY }));
  expect(plain.status).toBe(201);
  expect(plain.body.data.webhookPublicKey).toBeNull();
  expect((await row(plain.body.data.documentId)).webhookPublicKey).toBeNull();

  const badKey = await create({ name: 'SG bad key', type: 'sendgrid', senderEmail: 'news@example.com', apiToken: 'SG.x', webhookPublicKey: 'not a key' });
  expect(badKey.status).toBe(400);
  expect(errorPaths(badKey)).toEqual(['webhookPublicKey']);
});

it('never answers the DKIM key and never stores it in plaintext', async () => {
  expect(responses.length).toBeGreaterThan(10);
  for (const text of responses) {
    for (const line of KEY_LINES) expect(text).not.toContain(line);
  }
  const dump = await app.db.dump(app.strapi);
  expect(dump).toContain('Signed news'); // the dump really holds the rows
  for (const line of KEY_LINES) expect(dump).not.toContain(line);
});

it('refuses keys that have the right shape but do not load', async () => {
  // A PEM block whose body is not a key.
  const broken = `-----BEGIN PRIVATE KEY-----\n${'QUFB'.repeat(40)}\n-----END PRIVATE KEY-----\n`;
  const res = await create(smtp({ dkimDomain: 'example.com', dkimSelector: 'mail', dkimPrivateKey: broken }));
  expect(res.status).toBe(400);
  expect(errorPaths(res)).toEqual(['dkimPrivateKey']);

  // An RSA public key is a public key, but SendGrid signs with ECDSA.
  const rsaPublic = dkimKey.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const sg = await create({ name: `SG ${++counter}`, type: 'sendgrid', senderEmail: 'news@example.com', apiToken: 'SG.x-token', webhookPublicKey: rsaPublic });
  expect(sg.status).toBe(400);
  expect(errorPaths(sg)).toEqual(['webhookPublicKey']);
  expect(sg.body.error.details.errors[0].message).toMatch(/not an ECDSA public key/);
});
