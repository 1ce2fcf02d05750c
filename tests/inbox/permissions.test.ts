/**
 * RBAC on every inbox route: an admin whose role has every other inbox action gets 403 on a route
 * that needs the one it lacks, and nothing changes (the conversation, its messages and notes, the
 * saved replies, the mail still waiting in Dovecot, and the SMTP server receives nothing).
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import { createLimitedAdmin } from '../helpers/strapi';
import { helpdeskOnDovecot, storedMails } from '../helpers/inbox';
import { startSmtpServer, type ScriptedSmtp } from '../helpers/smtp-server';
import { mail } from '../helpers/mails';

const ACTIONS = {
  read: 'plugin::email-server.inbox.read',
  reply: 'plugin::email-server.inbox.reply',
  assign: 'plugin::email-server.inbox.assign',
  manage: 'plugin::email-server.inbox.manage',
};

let helpdesk: Awaited<ReturnType<typeof helpdeskOnDovecot>>;
let smtp: ScriptedSmtp;
let conversation: string;
let message: string;
let savedReply: string;
let superAdmin: number;

beforeAll(async () => {
  [helpdesk, smtp] = await Promise.all([helpdeskOnDovecot(), startSmtpServer()]);
  const { app, dovecot, box, server, fetchExpecting } = helpdesk;
  // Replies would really go out: a refused one must be missing at this SMTP server, not fail to connect.
  expect((await app.as().put(`/email-server/servers/${server.documentId}`).send({ smtpPort: smtp.port })).status).toBe(200);
  const withFile = await new MailComposer({
    from: 'Carol <carol@customer.example>',
    to: 'help@example.com',
    subject: 'The manual',
    text: 'Which page?',
    attachments: [{ filename: 'manual.pdf', content: Buffer.from('%PDF-1.4 manual'), contentType: 'application/pdf' }],
  })
    .compile()
    .build();
  dovecot.deliver(withFile, box);
  await fetchExpecting(1);
  conversation = (await app.as().get('/email-server/conversations')).body.data[0].documentId;
  message = (await storedMails(app, server.documentId))[0].documentId;
  const saved = await app.as().post('/email-server/saved-replies').send({ name: 'Thanks', text: 'Thank you, {{ customer.name }}.' });
  expect(saved.status).toBe(201);
  savedReply = saved.body.data.documentId;
  superAdmin = (await app.as().get('/admin/users/me')).body.data.id;
  // Waiting in the mailbox: a refused "Fetch now" must leave it there.
  dovecot.deliver(mail({ subject: 'Still waiting', from: 'dan@customer.example', to: 'help@example.com' }), box);
}, 120_000);
afterAll(async () => {
  await helpdesk?.stop();
  await smtp?.stop();
});

/** [method, path, body, the action it needs]; a body of 'multipart' sends the reply as a form with a file. */
const routes = (): Array<[string, string, unknown, string]> => [
  ['get', '/email-server/inbox/servers', undefined, ACTIONS.read],
  ['get', '/email-server/conversations', undefined, ACTIONS.read],
  ['get', `/email-server/conversations/${conversation}`, undefined, ACTIONS.read],
  ['get', `/email-server/conversations/${conversation}/customer`, undefined, ACTIONS.read],
  ['get', `/email-server/messages/${message}/attachments/0`, undefined, ACTIONS.read],
  ['get', '/email-server/inbox/changes', undefined, ACTIONS.read],
  ['get', '/email-server/inbox/agents', undefined, ACTIONS.read],
  ['post', `/email-server/servers/${helpdesk.server.documentId}/fetch`, {}, ACTIONS.read],
  ['put', `/email-server/conversations/${conversation}`, { status: 'closed' }, ACTIONS.reply],
  ['post', `/email-server/conversations/${conversation}/reply`, { text: 'Page 4.' }, ACTIONS.reply],
  ['post', `/email-server/conversations/${conversation}/reply`, 'multipart', ACTIONS.reply],
  ['post', `/email-server/conversations/${conversation}/forward`, { to: ['legal@partner.example'] }, ACTIONS.reply],
  ['post', `/email-server/conversations/${conversation}/notes`, { text: 'Sneaked in' }, ACTIONS.reply],
  ['get', '/email-server/saved-replies', undefined, ACTIONS.reply],
  ['post', `/email-server/saved-replies/${savedReply}/render`, { conversation }, ACTIONS.reply],
  ['put', `/email-server/conversations/${conversation}`, { assignee: superAdmin }, ACTIONS.assign],
  ['post', '/email-server/saved-replies', { name: 'Sneaked', text: 'x' }, ACTIONS.manage],
  ['put', `/email-server/saved-replies/${savedReply}`, { name: 'Renamed', text: 'x' }, ACTIONS.manage],
  ['delete', `/email-server/saved-replies/${savedReply}`, undefined, ACTIONS.manage],
];

const call = (method: string, path: string, body: unknown, token: string) => {
  const req = (helpdesk.app.http as any)[method](path).set('Authorization', `Bearer ${token}`);
  if (body === 'multipart') return req.field('text', 'Page 4.').attach('files', Buffer.from('page 4'), { filename: 'page4.txt', contentType: 'text/plain' });
  return body === undefined ? req : req.send(body);
};

/** Everything the refused calls could have changed, read from the database (reading through the API would mark it read). */
const snapshot = async () => {
  const q = (uid: string) => helpdesk.app.strapi.db.query(`plugin::email-server.${uid}` as any);
  const row = await q('conversation').findOne({ where: { documentId: conversation } });
  return {
    conversation: { status: row.status, assignee: row.assignee ?? null },
    inbound: await q('inbound-message').count({}),
    outbound: await q('outbound-message').count({}),
    notes: await q('note').count({}),
    savedReplies: (await q('saved-reply').findMany({})).map((r: any) => [r.name, r.text]),
  };
};

it('answers 403 on every inbox route to an admin whose role lacks its action, and changes nothing', async () => {
  const all = Object.values(ACTIONS);
  const tokens = new Map<string, string>();
  for (const action of all) tokens.set(action, await createLimitedAdmin(helpdesk.app, all.filter((a) => a !== action)));

  const before = await snapshot();
  expect(before).toMatchObject({ conversation: { status: 'open', assignee: null }, inbound: 1, outbound: 0, notes: 0, savedReplies: [['Thanks', 'Thank you, {{ customer.name }}.']] });

  for (const [method, path, body, action] of routes()) {
    const res = await call(method, path, body, tokens.get(action)!);
    expect([method, path, body === 'multipart' ? 'multipart' : '', res.status]).toEqual([method, path, body === 'multipart' ? 'multipart' : '', 403]);
  }

  expect(await snapshot()).toEqual(before);
  expect(smtp.received).toHaveLength(0);
  // The refused fetch left the waiting mail: the super admin's fetch stores it.
  await helpdesk.fetchExpecting(1);
});
