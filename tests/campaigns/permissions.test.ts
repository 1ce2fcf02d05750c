/**
 * RBAC on every campaign and suppression route: an admin whose role has every other action of
 * the plugin gets 403, and nothing changes (campaigns, recipients and the suppression list read
 * back afterwards, no mail at the sink).
 */
import { createLimitedAdmin, type TestApp } from '../helpers/strapi';
import type { SmtpSink } from '../helpers/smtp-sink';
import { bootWithSink, createCampaign, recipientHeaders, recipientsOf, waitForStatus } from '../helpers/campaigns';

let app: TestApp;
let sink: SmtpSink;
let server: { documentId: string };
const campaigns: Record<'draft' | 'scheduled' | 'paused', string> = { draft: '', scheduled: '', paused: '' };
let suppression: string;

const ACTIONS = {
  read: 'plugin::email-server.campaigns.read',
  create: 'plugin::email-server.campaigns.create',
  send: 'plugin::email-server.campaigns.send',
  suppressions: 'plugin::email-server.suppressions.update',
};
const OTHER_ACTIONS = [
  'plugin::email-server.servers.read',
  'plugin::email-server.servers.create',
  'plugin::email-server.servers.update',
  'plugin::email-server.servers.delete',
  'plugin::email-server.servers.test',
  'plugin::email-server.inbox.read',
  'plugin::email-server.inbox.reply',
];

const later = () => new Date(Date.now() + 3600_000).toISOString();

beforeAll(async () => {
  ({ app, sink, server } = await bootWithSink({ EMAIL_SERVER_CAMPAIGN_TICK_MS: '100', EMAIL_SERVER_PUBLIC_URL: 'https://cms.example.com' }));
  const make = async (name: string) =>
    (
      await createCampaign(app.as(), {
        name,
        server: server.documentId,
        subject: 'Hello',
        text: 'Hello {{email}}',
        recipients: [1, 2, 3].map((i) => ({ email: `${name.toLowerCase()}${i}@example.org` })),
      })
    ).data.documentId as string;
  campaigns.draft = await make('Draft');
  campaigns.scheduled = await make('Scheduled');
  campaigns.paused = await make('Paused');
  await app.as().post(`/email-server/campaigns/${campaigns.scheduled}/send`).send({ at: later() }).expect(200);
  await app.as().post(`/email-server/campaigns/${campaigns.paused}/send`).send({ at: later() }).expect(200);
  await app.as().post(`/email-server/campaigns/${campaigns.paused}/pause`).send({}).expect(200);
  const added = await app.as().post('/email-server/suppressions').send({ email: 'kept@example.org' });
  expect(added.status).toBe(201);
  suppression = added.body.data.documentId;
}, 120_000);
afterAll(async () => {
  await app?.close();
  await sink?.stop();
});

/** [method, path, body, content type, the action it needs] */
const routes = (): Array<[string, string, unknown, string | undefined, string]> => [
  ['get', '/email-server/campaigns', undefined, undefined, ACTIONS.read],
  ['get', '/email-server/campaigns/servers', undefined, undefined, ACTIONS.read],
  ['get', `/email-server/campaigns/${campaigns.draft}`, undefined, undefined, ACTIONS.read],
  ['get', `/email-server/campaigns/${campaigns.draft}/recipients`, undefined, undefined, ACTIONS.read],
  ['get', '/email-server/suppressions', undefined, undefined, ACTIONS.read],
  [
    'post',
    '/email-server/campaigns',
    { name: 'Sneaked in', server: server.documentId, subject: 'x', text: 'x', recipients: [{ email: 'x@example.org' }] },
    undefined,
    ACTIONS.create,
  ],
  ['put', `/email-server/campaigns/${campaigns.draft}`, { name: 'Renamed', subject: 'Changed' }, undefined, ACTIONS.create],
  ['post', `/email-server/campaigns/${campaigns.draft}/recipients`, [{ email: 'added-json@example.org' }], undefined, ACTIONS.create],
  ['post', `/email-server/campaigns/${campaigns.draft}/recipients`, 'email\nadded-csv@example.org\n', 'text/csv', ACTIONS.create],
  ['delete', `/email-server/campaigns/${campaigns.draft}`, undefined, undefined, ACTIONS.create],
  ['post', `/email-server/campaigns/${campaigns.draft}/send`, {}, undefined, ACTIONS.send],
  ['post', `/email-server/campaigns/${campaigns.draft}/send`, { at: later() }, undefined, ACTIONS.send],
  ['post', `/email-server/campaigns/${campaigns.scheduled}/pause`, {}, undefined, ACTIONS.send],
  ['post', `/email-server/campaigns/${campaigns.paused}/resume`, {}, undefined, ACTIONS.send],
  ['post', `/email-server/campaigns/${campaigns.draft}/cancel`, {}, undefined, ACTIONS.send],
  ['post', '/email-server/suppressions', { email: 'sneaked@example.org' }, undefined, ACTIONS.suppressions],
  ['delete', `/email-server/suppressions/${suppression}`, undefined, undefined, ACTIONS.suppressions],
];

