/**
 * Internal notes: stored with their author and shown in the thread in time order, never sent
 * (the SMTP server receives nothing), never marking the conversation unread for anyone, never
 * reopening it. Writing one needs inbox.reply.
 */
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { startDovecot, type Dovecot } from '../helpers/dovecot';
import { fetchNow, mailboxServer } from '../helpers/inbox';
import { startSmtpServer, type ScriptedSmtp } from '../helpers/smtp-server';
import { mail } from '../helpers/mails';
import { INBOX, createAgent, superAdmin, type TestAgent } from '../helpers/agents';

let app: TestApp;
let dovecot: Dovecot;
let smtp: ScriptedSmtp;
let server: any;
let box: string;
let ada: TestAgent;
let ben: TestAgent;
let reader: TestAgent;

beforeAll(async () => {
  [dovecot, smtp] = await Promise.all([startDovecot(), startSmtpServer()]);
  app = await bootStrapi({ EMAIL_SERVER_POLLING: 'false' });
  box = dovecot.newMailbox();
  const res = await app
    .as()
    .post('/email-server/servers')
    .send(mailboxServer(dovecot, box, 'imap', { name: 'Helpdesk', senderEmail: 'help@example.com', smtpPort: smtp.port, smtpSecurity: 'none' }));
  server = res.body.data;
  ada = await superAdmin(app);
  ben = await createAgent(app, [INBOX.read, INBOX.reply]);
  reader = await createAgent(app, [INBOX.read]);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await Promise.all([dovecot?.stop(), smtp?.stop()]);
});

const notes = () => app.strapi.db.query('plugin::email-server.note').findMany({});
const conversationRow = (documentId: string) => app.strapi.db.query('plugin::email-server.conversation').findOne({ where: { documentId } });

it('a note is stored with its author, shown in the thread after the reply, and never sent', async () => {
  dovecot.deliver(mail({ subject: 'Dented box', from: 'Ivy <ivy@customer.example>', body: 'The box came dented.' }), box);
  expect((await fetchNow(app, server.documentId)).body.data.stored).toBe(1);
  const convo = (await app.as().get('/email-server/conversations')).body.data.find((c: any) => c.subject === 'Dented box');

  const reply = await ada.http.post(`/email-server/conversations/${convo.documentId}/reply`).send({ text: 'We are sorry.' });
  expect(reply.status).toBe(200);
  expect(smtp.received).toHaveLength(1);

  const note = await ben.http.post(`/email-server/conversations/${convo.documentId}/notes`).send({ text: 'Courier damaged it; claim filed.' });
  expect(note.status).toBe(201);
  expect(note.body.data).toMatchObject({ direction: 'note', text: 'Courier damaged it; claim filed.', author: { id: ben.id, name: ben.name, email: ben.email } });
  expect(await notes()).toEqual([expect.objectContaining({ conversation: convo.documentId, author: ben.id, text: 'Courier damaged it; claim filed.' })]);
  // The reply went out; the note did not.
  expect(smtp.received).toHaveLength(1);

  const thread = (await ada.http.get(`/email-server/conversations/${convo.documentId}`)).body.data.messages;
  expect(thread.map((m: any) => [m.direction, m.text?.trim(), m.author?.email ?? null])).toEqual([
    ['inbound', 'The box came dented.', null],
    ['outbound', 'We are sorry.', 'admin@example.com'],
    ['note', 'Courier damaged it; claim filed.', ben.email],
  ]);
});

it('a note marks nothing unread and reopens nothing', async () => {
  dovecot.deliver(mail({ subject: 'Wrong colour', from: 'Jo <jo@customer.example>' }), box);
  expect((await fetchNow(app, server.documentId)).body.data.stored).toBe(1);
  const convo = (await ada.http.get('/email-server/conversations')).body.data.find((c: any) => c.subject === 'Wrong colour');
  for (const agent of [ada, ben]) expect((await agent.http.get(`/email-server/conversations/${convo.documentId}`)).status).toBe(200);
  expect((await ada.http.put(`/email-server/conversations/${convo.documentId}`).send({ status: 'closed' })).status).toBe(200);
  const before = await conversationRow(convo.documentId);

  expect((await ben.http.post(`/email-server/conversations/${convo.documentId}/notes`).send({ text: 'Closed: replaced in store.' })).status).toBe(201);
  const after = await conversationRow(convo.documentId);
  expect(after).toMatchObject({ status: 'closed', lastPersonMailAt: before.lastPersonMailAt, lastMessageAt: before.lastMessageAt });
  for (const agent of [ada, ben]) {
    expect((await agent.http.get('/email-server/conversations')).body.data.find((c: any) => c.subject === 'Wrong colour')).toMatchObject({ status: 'closed', unread: false });
  }
  expect(smtp.received).toHaveLength(1);
});

it('writing a note needs inbox.reply: 403 and nothing stored', async () => {
  const convo = (await ada.http.get('/email-server/conversations')).body.data[0];
  const count = (await notes()).length;
  const res = await reader.http.post(`/email-server/conversations/${convo.documentId}/notes`).send({ text: 'I cannot write this.' });
  expect(res.status).toBe(403);
  expect(await notes()).toHaveLength(count);
  const empty = await ben.http.post(`/email-server/conversations/${convo.documentId}/notes`).send({ text: '  ' });
  expect(empty.status).toBe(400);
  expect(empty.body.error.details.errors[0].path).toEqual(['text']);
  expect((await ben.http.post('/email-server/conversations/nope/notes').send({ text: 'x' })).status).toBe(404);
});
