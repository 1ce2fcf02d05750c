/**
 * Replies land in the IMAP mailbox's Sent folder, so the same mailbox in another mail client
 * shows them: the \Sent special-use folder, else "Sent", else the server's `sentFolder`; '' is
 * off, and a failed append leaves the reply sent with a note. Folders are read with `doveadm`.
 */
import { simpleParser } from 'mailparser';
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { startDovecot, type Dovecot } from '../helpers/dovecot';
import { fetchNow, mailboxServer } from '../helpers/inbox';
import { startSmtpServer, type ScriptedSmtp } from '../helpers/smtp-server';
import { mail } from '../helpers/mails';
import { waitUntil } from '../helpers/net';

let app: TestApp;
/** Has "Sent Items" marked \Sent beside a plain "Sent" and an "Archive". */
let special: Dovecot;
/** Has only a plain "Sent". */
let plain: Dovecot;
/** Has no folder but INBOX. */
let bare: Dovecot;
let smtp: ScriptedSmtp;

beforeAll(async () => {
  [special, plain, bare, smtp] = await Promise.all([
    startDovecot({ folders: [{ name: 'Sent Items', specialUse: '\\Sent' }, { name: 'Sent' }, { name: 'Archive' }] }),
    startDovecot({ folders: [{ name: 'Sent' }] }),
    startDovecot(),
    startSmtpServer(),
  ]);
  app = await bootStrapi({ EMAIL_SERVER_POLLING: 'false' });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await Promise.all([special?.stop(), plain?.stop(), bare?.stop(), smtp?.stop()]);
});

let count = 0;
/** A server on a new mailbox of `dovecot`, with a customer mail in its conversation. */
const helpdesk = async (dovecot: Dovecot, overrides: Record<string, unknown> = {}) => {
  count += 1;
  const box = dovecot.newMailbox();
  const res = await app
    .as()
    .post('/email-server/servers')
    .send(mailboxServer(dovecot, box, 'imap', { name: `Desk ${count}`, senderEmail: 'help@example.com', smtpPort: smtp.port, smtpSecurity: 'none', ...overrides }));
  expect(res.status).toBe(201);
  const server = res.body.data;
  const subject = `Question ${count}`;
  dovecot.deliver(mail({ subject, from: 'carol@customer.example', to: 'help@example.com' }), box);
  expect((await fetchNow(app, server.documentId)).status).toBe(200);
  const list = await app.as().get(`/email-server/conversations?server=${server.documentId}`);
  return { box, server, conversation: list.body.data[0].documentId as string };
};
const reply = async (conversation: string) => {
  const before = smtp.received.length;
  const res = await app.as().post(`/email-server/conversations/${conversation}/reply`).send({ text: 'Answered.' });
  expect(res.status).toBe(200);
  await waitUntil(() => smtp.received.length > before, 10_000, 'the reply at the SMTP server');
  return res.body.data;
};

it('appends the very message that was sent, \\Seen, to the folder marked \\Sent', async () => {
  const { box, server, conversation } = await helpdesk(special);
  expect(server.sentFolder).toBeNull();
  const before = smtp.received.length;
  const res = await app
    .as()
    .post(`/email-server/conversations/${conversation}/reply`)
    .field('text', 'The manual is attached.')
    .attach('files', Buffer.from('manual, page one\n'.repeat(2000)), { filename: 'manual.txt', contentType: 'text/plain' });
  expect(res.status).toBe(200);
  expect(res.body.data.problem).toBeNull();
  await waitUntil(() => smtp.received.length > before, 10_000, 'the reply at the SMTP server');
  const sent = smtp.received.at(-1)!;

  const saved = special.folderMails(box, 'Sent Items');
  expect(saved).toHaveLength(1);
  expect(saved[0].flags).toContain('\\Seen');
  expect(special.folderMails(box, 'Sent')).toHaveLength(0);
  const copy = await simpleParser(saved[0].text);
  expect(copy.messageId).toBe(sent.mail.messageId);
  expect(copy.messageId).toBe(res.body.data.messageId);
  expect(copy.date?.toISOString()).toBe(sent.mail.date?.toISOString());
  expect(copy.attachments.map((a) => a.filename)).toEqual(['manual.txt']);
  expect(copy.attachments[0].content.equals(sent.mail.attachments[0].content)).toBe(true);
  // Byte for byte what the SMTP server received.
  expect(saved[0].text.replace(/\r\n/g, '\n').trim()).toBe(sent.raw.replace(/\r\n/g, '\n').trim());
});

