/**
 * Who changed what: every server, campaign and suppression change is emitted on Strapi's event
 * hub with the admin user, reaches a webhook subscribed through the admin API, and is listed in
 * the server's recent activity; a server a campaign under way goes through cannot be deleted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { waitUntil } from '../helpers/net';
import { createLimitedAdmin, testDb, type TestApp } from '../helpers/strapi';
import type { SmtpSink } from '../helpers/smtp-sink';
import { startSmtpServer, type ScriptedSmtp } from '../helpers/smtp-server';
import { bootWithSink, createCampaign, createServer, smtpRelay } from '../helpers/campaigns';

const EVENTS = [
  'email-server.server.create',
  'email-server.server.update',
  'email-server.server.delete',
  'email-server.server.test',
  'email-server.server.set-default',
  'email-server.campaign.send',
  'email-server.campaign.schedule',
  'email-server.campaign.pause',
  'email-server.campaign.resume',
  'email-server.campaign.cancel',
  'email-server.suppression.create',
  'email-server.suppression.delete',
];

let app: TestApp;
let sink: SmtpSink;
let receiver: http.Server;
let receiverUrl: string;
const relays: ScriptedSmtp[] = [];
/** What the event hub carried, as a listener in this process sees it. */
const seen: Array<{ event: string; payload: any }> = [];
/** What the webhook receiver was sent. */
const deliveries: Array<{ headers: http.IncomingHttpHeaders; body: any }> = [];
let admin: { id: number; email: string; name: string };

const as = () => app.as();
const later = () => new Date(Date.now() + 3600_000).toISOString();
const eventOf = (event: string, documentId: string) =>
  waitUntil(() => seen.find((e) => e.event === event && e.payload.subject.documentId === documentId), 10_000, `${event} of ${documentId}`);
const activityOf = async (documentId: string, query = '') => {
  const res = await as().get(`/email-server/servers/${documentId}/activity${query}`);
  expect(res.status).toBe(200);
  return res.body as { data: any[]; meta: { nextBefore: number | null } };
};

/** A second PostgreSQL session on the test's database, to hold a row lock. */
const pgClient = async () => {
  const env = app.db.env;
  const client = new Client({ host: env.DATABASE_HOST, port: Number(env.DATABASE_PORT), user: env.DATABASE_USERNAME, password: env.DATABASE_PASSWORD, database: env.DATABASE_NAME });
  await client.connect();
  return client;
};
/** Until some session of the database waits for a lock. */
const lockWait = (what: string) =>
  waitUntil(async () => {
    const rows = await app.db.query("select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()");
    return Number(rows[0].n) > 0;
  }, 10_000, what);

beforeAll(async () => {
  ({ app, sink } = await bootWithSink({ EMAIL_SERVER_CAMPAIGN_TICK_MS: '100', EMAIL_SERVER_PUBLIC_URL: 'https://cms.example.com' }));
  for (const event of EVENTS) app.strapi.eventHub.on(event, (payload: any) => void seen.push({ event, payload }));
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const me = (await as().get('/admin/users/me')).body.data;
  admin = { id: me.id, email: 'admin@example.com', name: 'Ada Admin' };
}, 120_000);
afterAll(async () => {
  await app?.close();
  await sink?.stop();
  await Promise.all(relays.map((r) => r.stop()));
  await new Promise((resolve) => receiver?.close(resolve));
});

it('a created server reaches the event hub and a webhook subscribed through the admin API, with the admin user', async () => {
  const hook = await as()
    .post('/admin/webhooks')
    .send({ name: 'Audit', url: receiverUrl, headers: {}, events: ['email-server.server.create', 'email-server.server.update'] });
  expect(hook.status).toBe(201);

  const created = await createServer(as(), smtpRelay(sink.port, { name: 'Audited' }));
  const event = await eventOf('email-server.server.create', created.documentId);
  expect(event.payload).toEqual({
    user: admin,
    subject: { type: 'server', documentId: created.documentId, name: 'Audited' },
    details: { type: 'smtp', isDefault: false, enabled: true },
  });

  const delivery = await waitUntil(() => deliveries.find((d) => d.body.event === 'email-server.server.create'), 10_000, 'the webhook');
  expect(delivery.headers['x-strapi-event']).toBe('email-server.server.create');
  expect(delivery.body).toMatchObject({ user: admin, subject: { type: 'server', documentId: created.documentId, name: 'Audited' } });
});

