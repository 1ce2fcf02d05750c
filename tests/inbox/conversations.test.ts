/**
 * Conversations: threading, the agent's reply through the same server, safe HTML, attachments,
 * filters and permissions.
 */
import { bootStrapi, createLimitedAdmin, type TestApp } from '../helpers/strapi';
import { startDovecot, type Dovecot } from '../helpers/dovecot';
import { fetchNow as fetchMailbox, mailboxServer } from '../helpers/inbox';
import { startSmtpServer, type ScriptedSmtp } from '../helpers/smtp-server';
import { mail, messageIdOf } from '../helpers/mails';

let app: TestApp;
let dovecot: Dovecot;
let smtp: ScriptedSmtp;
let server: any;
let box: string;

beforeAll(async () => {
  [dovecot, smtp] = await Promise.all([startDovecot(), startSmtpServer()]);
  app = await bootStrapi({ EMAIL_SERVER_POLLING: 'false' });
  box = dovecot.newMailbox();
  const res = await app
    .as()
    .post('/email-server/servers')
    .send(mailboxServer(dovecot, box, 'imap', { name: 'Helpdesk', senderEmail: 'help@example.com', senderName: 'Help Desk', smtpPort: smtp.port, smtpSecurity: 'none' }));
  server = res.body.data;
}, 120_000);
afterAll(async () => {
  await app?.close();
  await Promise.all([dovecot?.stop(), smtp?.stop()]);
});

const fetchNow = async () => {
  const res = await fetchMailbox(app, server.documentId);
  expect(res.status).toBe(200);
  return res.body.data;
};
const conversations = async (query = '') => {
  const res = await app.as().get(`/email-server/conversations${query}`);
  expect(res.status).toBe(200);
  return res.body;
};

it('threads a customer mail, the agent reply and the customer answer into one conversation', async () => {
  const first = mail({ subject: 'Broken widget', from: 'Carol <carol@customer.example>', to: 'help@example.com', body: 'My widget is broken.' });
  dovecot.deliver(first, box);
  await fetchNow();
  const list = await conversations();
  const convo = list.data.find((c: any) => c.subject === 'Broken widget');
  expect(convo).toMatchObject({
    status: 'open',
    unread: true,
    server: { documentId: server.documentId, name: 'Helpdesk' },
    participants: [{ address: 'carol@customer.example', name: 'Carol' }],
  });

  // The agent replies: the mail goes out through the same server, threaded.
  const reply = await app.as().post(`/email-server/conversations/${convo.documentId}/reply`).send({ text: 'Sorry! A new one is on its way.' });
  expect(reply.status).toBe(200);
  expect(reply.body.data).toMatchObject({ direction: 'outbound', subject: 'Re: Broken widget', inReplyTo: messageIdOf(first) });
  const sent = smtp.received.at(-1)!;
  expect(sent.rcptTo).toEqual(['carol@customer.example']);
  expect(sent.mail.from?.value[0]).toEqual({ address: 'help@example.com', name: 'Help Desk' });
  expect(sent.mail.subject).toBe('Re: Broken widget');
  expect(sent.mail.inReplyTo).toBe(messageIdOf(first));
  expect(sent.mail.references).toEqual(messageIdOf(first));
  expect(sent.mail.messageId).toBe(reply.body.data.messageId);

  // The customer answers the agent's reply: same conversation.
  const answer = mail({
    subject: 'Re: Broken widget',
    from: 'Carol <carol@customer.example>',
    inReplyTo: reply.body.data.messageId,
    references: `${messageIdOf(first)} ${reply.body.data.messageId}`,
    body: 'Thanks!',
  });
  dovecot.deliver(answer, box);
  await fetchNow();
  const detail = (await app.as().get(`/email-server/conversations/${convo.documentId}`)).body.data;
  expect(detail.messages.map((m: any) => [m.direction, m.text?.trim()])).toEqual([
    ['inbound', 'My widget is broken.'],
    ['outbound', 'Sorry! A new one is on its way.'],
    ['inbound', 'Thanks!'],
  ]);
  expect((await conversations()).data.filter((c: any) => c.subject === 'Broken widget')).toHaveLength(1);
  // Opening it marked it read.
  expect((await conversations()).data.find((c: any) => c.documentId === convo.documentId).unread).toBe(false);
});

it('serves mail HTML without scripts, handlers or remote content unless asked', async () => {
  dovecot.deliver(
    [
      'From: mallory@customer.example',
      'To: help@example.com',
      'Subject: Evil html',
      'Message-ID: <evil@customer.example>',
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p onclick="steal()">Hi</p><script>alert(1)</script><img src="x" onerror="alert(2)"><img src="https://tracker.example/pixel.gif"><a href="javascript:alert(3)">link</a><iframe src="https://evil.example"></iframe><div style="background:url(https://tracker.example/bg.gif)">styled</div>',
      '',
    ].join('\r\n'),
    box
  );
  await fetchNow();
  const convo = (await conversations('?q=evil')).data[0];
  const html = (await app.as().get(`/email-server/conversations/${convo.documentId}`)).body.data.messages[0].html;
  expect(html).toContain('<p>Hi</p>');
  for (const bad of ['<script', 'onerror', 'onclick', 'javascript:', '<iframe', ' src="https://tracker.example', 'bg.gif']) {
    expect(html).not.toContain(bad);
  }
  expect(html).toContain('data-remote-src="https://tracker.example/pixel.gif"');
  const remote = (await app.as().get(`/email-server/conversations/${convo.documentId}?remote=1`)).body.data.messages[0].html;
  expect(remote).toContain('src="https://tracker.example/pixel.gif"');
  expect(remote).not.toContain('onerror');
});

