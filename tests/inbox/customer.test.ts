/**
 * The customer's records: a conversation shows the entries of the contact sources whose email is
 * the customer's (any case), with the Content Manager's title and path, only for agents who may
 * read them there; `known` filters the list by it. Misconfigured sources are left out.
 */
import crypto from 'node:crypto';
import { helpdeskOnDovecot } from '../helpers/inbox';
import { mail } from '../helpers/mails';
import { ADMIN_PASSWORD, type TestApp } from '../helpers/strapi';

const USER = 'plugin::users-permissions.user';
let helpdesk: Awaited<ReturnType<typeof helpdeskOnDovecot>>;
let app: TestApp;
const users: Record<string, any> = {};

/** An admin whose role has exactly these permissions (actions with a subject and fields). */
const adminWith = async (permissions: Array<{ action: string; subject?: string; fields?: string[]; conditions?: string[] }>) => {
  const suffix = crypto.randomBytes(4).toString('hex');
  const role = await app.strapi.service('admin::role').create({ name: `Agents ${suffix}`, description: 'Test role' });
  await app.strapi.service('admin::role').assignPermissions(
    role.id,
    permissions.map(({ action, subject, fields, conditions }) => ({ action, subject: subject ?? null, conditions: conditions ?? [], properties: fields ? { fields } : {} }))
  );
  const email = `agent-${suffix}@example.com`;
  await app.strapi.service('admin::user').create({ email, firstname: 'A', lastname: 'Gent', password: ADMIN_PASSWORD, isActive: true, roles: [role.id] });
  const login = await app.http.post('/admin/login').send({ email, password: ADMIN_PASSWORD });
  expect(login.status).toBe(200);
  return login.body.data.token as string;
};

const conversationOf = async (subject: string) => {
  const res = await app.as().get('/email-server/conversations').query({ q: subject });
  return res.body.data.find((c: any) => c.subject === subject);
};
const customer = (documentId: string, token?: string) => app.as(token).get(`/email-server/conversations/${documentId}/customer`);
const subjects = async (query: Record<string, string>, token?: string) => {
  const res = await app.as(token).get('/email-server/conversations').query(query);
  expect(res.status).toBe(200);
  return res.body.data.map((c: any) => c.subject).sort();
};

beforeAll(async () => {
  // The users and two sources that cannot work: an unknown content type and one without an email.
  process.env.EMAIL_SERVER_CONTACT_SOURCES = JSON.stringify([{ uid: 'api::nope.nope' }, { uid: 'plugin::users-permissions.role' }, { uid: USER }]);
  helpdesk = await helpdeskOnDovecot();
  app = helpdesk.app;
  const role = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
  for (const [username, email] of [
    ['dana', 'dana@customer.example'],
    ['erin', 'Erin.Mixed@Customer.Example'],
  ]) {
    users[username] = await app.strapi.documents(USER).create({ data: { username, email, password: 'User-password-1', confirmed: true, role: role.id } as any });
  }
  const { dovecot, box } = helpdesk;
  dovecot.deliver(mail({ subject: 'Dana asks', from: 'Dana <dana@customer.example>' }), box);
  dovecot.deliver(mail({ subject: 'Erin asks', from: 'Erin <erin.mixed@customer.example>' }), box);
  dovecot.deliver(mail({ subject: 'Stranger asks', from: 'Sam <sam@elsewhere.example>' }), box);
  await helpdesk.fetchExpecting(3);
}, 180_000);
afterAll(async () => {
  delete process.env.EMAIL_SERVER_CONTACT_SOURCES;
  await helpdesk?.stop();
});

it("shows the user whose email is the sender's, with the Content Manager's title and path", async () => {
  const dana = await conversationOf('Dana asks');
  const res = await customer(dana.documentId);
  expect(res.status).toBe(200);
  expect(res.body.data).toEqual([
    {
      contentType: USER,
      contentTypeName: 'User',
      documentId: users.dana.documentId,
      title: 'dana',
      email: 'dana@customer.example',
      path: `/content-manager/collection-types/${USER}/${users.dana.documentId}`,
    },
  ]);
});

it('matches the address in any case, and shows nothing for a stranger', async () => {
  const erin = await conversationOf('Erin asks');
  expect((await customer(erin.documentId)).body.data).toEqual([
    expect.objectContaining({ documentId: users.erin.documentId, email: 'Erin.Mixed@Customer.Example', title: 'erin' }),
  ]);
  const stranger = await conversationOf('Stranger asks');
  const res = await customer(stranger.documentId);
  expect(res.status).toBe(200);
  expect(res.body.data).toEqual([]);
  expect((await customer('no-such-conversation')).status).toBe(404);
});

