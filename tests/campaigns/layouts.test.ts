/**
 * Layouts (`/email-server/templates`): CRUD with names unique in any case, RBAC (templates.read /
 * templates.update), a campaign naming one, a delete refused while a campaign under way uses it,
 * and the copy a campaign keeps once sent or scheduled.
 */
import { createLimitedAdmin, type TestApp } from '../helpers/strapi';
import type { SmtpSink } from '../helpers/smtp-sink';
import { bootWithSink, campaignOf, createCampaign } from '../helpers/campaigns';

let app: TestApp;
let sink: SmtpSink;
let server: { documentId: string };

const later = () => new Date(Date.now() + 3600_000).toISOString();
const LAYOUT = '<html><body><header>ACME</header>{{ content }}<footer>Bye</footer></body></html>';

beforeAll(async () => {
  ({ app, sink, server } = await bootWithSink({ EMAIL_SERVER_CAMPAIGN_TICK_MS: '100', EMAIL_SERVER_PUBLIC_URL: 'https://cms.example.com' }));
}, 120_000);
afterAll(async () => {
  await app?.close();
  await sink?.stop();
});

const fieldErrors = (res: { body: any }) => Object.fromEntries((res.body.error?.details?.errors ?? []).map((e: any) => [e.path[0], e.message]));
const createLayout = async (body: Record<string, unknown>) => {
  const res = await as().post('/email-server/templates').send(body);
  expect(res.status).toBe(201);
  return res.body.data;
};
const storedRow = (documentId: string) => app.strapi.db.query('plugin::email-server.campaign').findOne({ where: { documentId } });

it('creates, lists by name, reads, edits and deletes layouts', async () => {
  const b = await createLayout({ name: 'Brand B', html: LAYOUT, text: 'ACME\n{{content}}\n--' });
  const a = await createLayout({ name: 'another', html: '<div>{{content}}</div>' });
  expect(b).toEqual({ documentId: expect.any(String), name: 'Brand B', html: LAYOUT, text: 'ACME\n{{content}}\n--', createdAt: expect.any(String), updatedAt: expect.any(String) });
  expect(a.text).toBeNull();

  const list = (await as().get('/email-server/templates').expect(200)).body.data;
  expect(list.map((t: any) => t.name)).toEqual(['another', 'Brand B']);
  expect((await as().get(`/email-server/templates/${b.documentId}`).expect(200)).body.data).toEqual(b);
  await as().get('/email-server/templates/nope').expect(404);

  const edited = await as().put(`/email-server/templates/${b.documentId}`).send({ name: 'Brand B2' });
  expect(edited.status).toBe(200);
  expect(edited.body.data).toMatchObject({ name: 'Brand B2', html: LAYOUT });

  expect((await as().delete(`/email-server/templates/${a.documentId}`)).body.data).toEqual({ documentId: a.documentId });
  await as().get(`/email-server/templates/${a.documentId}`).expect(404);
  await as().delete(`/email-server/templates/${b.documentId}`).expect(200);
});

it('refuses a layout without {{ content }}, unknown fields, and a name taken in any case, even by a concurrent save', async () => {
  const noContent = await as().post('/email-server/templates').send({ name: 'x', html: '<p>no body</p>', text: 'also none', extra: 1 });
  expect(noContent.status).toBe(400);
  expect(fieldErrors(noContent)).toEqual({ html: expect.stringMatching(/\{\{ content \}\}/), text: expect.stringMatching(/\{\{ content \}\}/), extra: expect.any(String) });

  await createLayout({ name: 'Monthly', html: LAYOUT });
  const taken = await as().post('/email-server/templates').send({ name: 'MONTHLY', html: LAYOUT });
  expect(taken.status).toBe(400);
  expect(fieldErrors(taken)).toEqual({ name: 'A layout with this name already exists.' });

  const both = await Promise.all(['Race', 'RACE', 'race'].map((name) => as().post('/email-server/templates').send({ name, html: LAYOUT })));
  expect(both.map((r) => r.status).sort()).toEqual([201, 400, 400]);
  for (const r of both.filter((r) => r.status === 400)) expect(fieldErrors(r)).toEqual({ name: 'A layout with this name already exists.' });
  const names = (await as().get('/email-server/templates')).body.data.map((t: any) => t.name.toLowerCase());
  expect(names.filter((n: string) => n === 'race')).toHaveLength(1);
});

