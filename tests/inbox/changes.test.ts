/**
 * The live poll: a mail delivered to Dovecot and fetched shows up in `changed` and in the
 * caller's `unread`; the cursor moves; reading lowers the reader's count only; a note and an
 * owner change are changes too.
 */
import { helpdeskOnDovecot } from '../helpers/inbox';
import { mail } from '../helpers/mails';
import { INBOX, createAgent, superAdmin, type TestAgent } from '../helpers/agents';

let helpdesk: Awaited<ReturnType<typeof helpdeskOnDovecot>>;
let ada: TestAgent;
let ben: TestAgent;

beforeAll(async () => {
  helpdesk = await helpdeskOnDovecot();
  ada = await superAdmin(helpdesk.app);
  ben = await createAgent(helpdesk.app, [INBOX.read, INBOX.reply]);
}, 120_000);
afterAll(async () => {
  await helpdesk?.stop();
});

const changes = async (agent: TestAgent, since?: string) => {
  const res = await agent.http.get(`/email-server/inbox/changes${since ? `?since=${encodeURIComponent(since)}` : ''}`);
  expect(res.status).toBe(200);
  return res.body.data as { cursor: string; unread: number; changed: string[] };
};

it('a fetched mail is a change and unread for everyone; reading lowers only the reader count', async () => {
  const start = await changes(ada);
  expect(start).toMatchObject({ unread: 0, changed: [] });

  helpdesk.dovecot.deliver(mail({ subject: 'Late parcel', from: 'Kim <kim@customer.example>' }), helpdesk.box);
  helpdesk.dovecot.deliver(mail({ subject: 'Invoice copy', from: 'Lou <lou@customer.example>' }), helpdesk.box);
  await helpdesk.fetchExpecting(2);
  const rows = await helpdesk.app.strapi.db.query('plugin::email-server.conversation').findMany({});
  const ids = rows.map((r: any) => r.documentId).sort();

  const afterMail = await changes(ada, start.cursor);
  expect(afterMail.changed.sort()).toEqual(ids);
  expect(afterMail.unread).toBe(2);
  expect(new Date(afterMail.cursor).getTime()).toBeGreaterThan(new Date(start.cursor).getTime());
  expect((await changes(ben, start.cursor)).unread).toBe(2);

  const parcel = rows.find((r: any) => r.subject === 'Late parcel');
  expect((await ben.http.get(`/email-server/conversations/${parcel.documentId}`)).status).toBe(200);
  expect((await changes(ben, afterMail.cursor)).unread).toBe(1);
  expect((await changes(ada, afterMail.cursor)).unread).toBe(2);
});

it('a note and a new owner are changes; reading is not', async () => {
  const rows = await helpdesk.app.strapi.db.query('plugin::email-server.conversation').findMany({});
  const invoiceId = rows.find((r: any) => r.subject === 'Invoice copy').documentId;
  const parcelId = rows.find((r: any) => r.subject === 'Late parcel').documentId;
  // Rows older than the overlap a cursor allows for are not reported again: move them back.
  await helpdesk.app.strapi.db.connection('email_conversations').update({ changed_at: new Date(Date.now() - 3_600_000) });
  const cursor = (await changes(ada)).cursor;
  expect((await changes(ada, cursor)).changed).toEqual([]);

  expect((await ada.http.get(`/email-server/conversations/${invoiceId}`)).status).toBe(200);
  expect((await changes(ada, cursor)).changed).toEqual([]);

  expect((await ben.http.post(`/email-server/conversations/${invoiceId}/notes`).send({ text: 'Sent it by post.' })).status).toBe(201);
  expect((await changes(ada, cursor)).changed).toEqual([invoiceId]);
  expect((await ben.http.put(`/email-server/conversations/${parcelId}`).send({ assignee: ben.id })).status).toBe(200);
  expect((await changes(ada, cursor)).changed.sort()).toEqual([invoiceId, parcelId].sort());
  expect((await ada.http.get('/email-server/inbox/changes?since=x&other=1')).status).toBe(400);
});

it('the unread count is of open conversations only, on an index; the list still shows a closed one unread', async () => {
  const rows = await helpdesk.app.strapi.db.query('plugin::email-server.conversation').findMany({});
  const invoiceId = rows.find((r: any) => r.subject === 'Invoice copy').documentId;
  expect((await changes(ben)).unread).toBe(1);
  expect((await ada.http.put(`/email-server/conversations/${invoiceId}`).send({ status: 'closed' })).status).toBe(200);
  expect((await changes(ben)).unread).toBe(0);
  const listed = (await ben.http.get('/email-server/conversations?status=closed')).body.data as any[];
  expect(listed.find((c) => c.documentId === invoiceId)).toMatchObject({ status: 'closed', unread: true });

  const knex = helpdesk.app.strapi.db.connection;
  const indexed =
    knex.client.config.client === 'sqlite' || String(knex.client.config.client).includes('sqlite')
      ? (await knex.raw("select sql from sqlite_master where type = 'index' and tbl_name = 'email_conversations'")).map((r: any) => r.sql)
      : (await knex.raw("select indexdef as sql from pg_indexes where tablename = 'email_conversations'")).rows.map((r: any) => r.sql);
  expect(indexed).toContainEqual(expect.stringMatching(/\(\s*[`"]?status[`"]?\s*,\s*[`"]?last_person_mail_at[`"]?\s*\)/));
});