it('an update names the fields it changed; a new password appears by its name only, never its value', async () => {
  const server = await createServer(as(), smtpRelay(sink.port, { name: 'Edited' }));
  const secret = 'Very-Secret-Pass-42';
  await as().put(`/email-server/servers/${server.documentId}`).send({ senderName: 'Changed', smtpUsername: 'mailer', smtpPassword: secret }).expect(200);
  const first = await eventOf('email-server.server.update', server.documentId);
  expect(first.payload).toMatchObject({ user: admin, details: { changed: ['senderName', 'smtpUsername', 'smtpPassword'] } });

  // Not given again: the stored password is kept and is no change.
  await as().put(`/email-server/servers/${server.documentId}`).send({ senderName: 'Changed again' }).expect(200);
  await waitUntil(() => seen.filter((e) => e.event === 'email-server.server.update' && e.payload.subject.documentId === server.documentId).length === 2);
  const second = seen.filter((e) => e.event === 'email-server.server.update' && e.payload.subject.documentId === server.documentId)[1];
  expect(second.payload.details).toEqual({ changed: ['senderName'] });

  const delivery = await waitUntil(
    () => deliveries.find((d) => d.body.event === 'email-server.server.update' && d.body.subject.documentId === server.documentId),
    10_000,
    'the update webhook'
  );
  expect(delivery.body.details.changed).toContain('smtpPassword');

  const { data } = await activityOf(server.documentId);
  expect(data.map((e) => [e.event, e.details.changed ?? null])).toEqual([
    ['email-server.server.update', ['senderName']],
    ['email-server.server.update', ['senderName', 'smtpUsername', 'smtpPassword']],
    ['email-server.server.create', null],
  ]);
  const stored = await app.db.query('select * from email_activities');
  for (const text of [JSON.stringify(seen), JSON.stringify(deliveries), JSON.stringify(data), JSON.stringify(stored), await app.db.dump(app.strapi)]) {
    expect(text).not.toContain(secret);
  }
});

it('a connection check, a test email and becoming the default are recorded, newest first, with who did them', async () => {
  const server = await createServer(as(), smtpRelay(sink.port, { name: 'Checked' }));
  const verified = await as().post(`/email-server/servers/${server.documentId}/verify`).send({});
  expect(verified.body.data.outgoing.ok).toBe(true);
  await as().post(`/email-server/servers/${server.documentId}/test-email`).send({ to: 'someone@example.org' }).expect(200);
  await as().put(`/email-server/servers/${server.documentId}`).send({ isDefault: true }).expect(200);

  const { data } = await activityOf(server.documentId);
  expect(data.map((e) => e.event)).toEqual([
    'email-server.server.set-default',
    'email-server.server.update',
    'email-server.server.test',
    'email-server.server.test',
    'email-server.server.create',
  ]);
  expect(data[0]).toMatchObject({ user: admin, details: { previous: null } });
  expect(data[1].details).toEqual({ changed: ['isDefault'] });
  expect(data[2].details).toEqual({ kind: 'email', to: 'someone@example.org', ok: true, message: null, server: 'Checked' });
  expect(data[3].details).toMatchObject({ kind: 'verify', ok: true, outgoing: { ok: true }, incoming: null });
  // The stored entry keeps the check's answer; the event hub (webhooks, Audit Logs) gets none.
  expect(data[3].details.outgoing.message).toEqual(expect.any(String));
  const verifyEvent = await waitUntil(() => seen.find((e) => e.event === 'email-server.server.test' && e.payload.subject.documentId === server.documentId && e.payload.details.kind === 'verify'), 10_000, 'the verify event');
  expect(verifyEvent.payload.details).toEqual({ kind: 'verify', ok: true, outgoing: { ok: true }, incoming: null });
  expect(new Set(data.map((e) => e.user?.email))).toEqual(new Set(['admin@example.com']));
  expect(data.every((e) => !Number.isNaN(Date.parse(e.createdAt)))).toBe(true);

  // The next default names the one it replaced.
  const next = await createServer(as(), smtpRelay(sink.port, { name: 'Next default', isDefault: true }));
  const replaced = await eventOf('email-server.server.set-default', next.documentId);
  expect(replaced.payload.details).toEqual({ previous: { documentId: server.documentId, name: 'Checked' } });
});

