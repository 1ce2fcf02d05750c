/**
 * Ownership and per-agent read state: an agent takes and releases a conversation, assigning
 * someone else needs inbox.assign (403, nothing changed), the owner must be an active admin,
 * the list filters by owner, and one agent reading a conversation leaves it unread for the others.
 */
import { helpdeskOnDovecot } from '../helpers/inbox';
import { mail, messageIdOf } from '../helpers/mails';
import { INBOX, createAgent, superAdmin, type TestAgent } from '../helpers/agents';

let helpdesk: Awaited<ReturnType<typeof helpdeskOnDovecot>>;
let ada: TestAgent; // super admin
let ben: TestAgent; // reads and replies, cannot assign others
let cleo: TestAgent; // reads, replies and assigns
let readerOnly: TestAgent;

beforeAll(async () => {
  helpdesk = await helpdeskOnDovecot();
  ada = await superAdmin(helpdesk.app);
  ben = await createAgent(helpdesk.app, [INBOX.read, INBOX.reply]);
  cleo = await createAgent(helpdesk.app, [INBOX.read, INBOX.reply, INBOX.assign]);
  readerOnly = await createAgent(helpdesk.app, [INBOX.read]);
}, 120_000);
afterAll(async () => {
  await helpdesk?.stop();
});

const list = async (agent: TestAgent, query = '') => {
  const res = await agent.http.get(`/email-server/conversations${query}`);
  expect(res.status).toBe(200);
  return res.body.data as any[];
};
const bySubject = async (agent: TestAgent, subject: string) => (await list(agent)).find((c) => c.subject === subject);
const row = (documentId: string) => helpdesk.app.strapi.db.query('plugin::email-server.conversation').findOne({ where: { documentId } });
const put = (agent: TestAgent, documentId: string, body: object) => agent.http.put(`/email-server/conversations/${documentId}`).send(body);

let order: any;
let refund: any;

it('an agent takes a conversation nobody owns and releases it; the owner shows in the list and the detail', async () => {
  helpdesk.dovecot.deliver(mail({ subject: 'Order 17', from: 'Dora <dora@customer.example>' }), helpdesk.box);
  helpdesk.dovecot.deliver(mail({ subject: 'Refund', from: 'Eli <eli@customer.example>' }), helpdesk.box);
  await helpdesk.fetchExpecting(2);
  order = await bySubject(ada, 'Order 17');
  refund = await bySubject(ada, 'Refund');
  expect(order.assignee).toBeNull();

  const taken = await put(ben, order.documentId, { assignee: ben.id });
  expect(taken.status).toBe(200);
  expect(taken.body.data.assignee).toEqual({ id: ben.id, name: ben.name, email: ben.email });
  expect((await row(order.documentId)).assignee).toBe(ben.id);
  expect((await bySubject(ada, 'Order 17')).assignee).toEqual({ id: ben.id, name: ben.name, email: ben.email });
  expect((await ada.http.get(`/email-server/conversations/${order.documentId}`)).body.data.assignee).toMatchObject({ id: ben.id });

  const released = await put(ben, order.documentId, { assignee: null });
  expect(released.status).toBe(200);
  expect((await row(order.documentId)).assignee).toBeNull();
});

it('without inbox.assign an agent cannot assign others nor take or release theirs: 403 and nothing changed', async () => {
  expect((await put(ben, order.documentId, { assignee: cleo.id, status: 'closed' })).status).toBe(403);
  expect(await row(order.documentId)).toMatchObject({ assignee: null, status: 'open' });

  expect((await put(cleo, order.documentId, { assignee: cleo.id })).status).toBe(200);
  for (const body of [{ assignee: ben.id }, { assignee: null }, { assignee: null, status: 'closed' }]) {
    const res = await put(ben, order.documentId, body);
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('ForbiddenError');
  }
  expect(await row(order.documentId)).toMatchObject({ assignee: cleo.id, status: 'open' });
  // The route itself needs inbox.reply.
  expect((await put(readerOnly, order.documentId, { assignee: readerOnly.id })).status).toBe(403);

  // With inbox.assign: to someone else, and a status change by the non-owner still works.
  const assigned = await put(cleo, refund.documentId, { assignee: ben.id });
  expect(assigned.status).toBe(200);
  expect((await row(refund.documentId)).assignee).toBe(ben.id);
  expect((await put(ben, order.documentId, { status: 'closed' })).status).toBe(200);
  expect(await row(order.documentId)).toMatchObject({ assignee: cleo.id, status: 'closed' });
});

it('the assignee must be an existing, active admin user', async () => {
  const missing = await put(cleo, order.documentId, { assignee: 999_999 });
  expect(missing.status).toBe(400);
  expect(missing.body.error.details.errors).toEqual([expect.objectContaining({ path: ['assignee'] })]);
  await helpdesk.app.strapi.db.query('admin::user').update({ where: { id: readerOnly.id }, data: { isActive: false } });
  const inactive = await put(cleo, order.documentId, { assignee: readerOnly.id });
  expect(inactive.status).toBe(400);
  expect((await row(order.documentId)).assignee).toBe(cleo.id);
  const agents = (await cleo.http.get('/email-server/inbox/agents')).body.data as any[];
  expect(agents.map((a) => a.id).sort()).toEqual([ada.id, ben.id, cleo.id].sort());
  expect(agents.find((a) => a.id === ada.id)).toEqual({ id: ada.id, name: 'Ada Admin', email: 'admin@example.com' });
  // Without inbox.assign: names and ids, no emails.
  const named = (await ben.http.get('/email-server/inbox/agents')).body.data as any[];
  expect(named.find((a) => a.id === ada.id)).toEqual({ id: ada.id, name: 'Ada Admin' });
  expect(named.filter((a) => 'email' in a)).toEqual([]);
});