it('downloads an attachment as a file, never inline', async () => {
  dovecot.deliver(
    [
      'From: dan@customer.example',
      'To: help@example.com',
      'Subject: Receipt attached',
      'Message-ID: <receipt@customer.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="z"',
      '',
      '--z',
      'Content-Type: text/plain',
      '',
      'see attachment',
      '--z',
      'Content-Type: text/html; name="receipt.html"',
      'Content-Disposition: attachment; filename="receipt.html"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('<script>alert(1)</script>receipt').toString('base64'),
      '--z--',
      '',
    ].join('\r\n'),
    box
  );
  await fetchNow();
  const convo = (await conversations('?q=receipt')).data[0];
  const [message] = (await app.as().get(`/email-server/conversations/${convo.documentId}`)).body.data.messages;
  expect(message.attachments).toEqual([expect.objectContaining({ filename: 'receipt.html', contentType: 'text/html' })]);
  const file = await app.as().get(message.attachments[0].url).buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
  expect(file.status).toBe(200);
  expect(file.headers['content-disposition']).toMatch(/^attachment; filename\*=UTF-8''receipt\.html$/);
  expect(file.headers['x-content-type-options']).toBe('nosniff');
  expect((file.body as Buffer).toString()).toBe('<script>alert(1)</script>receipt');
  expect((await app.as().get(`/email-server/messages/${message.documentId}/attachments/9`)).status).toBe(404);
});

it('filters by server and status, searches sender and subject, paginates newest first', async () => {
  for (let i = 0; i < 3; i++) dovecot.deliver(mail({ subject: `Page test ${i}`, from: `page${i}@customer.example`, date: new Date(Date.now() + i * 1000) }), box);
  await fetchNow();
  const page1 = await conversations('?q=page%20test&pageSize=2&page=1');
  expect(page1.meta.pagination).toMatchObject({ page: 1, pageSize: 2, total: 3, pageCount: 2 });
  expect(page1.data.map((c: any) => c.subject)).toEqual(['Page test 2', 'Page test 1']);
  expect((await conversations('?q=page0@customer')).data.map((c: any) => c.subject)).toEqual(['Page test 0']);
  expect((await conversations(`?server=${server.documentId}&q=page`)).meta.pagination.total).toBe(3);
  expect((await conversations('?server=other&q=page')).meta.pagination.total).toBe(0);

  const target = page1.data[0];
  const closed = await app.as().put(`/email-server/conversations/${target.documentId}`).send({ status: 'closed' });
  expect(closed.body.data.status).toBe('closed');
  expect((await conversations('?status=closed')).data.map((c: any) => c.documentId)).toEqual([target.documentId]);
  expect((await app.as().put(`/email-server/conversations/${target.documentId}`).send({ status: 'archived' })).status).toBe(400);
  expect((await app.as().get('/email-server/conversations?pageSize=1000')).status).toBe(400);
  expect((await app.as().get('/email-server/conversations/nope')).status).toBe(404);
});

it('a failed reply stores nothing and says why; an empty reply is refused', async () => {
  const convo = (await conversations('?q=broken%20widget')).data[0];
  const before = (await app.as().get(`/email-server/conversations/${convo.documentId}`)).body.data.messages.length;
  expect((await app.as().post(`/email-server/conversations/${convo.documentId}/reply`).send({ text: '   ' })).status).toBe(400);

  await smtp.stop();
  const failed = await app.as().post(`/email-server/conversations/${convo.documentId}/reply`).send({ text: 'Will not arrive' });
  expect(failed.status).toBe(400);
  expect(failed.body.error.message).toMatch(/Sending through "Helpdesk" failed: Connection refused on 127\.0\.0\.1:\d+/);
  const after = (await app.as().get(`/email-server/conversations/${convo.documentId}`)).body.data.messages.length;
  expect(after).toBe(before);
  smtp = await startSmtpServer();
  await app.as().put(`/email-server/servers/${server.documentId}`).send({ smtpPort: smtp.port });
});

it('inbox routes need their own actions', async () => {
  const convo = (await conversations()).data[0];
  const reader = await createLimitedAdmin(app, ['plugin::email-server.inbox.read']);
  const serversOnly = await createLimitedAdmin(app, ['plugin::email-server.servers.read', 'plugin::email-server.servers.update']);
  const as = (token: string) => ({
    get: (url: string) => app.http.get(url).set('Authorization', `Bearer ${token}`),
    post: (url: string) => app.http.post(url).set('Authorization', `Bearer ${token}`),
    put: (url: string) => app.http.put(url).set('Authorization', `Bearer ${token}`),
  });
  expect((await as(reader).get('/email-server/conversations')).status).toBe(200);
  expect((await as(reader).post(`/email-server/conversations/${convo.documentId}/reply`).send({ text: 'x' })).status).toBe(403);
  expect((await as(reader).put(`/email-server/conversations/${convo.documentId}`).send({ status: 'closed' })).status).toBe(403);
  expect((await as(serversOnly).get('/email-server/conversations')).status).toBe(403);
  expect((await as(serversOnly).post(`/email-server/servers/${server.documentId}/fetch`).send({})).status).toBe(403);
  expect((await app.http.get('/email-server/conversations')).status).toBe(401);
});