it('the activity route needs servers.read, answers 404 for no server, and pages below an id', async () => {
  const server = await createServer(as(), smtpRelay(sink.port, { name: 'Paged' }));
  for (let i = 0; i < 34; i++) await as().put(`/email-server/servers/${server.documentId}`).send({ senderName: `Name ${i}` }).expect(200);

  const withoutRead = await createLimitedAdmin(app, ['plugin::email-server.servers.update', 'plugin::email-server.servers.create']);
  const refused = await app.http.get(`/email-server/servers/${server.documentId}/activity`).set('Authorization', `Bearer ${withoutRead}`);
  expect(refused.status).toBe(403);
  expect(JSON.stringify(refused.body)).not.toContain('Name 3');
  expect((await app.http.get(`/email-server/servers/${server.documentId}/activity`)).status).toBe(401);
  const reader = await createLimitedAdmin(app, ['plugin::email-server.servers.read']);
  expect((await app.http.get(`/email-server/servers/${server.documentId}/activity`).set('Authorization', `Bearer ${reader}`)).status).toBe(200);
  expect((await as().get('/email-server/servers/nosuchserver/activity')).status).toBe(404);
  expect((await as().get(`/email-server/servers/${server.documentId}/activity?before=abc`)).status).toBe(400);
  // Ids are int4 on PostgreSQL: a larger one is the field's error, not a failed query.
  const huge = await as().get(`/email-server/servers/${server.documentId}/activity?before=99999999999`);
  expect(huge.status).toBe(400);
  expect(huge.body.error.details.errors[0].path).toEqual(['before']);
  expect((await activityOf(server.documentId, '?before=2147483647')).data).toHaveLength(30);

  const first = await activityOf(server.documentId);
  expect(first.data).toHaveLength(30);
  expect(first.meta.nextBefore).toBe(first.data[29].id);
  const second = await activityOf(server.documentId, `?before=${first.meta.nextBefore}`);
  expect(second.meta.nextBefore).toBeNull();
  const all = [...first.data, ...second.data];
  expect(all).toHaveLength(35);
  expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));
  expect(all[0].details.changed).toEqual(['senderName']);
  expect(all[34].event).toBe('email-server.server.create');
});

