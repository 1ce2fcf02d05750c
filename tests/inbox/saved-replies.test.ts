/**
 * Saved replies: CRUD with unique names (case-insensitive), a Liquid syntax error as a 400 on
 * `text` with its line, no file-system include, rendering with the customer's fields, and the
 * actions: inbox.reply to list and render, inbox.manage to change (403, nothing changed).
 */
import { helpdeskOnDovecot } from '../helpers/inbox';
import { mail } from '../helpers/mails';
import { INBOX, createAgent, type TestAgent } from '../helpers/agents';

let helpdesk: Awaited<ReturnType<typeof helpdeskOnDovecot>>;
let manager: TestAgent;
let agent: TestAgent;
let reader: TestAgent;

beforeAll(async () => {
  helpdesk = await helpdeskOnDovecot();
  manager = await createAgent(helpdesk.app, [INBOX.read, INBOX.reply, INBOX.manage]);
  agent = await createAgent(helpdesk.app, [INBOX.read, INBOX.reply]);
  reader = await createAgent(helpdesk.app, [INBOX.read]);
}, 120_000);
afterAll(async () => {
  await helpdesk?.stop();
});

const stored = () => helpdesk.app.strapi.db.query('plugin::email-server.saved-reply').findMany({ orderBy: { id: 'asc' } });
const fieldErrors = (res: any) => res.body.error.details.errors.map((e: any) => [e.path[0], e.message]);

let thanks: any;

it('creates, lists, edits and deletes saved replies; names are unique whatever their case', async () => {
  const created = await manager.http.post('/email-server/saved-replies').send({ name: 'Thanks', text: 'Hello {{ customer.name }},\nthank you!' });
  expect(created.status).toBe(201);
  thanks = created.body.data;
  expect(thanks).toMatchObject({ name: 'Thanks', text: 'Hello {{ customer.name }},\nthank you!' });
  expect(await stored()).toEqual([expect.objectContaining({ documentId: thanks.documentId, name: 'Thanks' })]);

  const again = await manager.http.post('/email-server/saved-replies').send({ name: 'THANKS', text: 'x' });
  expect(again.status).toBe(400);
  expect(fieldErrors(again)).toEqual([['name', 'A saved reply with this name already exists.']]);

  const other = await manager.http.post('/email-server/saved-replies').send({ name: 'Refund policy', text: 'Refunds take 5 days.' });
  expect(other.status).toBe(201);
  const clash = await manager.http.put(`/email-server/saved-replies/${other.body.data.documentId}`).send({ name: 'thanks', text: 'y' });
  expect(clash.status).toBe(400);
  expect(fieldErrors(clash)).toEqual([['name', 'A saved reply with this name already exists.']]);

  const edited = await manager.http.put(`/email-server/saved-replies/${other.body.data.documentId}`).send({ name: 'Refunds', text: 'Refunds take 3 days.' });
  expect(edited.status).toBe(200);
  const listed = await agent.http.get('/email-server/saved-replies');
  expect(listed.status).toBe(200);
  expect(listed.body.data.map((r: any) => [r.name, r.text])).toEqual([
    ['Refunds', 'Refunds take 3 days.'],
    ['Thanks', 'Hello {{ customer.name }},\nthank you!'],
  ]);

  expect((await manager.http.delete(`/email-server/saved-replies/${other.body.data.documentId}`)).status).toBe(200);
  expect((await stored()).map((r: any) => r.name)).toEqual(['Thanks']);
  expect((await manager.http.delete(`/email-server/saved-replies/${other.body.data.documentId}`)).status).toBe(404);
});

it('two saves of one name at once: one wins, the other is a 400 on name', async () => {
  const results = await Promise.all(
    [0, 1, 2].map(() => manager.http.post('/email-server/saved-replies').send({ name: 'Shipping', text: 'It ships today.' }))
  );
  expect(results.map((r) => r.status).sort()).toEqual([201, 400, 400]);
  for (const r of results.filter((x) => x.status === 400)) expect(fieldErrors(r)).toEqual([['name', 'A saved reply with this name already exists.']]);
  expect((await stored()).filter((r: any) => r.name === 'Shipping')).toHaveLength(1);
});