it('without a \\Sent folder, appends to the one named Sent', async () => {
  const { box, conversation } = await helpdesk(plain);
  const message = await reply(conversation);
  expect(message.problem).toBeNull();
  const saved = plain.folderMails(box, 'Sent');
  expect(saved).toHaveLength(1);
  expect((await simpleParser(saved[0].text)).messageId).toBe(message.messageId);
});

it('sentFolder names the folder; an empty sentFolder saves nothing', async () => {
  const archive = await helpdesk(special, { sentFolder: 'Archive' });
  expect(archive.server.sentFolder).toBe('Archive');
  const message = await reply(archive.conversation);
  expect(message.problem).toBeNull();
  expect(special.folderMails(archive.box, 'Archive').map((m) => m.text)).toEqual([expect.stringContaining(message.messageId)]);
  expect(special.folderMails(archive.box, 'Sent Items')).toHaveLength(0);

  const off = await helpdesk(special, { sentFolder: '' });
  expect(off.server.sentFolder).toBe('');
  const unsaved = await reply(off.conversation);
  expect(unsaved.problem).toBeNull();
  for (const folder of ['Sent Items', 'Sent', 'Archive']) expect(special.folderMails(off.box, folder)).toHaveLength(0);
  // And it stays '' through an edit that does not touch it.
  const edited = await app.as().put(`/email-server/servers/${off.server.documentId}`).send({ senderName: 'Help' });
  expect(edited.body.data.sentFolder).toBe('');
});

it('a failed append leaves the reply sent and stored, with a note on it', async () => {
  const { box, server, conversation } = await helpdesk(special, { sentFolder: 'Does Not Exist' });
  const message = await reply(conversation);
  expect(message.problem).toMatch(/^Sent, but not saved to the Sent folder "Does Not Exist": /);
  expect(message.problem).not.toContain('Imap-Password-1');
  expect(smtp.received.at(-1)!.mail.messageId).toBe(message.messageId);
  const shown = (await app.as().get(`/email-server/conversations/${conversation}`)).body.data.messages.at(-1);
  expect(shown).toMatchObject({ messageId: message.messageId, problem: message.problem });
  expect(special.folderMails(box, 'Sent Items')).toHaveLength(0);
  expect(server.sentFolder).toBe('Does Not Exist');
});

it('a mailbox with no Sent folder gets one named Sent, as mail clients make it', async () => {
  const { box, conversation } = await helpdesk(bare);
  const message = await reply(conversation);
  expect(message.problem).toBeNull();
  expect((await simpleParser(bare.folderMails(box, 'Sent')[0].text)).messageId).toBe(message.messageId);
});

it('while polling is paused after failed logins, a reply does not log in to save its copy', async () => {
  const { box, server, conversation } = await helpdesk(bare);
  await bare.setPassword(box, 'Changed-by-the-provider-1');
  for (let i = 0; i < 3; i++) await fetchNow(app, server.documentId);
  const paused = await app.as().get(`/email-server/servers/${server.documentId}`);
  expect(paused.body.data.incomingAttention).toEqual(expect.any(String));
  const attempts = bare.loginAttempts(box);
  const message = await reply(conversation);
  expect(message.problem).toMatch(/^Sent, but not saved to the Sent folder "Sent": the incoming server needs attention/);
  expect(bare.loginAttempts(box)).toBe(attempts);
});