it('refuses to delete a server a scheduled or paused campaign goes through (409 naming them), and deletes it once they are cancelled', async () => {
  const server = await createServer(as(), smtpRelay(sink.port, { name: 'Busy' }));
  const make = async (name: string) =>
    (await createCampaign(as(), { name, server: server.documentId, subject: 'Hi', text: 'Hello', recipients: [{ email: `${name.replace(/\W/g, '').toLowerCase()}@example.org` }] })).data
      .documentId as string;
  const scheduled = await make('Spring sale');
  const paused = await make('Summer news');
  const draft = await make('Draft only');
  const sentNow = await make('Sent now');
  const first = await as().post(`/email-server/campaigns/${scheduled}/send`).send({ at: later() });
  expect([first.status, first.body.error]).toEqual([200, undefined]);
  await as().post(`/email-server/campaigns/${paused}/send`).send({ at: later() }).expect(200);
  await as().post(`/email-server/campaigns/${paused}/pause`).send({}).expect(200);
  await as().post(`/email-server/campaigns/${paused}/resume`).send({}).expect(200);
  await as().post(`/email-server/campaigns/${paused}/pause`).send({}).expect(200);
  await as().post(`/email-server/campaigns/${sentNow}/send`).send({}).expect(200);
  // A campaign that went out already is in nobody's way.
  await waitUntil(async () => ['completed', 'failed'].includes((await as().get(`/email-server/campaigns/${sentNow}`)).body.data.status), 30_000, 'the sent campaign to finish');

  const refused = await as().delete(`/email-server/servers/${server.documentId}`);
  expect(refused.status).toBe(409);
  expect(refused.body.error).toMatchObject({
    status: 409,
    name: 'ConflictError',
    details: { campaigns: [{ documentId: scheduled, name: 'Spring sale' }, { documentId: paused, name: 'Summer news' }] },
  });
  expect(refused.body.error.message).toContain('"Spring sale", "Summer news"');
  expect(refused.body.error.details.campaigns.map((c: any) => c.documentId)).not.toContain(draft);
  expect((await as().get(`/email-server/servers/${server.documentId}`)).status).toBe(200);

  const { data } = await activityOf(server.documentId);
  const campaignEntries = data.filter((e) => e.subject.type === 'campaign').map((e) => [e.event, e.subject.name]);
  expect(campaignEntries).toEqual([
    ['email-server.campaign.send', 'Sent now'],
    ['email-server.campaign.pause', 'Summer news'],
    ['email-server.campaign.resume', 'Summer news'],
    ['email-server.campaign.pause', 'Summer news'],
    ['email-server.campaign.schedule', 'Summer news'],
    ['email-server.campaign.schedule', 'Spring sale'],
  ]);
  expect(data.find((e) => e.event === 'email-server.campaign.schedule')).toMatchObject({ user: admin, details: { status: 'scheduled', server: server.documentId } });

  await as().post(`/email-server/campaigns/${scheduled}/cancel`).send({}).expect(200);
  const stillOne = await as().delete(`/email-server/servers/${server.documentId}`);
  expect(stillOne.status).toBe(409);
  expect(stillOne.body.error.details.campaigns).toEqual([{ documentId: paused, name: 'Summer news' }]);
  await as().post(`/email-server/campaigns/${paused}/cancel`).send({}).expect(200);

  await as().delete(`/email-server/servers/${server.documentId}`).expect(200);
  expect((await as().get(`/email-server/servers/${server.documentId}`)).status).toBe(404);
  const deleted = await eventOf('email-server.server.delete', server.documentId);
  expect(deleted.payload).toMatchObject({ user: admin, subject: { name: 'Busy' }, details: { wasDefault: false } });
  expect(seen.filter((e) => e.event === 'email-server.campaign.cancel').map((e) => e.payload.subject.name)).toEqual(['Spring sale', 'Summer news']);
});