it('a Liquid syntax error is a 400 on text with its line; includes and file tags are refused', async () => {
  const broken = await manager.http.post('/email-server/saved-replies').send({ name: 'Broken', text: 'Hello\n{% if customer.name %}no end' });
  expect(broken.status).toBe(400);
  expect(fieldErrors(broken)).toEqual([['text', expect.stringMatching(/^Line 2: /)]]);

  for (const text of ["{% include '/etc/passwd' %}", "{% render 'secrets' %}", "{% layout '/etc/hostname' %}x"]) {
    const res = await manager.http.post('/email-server/saved-replies').send({ name: 'Files', text });
    expect(res.status).toBe(400);
    expect(fieldErrors(res)).toEqual([['text', expect.stringContaining('not available in saved replies')]]);
  }
  expect((await stored()).map((r: any) => r.name).sort()).toEqual(['Shipping', 'Thanks']);
});

it('renders for a conversation: the last inbound sender, the agent and the subject', async () => {
  helpdesk.dovecot.deliver(mail({ subject: 'Lost key', from: 'Max Mustermann <max@customer.example>' }), helpdesk.box);
  await helpdesk.fetchExpecting(1);
  const convo = (await agent.http.get('/email-server/conversations')).body.data[0];
  const template = await manager.http.post('/email-server/saved-replies').send({
    name: 'Signed',
    text: 'Dear {{ customer.name }} ({{ customer.email }}),\nabout "{{ conversation.subject }}": {{ customer.name | upcase }}\n{{ customer.constructor }}{{ agent.name }}',
  });
  expect(template.status).toBe(201);
  const rendered = await agent.http.post(`/email-server/saved-replies/${template.body.data.documentId}/render`).send({ conversation: convo.documentId });
  expect(rendered.status).toBe(200);
  expect(rendered.body.data).toEqual({
    text: `Dear Max Mustermann (max@customer.example),\nabout "Lost key": MAX MUSTERMANN\n${agent.name}`,
  });
  const missing = await agent.http.post(`/email-server/saved-replies/${template.body.data.documentId}/render`).send({ conversation: 'nope' });
  expect(missing.status).toBe(400);
  expect(fieldErrors(missing)[0][0]).toBe('conversation');
});

it('a saved reply that loops past the limits saves, but filling it in is a 400 on text, and the server goes on answering', async () => {
  const convo = (await agent.http.get('/email-server/conversations')).body.data[0];
  // Saving is allowed: the text parses, and what a loop costs depends on the conversation.
  const runaway = [
    '{% for i in (1..99999999) %}x{% endfor %}',
    '{% for i in (1..900) %}{% for j in (1..900) %}{% for k in (1..900) %}x{% endfor %}{% endfor %}{% endfor %}',
  ];
  for (const [n, text] of runaway.entries()) {
    const saved = await manager.http.post('/email-server/saved-replies').send({ name: `Runaway ${n}`, text });
    expect(saved.status).toBe(201);
    const rendered = await agent.http.post(`/email-server/saved-replies/${saved.body.data.documentId}/render`).send({ conversation: convo.documentId });
    expect(rendered.status).toBe(400);
    expect(fieldErrors(rendered)).toEqual([['text', expect.stringMatching(new RegExp(`^The saved reply "Runaway ${n}" could not be filled in: .*limit exceeded`))]]);
    expect((await agent.http.get('/email-server/conversations')).status).toBe(200);
  }
});

it('each action needs its permission: 403 and nothing changed', async () => {
  const before = await stored();
  const id = thanks.documentId;
  for (const res of [
    await agent.http.post('/email-server/saved-replies').send({ name: 'Sneaky', text: 'x' }),
    await agent.http.put(`/email-server/saved-replies/${id}`).send({ name: 'Sneaky', text: 'x' }),
    await agent.http.delete(`/email-server/saved-replies/${id}`),
    await reader.http.get('/email-server/saved-replies'),
    await reader.http.post(`/email-server/saved-replies/${id}/render`).send({ conversation: 'x' }),
  ]) {
    expect(res.status).toBe(403);
  }
  expect(await stored()).toEqual(before);
});
