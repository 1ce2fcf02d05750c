import { bootStrapi, createLimitedAdmin, ADMIN_PASSWORD, type TestApp } from '../helpers/strapi';
import { smtpServer } from '../helpers/fixtures';

let app: TestApp;
let documentId: string;
beforeAll(async () => {
  app = await bootStrapi();
  documentId = (await app.as().post('/email-server/servers').send(smtpServer())).body.data.documentId;
}, 120_000);
afterAll(async () => app?.close());

const ACTIONS = {
  read: 'plugin::email-server.servers.read',
  create: 'plugin::email-server.servers.create',
  update: 'plugin::email-server.servers.update',
  delete: 'plugin::email-server.servers.delete',
  test: 'plugin::email-server.servers.test',
  setDefault: 'plugin::email-server.servers.set-default',
};

/** [method, path, body, the action it needs] */
const routes = (): Array<[string, string, object | undefined, string]> => [
  ['get', '/email-server/servers', undefined, ACTIONS.read],
  ['get', `/email-server/servers/${documentId}`, undefined, ACTIONS.read],
  ['post', '/email-server/servers', smtpServer({ name: 'Created by limited admin' }), ACTIONS.create],
  ['put', `/email-server/servers/${documentId}`, { senderName: 'Changed' }, ACTIONS.update],
  ['post', `/email-server/servers/${documentId}/verify`, {}, ACTIONS.test],
  ['post', `/email-server/servers/${documentId}/test-email`, { to: 'a@example.org' }, ACTIONS.test],
  ['post', `/email-server/servers/${documentId}/oauth/start`, {}, ACTIONS.update],
  ['post', `/email-server/servers/${documentId}/oauth/disconnect`, {}, ACTIONS.update],
  ['post', '/email-server/oauth/callback', { state: 'some-state', code: 'some-code' }, ACTIONS.update],
  ['get', '/email-server/oauth/redirect-uri', undefined, ACTIONS.read],
  ['delete', `/email-server/servers/${documentId}`, undefined, ACTIONS.delete],
];

const call = (method: string, path: string, body: object | undefined, token?: string) => {
  const req = (app.http as any)[method](path);
  if (token) req.set('Authorization', `Bearer ${token}`);
  return body ? req.send(body) : req;
};

it('answers 401 on every route without a token, and with a bad one', async () => {
  for (const [method, path, body] of routes()) {
    const anonymous = await call(method, path, body);
    expect([method, path, anonymous.status]).toEqual([method, path, 401]);
    const forged = await call(method, path, body, 'not-a-jwt');
    expect([method, path, forged.status]).toEqual([method, path, 401]);
  }
});

it('answers 403 on every route to an admin whose role lacks that action', async () => {
  const everyOther = (action: string) => Object.values(ACTIONS).filter((a) => a !== action);
  for (const [method, path, body, action] of routes()) {
    const token = await createLimitedAdmin(app, everyOther(action));
    const res = await call(method, path, body, token);
    expect([method, path, res.status]).toEqual([method, path, 403]);
  }
  // None of the refused calls changed anything.
  const list = await app.as().get('/email-server/servers');
  expect(list.body.data.map((s: any) => [s.name, s.senderName])).toEqual([['Support mail', 'Support']]);
});

it('lets an admin with exactly the action through', async () => {
  const reader = await createLimitedAdmin(app, [ACTIONS.read]);
  expect((await call('get', '/email-server/servers', undefined, reader)).status).toBe(200);
  expect((await call('post', '/email-server/servers', smtpServer({ name: 'x' }), reader)).status).toBe(403);
});