it('answers 403 to a role without templates.read or templates.update, and changes nothing', async () => {
  const layout = await createLayout({ name: 'Guarded', html: LAYOUT });
  const others = [
    'plugin::email-server.campaigns.read',
    'plugin::email-server.campaigns.create',
    'plugin::email-server.campaigns.send',
    'plugin::email-server.servers.read',
    'plugin::email-server.inbox.read',
  ];
  const noRead = await createLimitedAdmin(app, [...others, 'plugin::email-server.templates.update']);
  await as(noRead).get('/email-server/templates').expect(403);
  await as(noRead).get(`/email-server/templates/${layout.documentId}`).expect(403);

  const noUpdate = await createLimitedAdmin(app, [...others, 'plugin::email-server.templates.read']);
  expect((await as(noUpdate).get('/email-server/templates')).status).toBe(200);
  expect((await as(noUpdate).post('/email-server/templates').send({ name: 'Sneaked', html: LAYOUT })).status).toBe(403);
  expect((await as(noUpdate).put(`/email-server/templates/${layout.documentId}`).send({ name: 'Renamed' })).status).toBe(403);
  expect((await as(noUpdate).delete(`/email-server/templates/${layout.documentId}`)).status).toBe(403);

  const list = (await as().get('/email-server/templates')).body.data;
  expect(list.find((t: any) => t.name === 'Sneaked')).toBeUndefined();
  expect((await as().get(`/email-server/templates/${layout.documentId}`)).body.data).toEqual(layout);
});

function as(token?: string) {
  return app.as(token);
}

it('lets a campaign name a layout and opt into tracking; an unknown layout is a field error', async () => {
  const layout = await createLayout({ name: 'For campaigns', html: LAYOUT });
  const bad = await as().post('/email-server/campaigns').send({ name: 'C', server: server.documentId, subject: 'S', html: '<p>x</p>', template: 'nope' });
  expect(bad.status).toBe(400);
  expect(fieldErrors(bad)).toEqual({ template: expect.any(String) });

  const { data } = await createCampaign(as(), { name: 'With layout', server: server.documentId, subject: 'S', html: '<p>x</p>', template: layout.documentId, trackClicks: true });
  expect(data).toMatchObject({ template: { documentId: layout.documentId, name: 'For campaigns' }, trackOpens: false, trackClicks: true });

  const cleared = await as().put(`/email-server/campaigns/${data.documentId}`).send({ template: null, trackOpens: true, trackClicks: false });
  expect(cleared.status).toBe(200);
  expect(cleared.body.data).toMatchObject({ template: null, trackOpens: true, trackClicks: false });
  const unknown = await as().put(`/email-server/campaigns/${data.documentId}`).send({ template: 'missing' });
  expect(fieldErrors(unknown)).toEqual({ template: expect.any(String) });
  expect((await campaignOf(as(), data.documentId)).template).toBeNull();
});

it('keeps a copy of the layout on a scheduled campaign, refuses to delete a layout in use (409 naming it) and clears it from drafts', async () => {
  const layout = await createLayout({ name: 'In use', html: LAYOUT, text: 'T {{ content }}' });
  const make = async (name: string) =>
    (await createCampaign(as(), { name, server: server.documentId, subject: 'S', html: '<p>x</p>', template: layout.documentId, recipients: [{ email: `${name.toLowerCase().replace(/ /g, "-")}@example.org` }] })).data.documentId as string;
  const scheduled = await make('Scheduled one');
  const draft = await make('Draft one');
  const sent = await as().post(`/email-server/campaigns/${scheduled}/send`).send({ at: later() });
  expect([sent.status, sent.body.error?.message]).toEqual([200, undefined]);
  expect(await storedRow(scheduled)).toMatchObject({ layoutHtml: LAYOUT, layoutText: 'T {{ content }}' });
  expect(await storedRow(draft)).toMatchObject({ layoutHtml: null, layoutText: null });

  // Editing the layout does not change the scheduled campaign's copy.
  await as().put(`/email-server/templates/${layout.documentId}`).send({ html: '<div>NEW {{ content }}</div>' }).expect(200);
  expect((await storedRow(scheduled)).layoutHtml).toBe(LAYOUT);

  const refused = await as().delete(`/email-server/templates/${layout.documentId}`);
  expect(refused.status).toBe(409);
  expect(refused.body.error.message).toContain('"Scheduled one" (scheduled)');
  expect(refused.body.error.details).toEqual({ campaigns: ['Scheduled one'] });
  expect((await as().get(`/email-server/templates/${layout.documentId}`)).status).toBe(200);

  await as().post(`/email-server/campaigns/${scheduled}/cancel`).send({}).expect(200);
  await as().delete(`/email-server/templates/${layout.documentId}`).expect(200);
  expect((await campaignOf(as(), draft)).template).toBeNull();
  // The cancelled campaign keeps its copy.
  expect((await storedRow(scheduled)).layoutHtml).toBe(LAYOUT);
});