const call = (method: string, path: string, body: unknown, type: string | undefined, token: string) => {
  let req = (app.http as any)[method](path).set('Authorization', `Bearer ${token}`);
  if (type) req = req.set('Content-Type', type);
  return body === undefined ? req : req.send(body);
};

/** Everything the refused calls could have changed, as the super admin reads it. */
const snapshot = async () => {
  const list = (await app.as().get('/email-server/campaigns')).body.data as any[];
  const byId = Object.fromEntries(
    await Promise.all(
      list.map(async (c) => [
        c.documentId,
        { name: c.name, subject: c.subject, status: c.status, recipients: (await recipientsOf(app.as(), c.documentId)).map((r) => [r.email, r.status]) },
      ])
    )
  );
  const suppressions = (await app.as().get('/email-server/suppressions?pageSize=100')).body.data.map((s: any) => s.email);
  return { campaigns: byId, suppressions };
};

it('answers 403 on every campaign route to an admin whose role lacks its action, and changes nothing', async () => {
  const all = Object.values(ACTIONS);
  const tokens = new Map<string, string>();
  for (const action of all) tokens.set(action, await createLimitedAdmin(app, [...OTHER_ACTIONS, ...all.filter((a) => a !== action)]));

  const before = await snapshot();
  expect(Object.values(before.campaigns).map((c: any) => [c.name, c.status]).sort()).toEqual([
    ['Draft', 'draft'],
    ['Paused', 'paused'],
    ['Scheduled', 'scheduled'],
  ]);
  expect(before.suppressions).toEqual(['kept@example.org']);

  for (const [method, path, body, type, action] of routes()) {
    const res = await call(method, path, body, type, tokens.get(action)!);
    expect([method, path, type ?? '', res.status]).toEqual([method, path, type ?? '', 403]);
  }

  expect(await snapshot()).toEqual(before);

  // The queue kept running meanwhile: a campaign the super admin sends goes out, and it is the
  // only mail at the sink (the refused "send" of the draft sent nothing).
  const control = await createCampaign(app.as(), {
    name: 'Control',
    server: server.documentId,
    subject: 'Control',
    text: 'Hello',
    recipients: [{ email: 'control@example.org' }],
  });
  await app.as().post(`/email-server/campaigns/${control.data.documentId}/send`).send({}).expect(200);
  await waitForStatus(app.as(), control.data.documentId, 'completed');
  const mails = await sink.waitForMessages(1);
  expect(mails.map((m) => m.rcptTo)).toEqual([['control@example.org']]);
  expect(recipientHeaders(mails)[0]).toMatch(new RegExp(`^${control.data.documentId}/`));
  expect((await snapshot()).campaigns[campaigns.draft]).toEqual(before.campaigns[campaigns.draft]);
});

it('lets an admin with exactly the action through', async () => {
  const reader = await createLimitedAdmin(app, [ACTIONS.read]);
  expect((await call('get', `/email-server/campaigns/${campaigns.draft}`, undefined, undefined, reader)).status).toBe(200);
  expect((await call('get', '/email-server/suppressions', undefined, undefined, reader)).status).toBe(200);
  const sender = await createLimitedAdmin(app, [ACTIONS.send]);
  const paused = await call('post', `/email-server/campaigns/${campaigns.scheduled}/pause`, {}, undefined, sender);
  expect(paused.status).toBe(200);
  expect((await app.as().get(`/email-server/campaigns/${campaigns.scheduled}`)).body.data.status).toBe('paused');
  const keeper = await createLimitedAdmin(app, [ACTIONS.suppressions]);
  expect((await call('post', '/email-server/suppressions', { email: 'new@example.org' }, undefined, keeper)).status).toBe(201);
});