it('filters the list by known and unknown customers', async () => {
  expect(await subjects({ known: 'true' })).toEqual(['Dana asks', 'Erin asks']);
  expect(await subjects({ known: 'false' })).toEqual(['Stranger asks']);
  expect(await subjects({ known: 'true', q: 'erin' })).toEqual(['Erin asks']);
  expect(await subjects({ known: 'false', q: 'erin' })).toEqual([]);
  expect((await app.as().get('/email-server/conversations').query({ known: 'maybe' })).status).toBe(400);
});

it("shows an agent only the records they may read in the Content Manager", async () => {
  const dana = await conversationOf('Dana asks');
  const inboxOnly = await adminWith([{ action: 'plugin::email-server.inbox.read' }]);
  const blind = await customer(dana.documentId, inboxOnly);
  expect(blind.status).toBe(200);
  expect(blind.body.data).toEqual([]);
  // Without a readable source nobody is known, and the list says so.
  expect(await subjects({ known: 'true' }, inboxOnly)).toEqual([]);
  expect(await subjects({ known: 'false' }, inboxOnly)).toEqual(['Dana asks', 'Erin asks', 'Stranger asks']);

  const reader = await adminWith([
    { action: 'plugin::email-server.inbox.read' },
    { action: 'plugin::content-manager.explorer.read', subject: USER, fields: ['username', 'email'] },
  ]);
  expect((await customer(dana.documentId, reader)).body.data).toEqual([expect.objectContaining({ documentId: users.dana.documentId, title: 'dana' })]);
  expect(await subjects({ known: 'true' }, reader)).toEqual(['Dana asks', 'Erin asks']);

  // Reading users but not their email field: matching on it would tell what it holds.
  const noEmail = await adminWith([
    { action: 'plugin::email-server.inbox.read' },
    { action: 'plugin::content-manager.explorer.read', subject: USER, fields: ['username'] },
  ]);
  expect((await customer(dana.documentId, noEmail)).body.data).toEqual([]);

  const noInbox = await adminWith([{ action: 'plugin::content-manager.explorer.read', subject: USER, fields: ['username', 'email'] }]);
  expect((await customer(dana.documentId, noInbox)).status).toBe(403);
});

it('applies the conditions of the read permission ("Is creator") to the records and leaves such a source out of known', async () => {
  const dana = await conversationOf('Dana asks');
  const creatorOnly = await adminWith([
    { action: 'plugin::email-server.inbox.read' },
    { action: 'plugin::content-manager.explorer.read', subject: USER, fields: ['username', 'email'], conditions: ['admin::is-creator'] },
  ]);
  // Dana was created by nobody in the admin, so not by this agent.
  const res = await customer(dana.documentId, creatorOnly);
  expect(res.status).toBe(200);
  expect(res.body.data).toEqual([]);
  expect(await subjects({ known: 'true' }, creatorOnly)).toEqual([]);
  expect(await subjects({ known: 'false' }, creatorOnly)).toEqual(['Dana asks', 'Erin asks', 'Stranger asks']);

  // Once the agent is Dana's creator, the panel shows her.
  const me = await app.as(creatorOnly).get('/admin/users/me');
  expect(me.status).toBe(200);
  await app.strapi.db.query(USER).update({ where: { id: users.dana.id }, data: { createdBy: me.body.data.id } });
  try {
    expect((await customer(dana.documentId, creatorOnly)).body.data).toEqual([expect.objectContaining({ documentId: users.dana.documentId, title: 'dana' })]);
  } finally {
    await app.strapi.db.query(USER).update({ where: { id: users.dana.id }, data: { createdBy: null } });
  }
});

it('fills in the customer of conversations stored before the filter existed', async () => {
  const table = app.strapi.db.metadata.get('plugin::email-server.conversation' as any);
  const column = (table.attributes as any).customerEmail.columnName ?? 'customerEmail';
  await app.strapi.db.connection(table.tableName).update({ [column]: null });
  await app.strapi.db.connection('email_server_backfill').where({ job: 'customer-email' }).delete();
  expect(await subjects({ known: 'true' })).toEqual([]);
  await app.strapi.plugin('email-server').service('inbox-customer').backfill();
  expect(await subjects({ known: 'true' })).toEqual(['Dana asks', 'Erin asks']);
  expect(await subjects({ known: 'false' })).toEqual(['Stranger asks']);
});