it(`a campaign scheduled while the server is being deleted keeps it (${testDb()})`, async () => {
  const server = await createServer(as(), smtpRelay(sink.port, { name: 'Raced' }));
  const campaign = (await createCampaign(as(), { name: 'Raced campaign', server: server.documentId, subject: 'Hi', text: 'Hello', recipients: [{ email: 'r@example.org' }] })).data;
  if (app.db.client === 'postgres') {
    // A campaign being scheduled at this moment: its transaction holds the server row shared
    // and has moved the campaign, but has not committed yet.
    const client = await pgClient();
    try {
      await client.query('BEGIN');
      // The lock lockServerRow takes for a send (FOR KEY SHARE): it still holds off the delete's FOR UPDATE.
      await client.query('SELECT id FROM email_servers WHERE document_id = $1 FOR KEY SHARE', [server.documentId]);
      await client.query("UPDATE email_campaigns SET status = 'scheduled', scheduled_at = now() + interval '1 hour' WHERE document_id = $1", [campaign.documentId]);
      const deleting = as().delete(`/email-server/servers/${server.documentId}`).then((res) => res);
      // The delete waits for the row, not for the clock.
      await lockWait('the delete to wait for the server row');
      await client.query('COMMIT');
      const res = await deleting;
      expect(res.status).toBe(409);
      expect(res.body.error.details.campaigns).toEqual([{ documentId: campaign.documentId, name: 'Raced campaign' }]);
    } finally {
      await client.end();
    }
  } else {
    // SQLite runs one write transaction at a time: the schedule commits before the delete reads.
    await as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({ at: later() }).expect(200);
    expect((await as().delete(`/email-server/servers/${server.documentId}`)).status).toBe(409);
  }
  expect((await as().get(`/email-server/servers/${server.documentId}`)).status).toBe(200);
});

it(`a campaign being sent does not hold up the ordinary updates of its server's row (${testDb()})`, async () => {
  const server = await createServer(as(), smtpRelay(sink.port, { name: 'Busy row' }));
  const campaign = (await createCampaign(as(), { name: 'Held send', server: server.documentId, subject: 'Hi', text: 'Hello', recipients: [{ email: 'h@example.org' }] })).data;
  if (app.db.client === 'postgres') {
    // The send's transaction held open: it has taken the server row's lock and waits for the
    // campaign row, which this client holds.
    const client = await pgClient();
    try {
      await client.query('BEGIN');
      await client.query('SELECT id FROM email_campaigns WHERE document_id = $1 FOR UPDATE', [campaign.documentId]);
      let sendDone = false;
      const sending = as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({ at: later() }).then((res) => ((sendDone = true), res));
      await lockWait('the send to wait inside its transaction');
      // A save of the server (an UPDATE of the row, as the send/poll bookkeeping and the OAuth lease are) goes through meanwhile.
      let saved: any = null;
      void as().put(`/email-server/servers/${server.documentId}`).send({ senderName: 'Saved meanwhile' }).then((res) => (saved = res));
      const res = await waitUntil(() => saved, 10_000, 'the server save while the send is open');
      expect(res.status).toBe(200);
      expect(sendDone).toBe(false);
      await client.query('COMMIT');
      expect((await sending).status).toBe(200);
    } finally {
      await client.end();
    }
  } else {
    await as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({ at: later() }).expect(200);
    await as().put(`/email-server/servers/${server.documentId}`).send({ senderName: 'Saved meanwhile' }).expect(200);
  }
  expect((await as().get(`/email-server/servers/${server.documentId}`)).body.data.senderName).toBe('Saved meanwhile');
  expect((await as().get(`/email-server/campaigns/${campaign.documentId}`)).body.data.status).toBe('scheduled');
});

it(`entries older than audit.retentionDays (180 by default) are pruned, newer ones kept (${testDb()})`, async () => {
  const server = await createServer(as(), smtpRelay(sink.port, { name: 'Pruned' }));
  await as().put(`/email-server/servers/${server.documentId}`).send({ senderName: 'Recent' }).expect(200);
  const [recent, old] = (await activityOf(server.documentId)).data;
  const aged = (days: number) => (app.db.client === 'postgres' ? `created_at - interval '${days} days'` : `created_at - ${days * 24 * 3600_000}`);
  await app.db.query(`update email_activities set created_at = ${aged(181)} where id = ? returning id`, [old.id]);
  await app.db.query(`update email_activities set created_at = ${aged(179)} where id = ? returning id`, [recent.id]);
  expect(app.strapi.config.get('plugin::email-server.audit.retentionDays')).toBe(180);
  // What the campaign queue's hourly cleanup calls.
  expect(await app.strapi.plugin('email-server').service('activity').pruneExpired()).toBe(1);
  expect((await activityOf(server.documentId)).data.map((e) => e.id)).toEqual([recent.id]);
});

