/**
 * Audiences from Strapi content: POST /campaigns/:documentId/recipients { source } adds the
 * entries of a collection type that match Strapi filters, read page by page, with their scalar
 * fields as variables — exactly what the admin could list in the Content Manager: a type or field
 * they may not read is a 403 or left out, and a filter that cannot apply is a 400, never dropped.
 */
import { bootWithSink, createCampaign, recipientsOf, waitForStatus } from '../helpers/campaigns';
import { createLimitedAdmin, type TestApp } from '../helpers/strapi';
import type { SmtpSink } from '../helpers/smtp-sink';

const USER = 'plugin::users-permissions.user';
const READ = 'plugin::content-manager.explorer.read';
const CREATE = 'plugin::email-server.campaigns.create';
const SUBSCRIBERS = { confirmed: { $eq: true }, blocked: { $eq: false } };

let app: TestApp;
let sink: SmtpSink;
let server: { documentId: string; name: string };

const draft = async (as = app.as(), body: Record<string, unknown> = {}) =>
  (await createCampaign(as, { name: 'From users', server: server.documentId, subject: 'Hi {{ username }}', text: 'Hello {{ username }}', ...body })).data;
const importSource = (documentId: string, source: unknown, token?: string) =>
  app.as(token).post(`/email-server/campaigns/${documentId}/recipients`).send({ source });
const countSource = (documentId: string, source: unknown, token?: string) =>
  app.as(token).post(`/email-server/campaigns/${documentId}/recipients/count`).send({ source });

beforeAll(async () => {
  ({ app, sink, server } = await bootWithSink({}));
  const role = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
  const user = (username: string, email: string, confirmed: boolean, blocked: boolean) =>
    app.strapi.db.query(USER).create({ data: { username, email, provider: 'local', confirmed, blocked, role: role.id, password: 'not-a-hash' } });
  await user('ann', 'ann@users.example', true, false);
  await user('bob', 'Bob@Users.example', true, false);
  await user('cid', 'cid@users.example', true, false);
  await user('unconfirmed', 'dan@users.example', false, false);
  await user('blocked', 'eve@users.example', true, true);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await sink?.stop();
});

it('lists the collection types with an email attribute, with the fields that become variables and never a private one', async () => {
  const res = await app.as().get('/email-server/campaigns/sources');
  expect(res.status).toBe(200);
  const users = res.body.data.find((s: any) => s.uid === USER);
  expect(users).toMatchObject({ displayName: 'User', emailFields: ['email'] });
  expect(users.fields).toEqual(expect.arrayContaining(['username', 'email', 'confirmed', 'blocked']));
  // Hidden from the Content Manager's list and edit view, so not readable there either.
  expect(users.fields).not.toContain('provider');
  expect(users.fields).not.toContain('password');
  expect(users.fields).not.toContain('resetPasswordToken');
  expect(users.fields).not.toContain('confirmationToken');
  expect(res.body.data.map((s: any) => s.uid)).not.toContain('admin::user');
  expect(res.body.data.every((s: any) => !s.uid.startsWith('plugin::email-server.'))).toBe(true);
});

it('counts, then imports, the confirmed and not blocked users, and the campaign greets each by name', async () => {
  const campaign = await draft();
  const count = await countSource(campaign.documentId, { contentType: USER, filters: SUBSCRIBERS });
  expect(count.status).toBe(200);
  expect(count.body.data).toEqual({ count: 3 });

  const res = await importSource(campaign.documentId, { contentType: USER, filters: SUBSCRIBERS });
  expect(res.status).toBe(200);
  expect(res.body.data).toEqual({ added: 3, rejected: [] });
  const recipients = await recipientsOf(app.as(), campaign.documentId);
  expect(recipients.map((r) => [r.email, r.data.username, r.data.confirmed])).toEqual([
    ['ann@users.example', 'ann', 'true'],
    ['Bob@Users.example', 'bob', 'true'],
    ['cid@users.example', 'cid', 'true'],
  ]);
  expect(Object.keys(recipients[0].data)).not.toContain('password');

  // Importing again adds nobody: they are already recipients.
  const again = await importSource(campaign.documentId, { contentType: USER, filters: SUBSCRIBERS });
  expect(again.body.data.added).toBe(0);
  expect(again.body.data.rejected.map((r: any) => r.reason)).toEqual(['duplicate address', 'duplicate address', 'duplicate address']);

  sink.clear();
  expect((await app.as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({})).status).toBe(200);
  await waitForStatus(app.as(), campaign.documentId, 'completed');
  const subjects = (await sink.waitForMessages(3)).map((m) => m.mail.subject).sort();
  expect(subjects).toEqual(['Hi ann', 'Hi bob', 'Hi cid']);
});