it('registers the actions so that they show in Settings → Roles', async () => {
  const res = await app.as().get('/admin/permissions');
  expect(res.status).toBe(200);
  const plugins = res.body.data.sections.plugins.filter((a: any) => a.plugin === 'email-server');
  const bySubCategory = (name: string) => plugins.filter((a: any) => a.subCategory === name).map((a: any) => a.action).sort();
  expect(bySubCategory('Email servers')).toEqual(Object.values(ACTIONS).sort());
  expect(bySubCategory('Inbox')).toEqual([
    'plugin::email-server.inbox.assign',
    'plugin::email-server.inbox.manage',
    'plugin::email-server.inbox.read',
    'plugin::email-server.inbox.reply',
  ]);
  expect(bySubCategory('Campaigns')).toEqual([
    'plugin::email-server.campaigns.create',
    'plugin::email-server.campaigns.read',
    'plugin::email-server.campaigns.send',
    'plugin::email-server.suppressions.update',
    'plugin::email-server.templates.read',
    'plugin::email-server.templates.update',
  ]);
  expect(plugins).toHaveLength(Object.values(ACTIONS).length + 10);
});

it('can be given to the Editor role through the roles API, and an editor then reads the list', async () => {
  const roles = (await app.as().get('/admin/roles')).body.data;
  const editor = roles.find((r: any) => r.code === 'strapi-editor');
  const current = (await app.as().get(`/admin/roles/${editor.id}/permissions`)).body.data;
  const keep = current.map(({ action, subject, properties, conditions }: any) => ({ action, subject, properties, conditions }));
  const granted = await app
    .as()
    .put(`/admin/roles/${editor.id}/permissions`)
    .send({ permissions: [...keep, { action: ACTIONS.read, subject: null, properties: {}, conditions: [] }] });
  expect(granted.status).toBe(200);

  await app.strapi.service('admin::user').create({
    email: 'editor@example.com',
    firstname: 'Ed',
    lastname: 'Itor',
    password: ADMIN_PASSWORD,
    isActive: true,
    roles: [editor.id],
  });
  const login = await app.http.post('/admin/login').send({ email: 'editor@example.com', password: ADMIN_PASSWORD });
  const token = login.body.data.token;
  expect((await call('get', '/email-server/servers', undefined, token)).status).toBe(200);
  expect((await call('delete', `/email-server/servers/${documentId}`, undefined, token)).status).toBe(403);
});

it('the default server\'s fallback and limits, and its fallbacks\' connections, need "Set the default server"', async () => {
  const b = (await app.as().post('/email-server/servers').send(smtpServer({ name: 'Chain B', smtpUsername: null, smtpPassword: null }))).body.data;
  const def = (await app.as().post('/email-server/servers').send(smtpServer({ name: 'The default', isDefault: true }))).body.data;
  const editor = await createLimitedAdmin(app, [ACTIONS.read, ACTIONS.update]);
  // Pointing the default at B with a limit of 1 would send the next password reset through B.
  const retarget = await call('put', `/email-server/servers/${def.documentId}`, { fallbackServer: b.documentId, hourlyLimit: 1 }, editor);
  expect(retarget.status).toBe(403);
  expect((await app.as().put(`/email-server/servers/${def.documentId}`).send({ fallbackServer: b.documentId })).status).toBe(200);
  // Now B carries the default's mail: re-pointing it at another relay needs the permission too.
  const repoint = await call('put', `/email-server/servers/${b.documentId}`, { smtpHost: 'relay.attacker.example' }, editor);
  expect(repoint.status).toBe(403);
  expect(repoint.body.error.message).toMatch(/fallback of the default/);
  const shown = (await app.as().get(`/email-server/servers/${b.documentId}`)).body.data;
  expect(shown.smtpHost).toBe('smtp.example.com');
  // A name is not how it connects: still allowed.
  expect((await call('put', `/email-server/servers/${b.documentId}`, { name: 'Chain B renamed' }, editor)).status).toBe(200);
  await app.as().put(`/email-server/servers/${def.documentId}`).send({ isDefault: false, fallbackServer: null });
  await app.as().delete(`/email-server/servers/${def.documentId}`);
  await app.as().delete(`/email-server/servers/${b.documentId}`);
});