it('a suppression added and removed is recorded with the admin and a count', async () => {
  const added = await as().post('/email-server/suppressions').send({ email: 'Someone@Example.org' });
  expect(added.status).toBe(201);
  const create = await eventOf('email-server.suppression.create', added.body.data.documentId);
  expect(create.payload).toEqual({
    user: admin,
    subject: { type: 'suppression', documentId: added.body.data.documentId, name: 'Someone@Example.org' },
    details: { count: 1, reason: 'manual' },
  });
  const removed = await as().delete(`/email-server/suppressions/${added.body.data.documentId}`);
  expect(removed.body).toEqual({ data: { documentId: added.body.data.documentId } });
  const remove = await eventOf('email-server.suppression.delete', added.body.data.documentId);
  expect(remove.payload).toMatchObject({ user: admin, subject: { name: 'Someone@Example.org' }, details: { count: 1 } });
});

it(`a relay's 1,000-character refusal with NUL bytes is recorded with the failed test email on ${testDb()}, and the admin still gets the relay's answer`, async () => {
  const reason = `5.7.1 ${'Refused\u0000 by policy; '.repeat(60)}`.slice(0, 1000);
  const relay = await startSmtpServer({ mode: 'plain', rcptError: () => ({ code: 550, message: reason }) });
  relays.push(relay);
  const hook = await as().post('/admin/webhooks').send({ name: 'Tests', url: receiverUrl, headers: {}, events: ['email-server.server.test'] });
  expect(hook.status).toBe(201);
  const server = await createServer(as(), smtpRelay(relay.port, { name: `Hostile ${'x'.repeat(80)}` }));
  const res = await as().post(`/email-server/servers/${server.documentId}/test-email`).send({ to: 'refused@example.org' });
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.body.error.message).toContain('Refused');

  const { data } = await activityOf(server.documentId);
  const entry = data.find((e) => e.event === 'email-server.server.test');
  expect(entry).toMatchObject({ subject: { name: `Hostile ${'x'.repeat(80)}` }, details: { kind: 'email', to: 'refused@example.org', ok: false } });
  expect(entry.details.message).toContain('550 5.7.1 Refused');
  expect(entry.details.message).not.toContain('\u0000');

  // The relay's text stays in the stored entry: a webhook subscriber and a hub listener get the outcome only.
  const delivery = await waitUntil(() => deliveries.find((d) => d.body.event === 'email-server.server.test' && d.body.subject?.documentId === server.documentId), 10_000, 'the test webhook');
  expect(delivery.body.details).toEqual({ kind: 'email', to: 'refused@example.org', ok: false });
  const event = await eventOf('email-server.server.test', server.documentId);
  expect(event.payload.details).toEqual({ kind: 'email', to: 'refused@example.org', ok: false });
  expect(JSON.stringify([delivery.body, event.payload])).not.toContain('Refused');
});

it(`what a caller records from outside (a provider's account name) is stored cut and without NUL bytes on ${testDb()}`, async () => {
  const server = await createServer(as(), smtpRelay(sink.port, { name: 'Connected' }));
  // As the OAuth connect records the account a provider's token endpoint named: any text.
  const hostile = `${'\u0000ann'.repeat(400)}@example.org`;
  await app.strapi
    .plugin('email-server')
    .service('activity')
    .record('email-server.server.connect', { subject: { type: 'server', documentId: server.documentId, name: hostile }, details: { account: hostile, scopes: [hostile] } });
  const { data } = await activityOf(server.documentId);
  const entry = data.find((e) => e.event === 'email-server.server.connect');
  expect(entry).toBeDefined();
  expect(entry.subject.name).toBe('ann'.repeat(85));
  expect(entry.details.account).toBe('ann'.repeat(333) + 'a');
  expect(entry.details.scopes).toEqual([entry.details.account]);
  expect(entry.user).toBeNull();
});