it('refuses a filter on a field that does not exist or is private (400 on source.filters), and adds nobody', async () => {
  const campaign = await draft();
  for (const filters of [{ confimed: { $eq: true } }, { password: { $startsWith: 'not' } }, { $or: [{ nope: 1 }] }]) {
    const res = await importSource(campaign.documentId, { contentType: USER, filters });
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual(['source.filters']);
    const count = await countSource(campaign.documentId, { contentType: USER, filters });
    expect(count.status).toBe(400);
  }
  expect(await recipientsOf(app.as(), campaign.documentId)).toEqual([]);
});

it('names the field for an unknown content type or email attribute', async () => {
  const campaign = await draft();
  const unknown = await importSource(campaign.documentId, { contentType: 'api::nope.nope' });
  expect(unknown.status).toBe(400);
  expect(unknown.body.error.details.errors[0].path).toEqual(['source.contentType']);
  const notEmail = await importSource(campaign.documentId, { contentType: USER, emailField: 'username' });
  expect(notEmail.status).toBe(400);
  expect(notEmail.body.error.details.errors[0].path).toEqual(['source.emailField']);
  const internal = await importSource(campaign.documentId, { contentType: 'admin::user' });
  expect(internal.status).toBe(400);
});

it('answers 403 to an editor who may not read users in the Content Manager, and adds nobody', async () => {
  const token = await createLimitedAdmin(app, [CREATE, 'plugin::email-server.campaigns.read']);
  const campaign = await draft(app.as(token));
  const sources = await app.as(token).get('/email-server/campaigns/sources');
  expect(sources.status).toBe(200);
  expect(sources.body.data.map((s: any) => s.uid)).not.toContain(USER);
  const res = await importSource(campaign.documentId, { contentType: USER, filters: SUBSCRIBERS }, token);
  expect(res.status).toBe(403);
  expect(res.body.error.message).toMatch(/may not read/);
  expect((await countSource(campaign.documentId, { contentType: USER }, token)).status).toBe(403);
  expect(await recipientsOf(app.as(), campaign.documentId)).toEqual([]);
});

it('gives an editor who may read only some fields only those as variables, and refuses filters on the others', async () => {
  const token = await createLimitedAdmin(app, [CREATE, 'plugin::email-server.campaigns.read', { action: READ, subject: USER, fields: ['email', 'username'] }]);
  const sources = await app.as(token).get('/email-server/campaigns/sources');
  expect(sources.body.data.find((s: any) => s.uid === USER).fields.sort()).toEqual(['email', 'username']);
  const campaign = await draft(app.as(token));
  const hidden = await importSource(campaign.documentId, { contentType: USER, filters: { blocked: { $eq: false } } }, token);
  expect(hidden.status).toBe(400);
  const res = await importSource(campaign.documentId, { contentType: USER, filters: { username: { $in: ['ann', 'bob'] } } }, token);
  expect(res.status).toBe(200);
  expect(res.body.data.added).toBe(2);
  const recipients = await recipientsOf(app.as(), campaign.documentId);
  expect(recipients.map((r) => r.data)).toEqual([{ username: 'ann' }, { username: 'bob' }]);
});

it('reads a large collection page by page: every entry once, rejected rows numbered in read order', async () => {
  const role = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
  const rows = Array.from({ length: 1203 }, (_, i) => ({
    username: `bulk${String(i).padStart(4, '0')}`,
    // Entry 1001 of the bulk users has an address no mail can go to.
    email: i === 1000 ? 'not an address' : `bulk${i}@bulk.example`,
    provider: 'local',
    confirmed: true,
    blocked: false,
    role: role.id,
  }));
  await app.strapi.db.query(USER).createMany({ data: rows });
  const campaign = await draft();
  const source = { contentType: USER, filters: { username: { $startsWith: 'bulk' } } };
  expect((await countSource(campaign.documentId, source)).body.data.count).toBe(1203);
  const res = await importSource(campaign.documentId, source);
  expect(res.status).toBe(200);
  expect(res.body.data.added).toBe(1202);
  expect(res.body.data.rejected).toEqual([{ row: 1001, email: 'not an address', reason: 'not a valid email address: "not an address"' }]);
  const recipients = await recipientsOf(app.as(), campaign.documentId);
  expect(new Set(recipients.map((r) => r.email)).size).toBe(1202);
  expect(recipients[1201]).toMatchObject({ email: 'bulk1202@bulk.example', data: expect.objectContaining({ username: 'bulk1202' }) });
}, 120_000);