it('the list filters by owner: mine, nobody, an id', async () => {
  helpdesk.dovecot.deliver(mail({ subject: 'Nobody owns me', from: 'Finn <finn@customer.example>' }), helpdesk.box);
  await helpdesk.fetchExpecting(1);
  const subjects = async (agent: TestAgent, query: string) => (await list(agent, query)).map((c) => c.subject).sort();
  expect(await subjects(ben, '?assignee=me')).toEqual(['Refund']);
  expect(await subjects(cleo, '?assignee=me')).toEqual(['Order 17']);
  expect(await subjects(ada, '?assignee=none')).toEqual(['Nobody owns me']);
  expect(await subjects(ada, `?assignee=${cleo.id}`)).toEqual(['Order 17']);
  expect((await ada.http.get('/email-server/conversations?assignee=someone')).status).toBe(400);
});

it('read state is per agent: one reads, the others still see it unread; automatic mail counts for nobody', async () => {
  const first = mail({ subject: 'Broken lid', from: 'Gia <gia@customer.example>' });
  helpdesk.dovecot.deliver(first, helpdesk.box);
  await helpdesk.fetchExpecting(1);
  const lid = await bySubject(ben, 'Broken lid');
  expect(lid.unread).toBe(true);
  expect((await bySubject(cleo, 'Broken lid')).unread).toBe(true);

  expect((await ben.http.get(`/email-server/conversations/${lid.documentId}`)).status).toBe(200);
  expect((await bySubject(ben, 'Broken lid')).unread).toBe(false);
  expect((await bySubject(cleo, 'Broken lid')).unread).toBe(true);
  expect((await bySubject(ada, 'Broken lid')).unread).toBe(true);

  // An auto-reply in the thread is no news for Ben.
  helpdesk.dovecot.deliver(
    mail({ subject: 'Auto: Broken lid', from: 'Gia <gia@customer.example>', inReplyTo: messageIdOf(first)!, extraHeaders: 'Auto-Submitted: auto-replied' }),
    helpdesk.box
  );
  await helpdesk.fetchExpecting(1);
  expect((await bySubject(ben, 'Broken lid')).unread).toBe(false);

  // Gia writing again is.
  helpdesk.dovecot.deliver(mail({ subject: 'Re: Broken lid', from: 'Gia <gia@customer.example>', inReplyTo: messageIdOf(first)! }), helpdesk.box);
  await helpdesk.fetchExpecting(1);
  expect((await bySubject(ben, 'Broken lid')).unread).toBe(true);
});

it('conversations from before per-agent read state keep their unread state, for every agent', async () => {
  const conversations = helpdesk.app.strapi.db.query('plugin::email-server.conversation');
  const old = { server: helpdesk.server.documentId, status: 'open', participants: [], lastMessageAt: new Date('2025-01-02T03:04:05Z'), automatic: false };
  // As rows stored by the previous version: one global flag, no person-mail time.
  await conversations.createMany({
    data: [
      { documentId: 'legacyunread000000000001', subject: 'Legacy unread', unread: true, ...old },
      { documentId: 'legacyread00000000000001', subject: 'Legacy read', unread: false, ...old },
    ],
  });
  await helpdesk.app.strapi.plugin('email-server').service('read-state').backfill();
  for (const agent of [ada, ben, cleo]) {
    expect((await bySubject(agent, 'Legacy unread')).unread).toBe(true);
    expect((await bySubject(agent, 'Legacy read')).unread).toBe(false);
  }
  expect((await ben.http.get('/email-server/conversations/legacyunread000000000001')).status).toBe(200);
  expect((await bySubject(ben, 'Legacy unread')).unread).toBe(false);
  expect((await bySubject(cleo, 'Legacy unread')).unread).toBe(true);
});

it('two agents taking one unowned conversation: the second is told it was taken (409), the first keeps it', async () => {
  helpdesk.dovecot.deliver(mail({ subject: 'Race', from: 'Rae <rae@customer.example>' }), helpdesk.box);
  await helpdesk.fetchExpecting(1);
  const race = await bySubject(ada, 'Race');
  // Cleo takes it after Ben's request has read "nobody owns it" and before it writes: her write
  // goes straight to the table from the first write hook of Ben's request.
  const table = helpdesk.app.strapi.db.metadata.get('plugin::email-server.conversation').tableName;
  let interleaved = false;
  const cleoTakesIt = async () => {
    if (interleaved) return;
    interleaved = true;
    await helpdesk.app.strapi.db.connection(table).where({ document_id: race.documentId }).update({ assignee: cleo.id });
  };
  const unsubscribe = helpdesk.app.strapi.db.lifecycles.subscribe({
    models: ['plugin::email-server.conversation'],
    beforeUpdate: cleoTakesIt,
    beforeUpdateMany: cleoTakesIt,
  } as any);
  try {
    const res = await put(ben, race.documentId, { assignee: ben.id });
    expect(interleaved).toBe(true);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ status: 409, name: 'ConflictError', message: 'Someone else took this conversation first.' });
  } finally {
    (unsubscribe as () => void)();
  }
  expect((await row(race.documentId)).assignee).toBe(cleo.id);
});
