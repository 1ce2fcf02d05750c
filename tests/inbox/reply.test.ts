/**
 * Replies as agents write them: reply-all, explicit To/Cc/Bcc, attachments (multipart, streamed,
 * limited), forwards, field errors and permissions. Real Dovecot for the mail that comes in, real
 * smtp-server for what goes out; the limit is 1 MB here so the refusals stay quick.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import MailComposer from 'nodemailer/lib/mail-composer';
import { bootStrapi, createLimitedAdmin, type TestApp } from '../helpers/strapi';
import { startDovecot, type Dovecot } from '../helpers/dovecot';
import { fetchNow, mailboxServer } from '../helpers/inbox';
import { startSmtpServer, type ScriptedSmtp } from '../helpers/smtp-server';
import { mail } from '../helpers/mails';
import { waitUntil } from '../helpers/net';

const LIMIT = 1024 * 1024;
let app: TestApp;
let dovecot: Dovecot;
let smtp: ScriptedSmtp;
let server: any;
let box: string;
let port: number;

beforeAll(async () => {
  [dovecot, smtp] = await Promise.all([startDovecot(), startSmtpServer()]);
  app = await bootStrapi({ EMAIL_SERVER_POLLING: 'false', EMAIL_SERVER_MAX_ATTACHMENT_BYTES: String(LIMIT) });
  box = dovecot.newMailbox();
  const res = await app
    .as()
    .post('/email-server/servers')
    .send(
      mailboxServer(dovecot, box, 'imap', {
        name: 'Helpdesk',
        senderEmail: 'help@example.com',
        replyTo: 'support@example.com',
        smtpPort: smtp.port,
        smtpSecurity: 'none',
        sentFolder: '',
      })
    );
  expect(res.status).toBe(201);
  server = res.body.data;
  // Another server of ours: its addresses are ours too.
  const other = dovecot.newMailbox();
  const sales = await app
    .as()
    .post('/email-server/servers')
    .send(mailboxServer(dovecot, other, 'imap', { name: 'Sales', senderEmail: 'sales@example.com', smtpPort: smtp.port, smtpSecurity: 'none' }));
  expect(sales.status).toBe(201);
  const httpServer = app.strapi.server.httpServer;
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  port = (httpServer.address() as AddressInfo).port;
}, 120_000);
afterAll(async () => {
  await app?.close();
  await Promise.all([dovecot?.stop(), smtp?.stop()]);
});

/** Delivers a mail to the Helpdesk mailbox, fetches it and answers its conversation. */
const conversationOf = async (raw: string | Buffer, subject: string) => {
  dovecot.deliver(raw, box);
  const fetched = await fetchNow(app, server.documentId);
  expect(fetched.status).toBe(200);
  const list = await app.as().get(`/email-server/conversations?q=${encodeURIComponent(subject)}`);
  const convo = list.body.data.find((c: any) => c.subject === subject);
  expect(convo).toBeDefined();
  return convo.documentId as string;
};
const detail = async (documentId: string) => (await app.as().get(`/email-server/conversations/${documentId}`)).body.data;
const storedOutbound = () => app.strapi.db.query('plugin::email-server.outbound-message').count({});
const leftovers = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('email-server-upload-') || n.startsWith('email-server-mail-'));
const addresses = (value: any) => (value ? (Array.isArray(value) ? value : [value]).flatMap((v: any) => v.value.map((a: any) => a.address)) : []);

it('a reply-all goes to the Reply-To and the other To/Cc addresses, never to our own servers', async () => {
  const subject = 'Order 17 is late';
  const raw = mail({
    subject,
    from: 'Carol <carol@customer.example>',
    to: 'help@example.com, Dan <dan@customer.example>, ' + box,
    extraHeaders: 'Reply-To: carol-replies@customer.example\r\nCc: SALES@example.com, erin@customer.example, Carol-Replies@customer.example, DAN@customer.example, support@example.com',
  });
  const convo = await conversationOf(raw, subject);
  const shown = await detail(convo);
  expect(shown.replyRecipients).toEqual([{ address: 'carol-replies@customer.example' }]);
  expect(shown.replyCc.map((a: any) => a.address)).toEqual(['dan@customer.example', 'erin@customer.example']);

  const before = smtp.received.length;
  const res = await app.as().post(`/email-server/conversations/${convo}/reply`).send({ text: 'It ships today.' });
  expect(res.status).toBe(200);
  await waitUntil(() => smtp.received.length > before, 10_000, 'the reply at the SMTP server');
  const sent = smtp.received.at(-1)!;
  expect([...sent.rcptTo].sort()).toEqual(['carol-replies@customer.example', 'dan@customer.example', 'erin@customer.example']);
  expect(addresses(sent.mail.to)).toEqual(['carol-replies@customer.example']);
  expect(addresses(sent.mail.cc)).toEqual(['dan@customer.example', 'erin@customer.example']);
  const message = (await detail(convo)).messages.at(-1);
  expect(message).toMatchObject({ direction: 'outbound', to: [{ address: 'carol-replies@customer.example' }], bcc: [] });
  expect(message.cc.map((a: any) => a.address)).toEqual(['dan@customer.example', 'erin@customer.example']);
});

it('explicit To, Cc and Bcc reach the envelope; Bcc stays out of the headers', async () => {
  const subject = 'Explicit recipients';
  const convo = await conversationOf(mail({ subject, from: 'carol@customer.example' }), subject);
  const before = smtp.received.length;
  const res = await app
    .as()
    .post(`/email-server/conversations/${convo}/reply`)
    .send({ text: 'Looping in the team.', to: ['ann@a.example'], cc: ['ben@b.example, cat@c.example'], bcc: ['hidden@d.example'] });
  expect(res.status).toBe(200);
  await waitUntil(() => smtp.received.length > before, 10_000, 'the reply at the SMTP server');
  const sent = smtp.received.at(-1)!;
  expect([...sent.rcptTo].sort()).toEqual(['ann@a.example', 'ben@b.example', 'cat@c.example', 'hidden@d.example']);
  expect(addresses(sent.mail.to)).toEqual(['ann@a.example']);
  expect(addresses(sent.mail.cc)).toEqual(['ben@b.example', 'cat@c.example']);
  expect(sent.raw).not.toContain('hidden@d.example');
  const message = (await detail(convo)).messages.at(-1);
  expect(message.bcc).toEqual([{ address: 'hidden@d.example' }]);
});

it('files sent as multipart arrive as attachments, are stored and download; no temp file stays', async () => {
  const subject = 'Please send the invoice';
  const convo = await conversationOf(mail({ subject, from: 'carol@customer.example' }), subject);
  const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(300_000, 7)]);
  const notes = Buffer.from('line one\nline two\n');
  const before = smtp.received.length;
  const res = await app
    .as()
    .post(`/email-server/conversations/${convo}/reply`)
    .field('text', 'Here you are.')
    .field('cc', 'ann@a.example, ben@b.example')
    .attach('files', pdf, { filename: 'invoice 17.pdf', contentType: 'application/pdf' })
    .attach('files', notes, { filename: 'notes.txt', contentType: 'text/plain' });
  expect(res.status).toBe(200);
  expect(res.body.data.attachments.map((a: any) => [a.filename, a.size])).toEqual([
    ['invoice 17.pdf', pdf.length],
    ['notes.txt', notes.length],
  ]);
  await waitUntil(() => smtp.received.length > before, 10_000, 'the reply at the SMTP server');
  const sent = smtp.received.at(-1)!;
  expect(addresses(sent.mail.cc)).toEqual(['ann@a.example', 'ben@b.example']);
  expect(sent.mail.attachments.map((a) => a.filename)).toEqual(['invoice 17.pdf', 'notes.txt']);
  expect(sent.mail.attachments[0].content.equals(pdf)).toBe(true);
  expect(sent.mail.attachments[1].content.equals(notes)).toBe(true);

  const message = (await detail(convo)).messages.at(-1);
  expect(message.attachments).toHaveLength(2);
  const download = await app
    .as()
    .get(message.attachments[0].url)
    .buffer(true)
    .parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  expect(download.status).toBe(200);
  expect((download.body as Buffer).equals(pdf)).toBe(true);
  expect(leftovers()).toEqual([]);
});

/** A raw upload to the reply route, so the test controls its headers and when it stops writing. */
const upload = (convo: string, headers: Record<string, string | number>, write: (req: http.ClientRequest, answered: () => boolean) => Promise<void>) =>
  new Promise<{ status: number; body: any }>((resolve, reject) => {
    let answer: { status: number; body: any } | null = null;
    let responded = false;
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `/email-server/conversations/${convo}/reply`,
      headers: { Authorization: `Bearer ${app.token}`, 'Content-Type': 'multipart/form-data; boundary=XyZ', ...headers },
    });
    req.on('response', (res) => {
      responded = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        answer = { status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
        resolve(answer);
        req.destroy();
      });
    });
    // A bound, not a timing: without an answer the test fails instead of hanging.
    req.setTimeout(15_000, () => reject(new Error('the server did not answer the upload')));
    // The connection may close once the answer is out: a write after that may fail.
    req.on('error', (error) => (answer ? undefined : reject(error)));
    write(req, () => responded).catch(reject);
  });
const partHead = '--XyZ\r\nContent-Disposition: form-data; name="text"\r\n\r\nBig file\r\n--XyZ\r\nContent-Disposition: form-data; name="files"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n';

it('an upload whose Content-Length is over the limit is refused with 413 before it is read', async () => {
  const subject = 'Large upload by length';
  const convo = await conversationOf(mail({ subject, from: 'carol@customer.example' }), subject);
  const [sentBefore, storedBefore] = [smtp.received.length, await storedOutbound()];
  const res = await upload(convo, { 'Content-Length': 25 * 1024 * 1024 }, async (req) => {
    // Only the first bytes: the answer must come without the rest.
    req.write(partHead);
  });
  expect(res.status).toBe(413);
  expect(res.body.error.message).toMatch(/^The attachments are larger than 1 MB in total/);
  expect(smtp.received.length).toBe(sentBefore);
  expect(await storedOutbound()).toBe(storedBefore);
  expect(leftovers()).toEqual([]);
});

it('a chunked upload is refused with 413 as soon as it passes the limit, and nothing is sent or stored', async () => {
  const subject = 'Large upload by stream';
  const convo = await conversationOf(mail({ subject, from: 'carol@customer.example' }), subject);
  const [sentBefore, storedBefore] = [smtp.received.length, await storedOutbound()];
  let written = 0;
  const res = await upload(convo, { 'Transfer-Encoding': 'chunked' }, async (req, answered) => {
    req.write(partHead);
    const chunk = Buffer.alloc(64 * 1024, 1);
    // Writes until the server answers (never ending the body), at most 40 times the limit.
    while (!answered() && written < 40 * LIMIT) {
      written += chunk.length;
      if (!req.write(chunk)) {
        await new Promise<void>((r) => {
          const done = () => {
            req.off('drain', done).off('close', done);
            r();
          };
          req.on('drain', done).on('close', done);
        });
      }
      if (req.destroyed) break;
    }
  });
  expect(res.status).toBe(413);
  expect(res.body.error.message).toMatch(/^The attachments are larger than 1 MB in total/);
  expect(written).toBeGreaterThan(LIMIT);
  expect(written).toBeLessThan(40 * LIMIT);
  expect(smtp.received.length).toBe(sentBefore);
  expect(await storedOutbound()).toBe(storedBefore);
  expect(leftovers()).toEqual([]);
});

it('a forward sends the last inbound mail with its attachment to someone new', async () => {
  const subject = 'Contract draft';
  const contract = Buffer.from('%PDF-1.4 the contract\n'.repeat(500));
  const raw = await new MailComposer({
    from: 'Carol <carol@customer.example>',
    to: 'help@example.com',
    subject,
    text: 'Please check the attached contract.',
    attachments: [{ filename: 'contract.pdf', content: contract, contentType: 'application/pdf' }],
  })
    .compile()
    .build();
  const convo = await conversationOf(raw, subject);
  const before = smtp.received.length;
  const res = await app.as().post(`/email-server/conversations/${convo}/forward`).send({ to: ['legal@partner.example'], text: 'Can you review this?' });
  expect(res.status).toBe(200);
  await waitUntil(() => smtp.received.length > before, 10_000, 'the forward at the SMTP server');
  const sent = smtp.received.at(-1)!;
  expect(sent.rcptTo).toEqual(['legal@partner.example']);
  expect(sent.mail.subject).toBe('Fwd: Contract draft');
  expect(sent.mail.text).toMatch(/^Can you review this\?[\s\S]*Forwarded message[\s\S]*From: Carol <carol@customer\.example>[\s\S]*Please check the attached contract\./);
  expect(sent.mail.attachments.map((a) => a.filename)).toEqual(['contract.pdf']);
  expect(sent.mail.attachments[0].content.equals(contract)).toBe(true);
  const message = (await detail(convo)).messages.at(-1);
  expect(message).toMatchObject({ direction: 'outbound', subject: 'Fwd: Contract draft', to: [{ address: 'legal@partner.example' }] });
  expect(message.attachments.map((a: any) => a.filename)).toEqual(['contract.pdf']);
});

it('a bad address is a 400 on its field, as JSON and as a form; no recipient is a 400 on to', async () => {
  const subject = 'Bad addresses';
  const convo = await conversationOf(mail({ subject, from: 'carol@customer.example' }), subject);
  const [sentBefore, storedBefore] = [smtp.received.length, await storedOutbound()];
  const paths = (res: any) => res.body.error.details.errors.map((e: any) => e.path[0]);

  const json = await app.as().post(`/email-server/conversations/${convo}/reply`).send({ text: 'x', cc: ['ann@a.example', 'not an address'] });
  expect(json.status).toBe(400);
  expect(paths(json)).toEqual(['cc']);
  const form = await app.as().post(`/email-server/conversations/${convo}/reply`).field('text', 'x').field('bcc', 'ok@a.example, nope');
  expect(form.status).toBe(400);
  expect(paths(form)).toEqual(['bcc']);
  const nobody = await app.as().post(`/email-server/conversations/${convo}/reply`).send({ text: 'x', to: [], cc: [] });
  expect(nobody.status).toBe(400);
  expect(paths(nobody)).toEqual(['to']);
  const forward = await app.as().post(`/email-server/conversations/${convo}/forward`).send({ to: ['legal@'] });
  expect(forward.status).toBe(400);
  expect(paths(forward)).toEqual(['to']);
  expect(smtp.received.length).toBe(sentBefore);
  expect(await storedOutbound()).toBe(storedBefore);
});

it('refuses what it could send but not store: NUL in the text, too many files, a reply-all to a crowd; a NUL in a filename is dropped', async () => {
  const subject = 'Hostile input';
  const crowd = Array.from({ length: 60 }, (_, i) => `person${i}@crowd.example`).join(', ');
  const convo = await conversationOf(mail({ subject, from: 'carol@customer.example', to: 'help@example.com', extraHeaders: `Cc: ${crowd}` }), subject);
  const [sentBefore, storedBefore] = [smtp.received.length, await storedOutbound()];
  const errorsOf = (res: any) => res.body.error.details?.errors?.map((e: any) => [e.path[0], e.message]);

  const nul = await app.as().post(`/email-server/conversations/${convo}/reply`).send({ text: 'a\u0000b', to: ['carol@customer.example'] });
  expect(nul.status).toBe(400);
  expect(errorsOf(nul)).toEqual([['text', 'Must not contain NUL characters.']]);

  const everyone = await app.as().post(`/email-server/conversations/${convo}/reply`).send({ text: 'Hello all' });
  expect(everyone.status).toBe(400);
  expect(errorsOf(everyone)).toEqual([['cc', expect.stringMatching(/^Answering everyone would write to 61 addresses; a reply takes at most 50/)]]);

  let many = app.as().post(`/email-server/conversations/${convo}/reply`).field('text', 'Files').field('to', 'carol@customer.example');
  for (let i = 0; i < 51; i++) many = many.attach('files', Buffer.from(`file ${i}`), { filename: `f${i}.txt`, contentType: 'text/plain' });
  const tooMany = await many;
  expect(tooMany.status).toBe(400);
  expect(tooMany.body.error.message).toMatch(/at most 50 files/);
  expect(smtp.received.length).toBe(sentBefore);
  expect(await storedOutbound()).toBe(storedBefore);

  // PostgreSQL refuses NUL in JSON and text: the name is cleaned, the reply sent and stored.
  // By hand: form-data libraries do not write an RFC 5987 filename*, which carries the NUL as %00.
  const part = (headers: string, body: string) => `--B0und4ry\r\n${headers}\r\n\r\n${body}\r\n`;
  const body =
    part('Content-Disposition: form-data; name="text"', 'The form') +
    part('Content-Disposition: form-data; name="to"', 'carol@customer.example') +
    part(`Content-Disposition: form-data; name="files"; filename*=UTF-8''form%00.pdf\r\nContent-Type: application/pdf`, 'form') +
    '--B0und4ry--\r\n';
  const named = await app
    .as()
    .post(`/email-server/conversations/${convo}/reply`)
    .set('Content-Type', 'multipart/form-data; boundary=B0und4ry')
    .send(body);
  expect(named.status).toBe(200);
  expect(named.body.data.attachments.map((a: any) => a.filename)).toEqual(['form.pdf']);
  await waitUntil(() => smtp.received.length > sentBefore, 10_000, 'the reply at the SMTP server');
  expect(smtp.received.at(-1)!.mail.attachments.map((a) => a.filename)).toEqual(['form.pdf']);
});

it('without inbox.reply, reply and forward are 403 and nothing is sent or stored', async () => {
  const subject = 'Reader only';
  const convo = await conversationOf(mail({ subject, from: 'carol@customer.example' }), subject);
  const reader = await createLimitedAdmin(app, ['plugin::email-server.inbox.read']);
  const [sentBefore, storedBefore] = [smtp.received.length, await storedOutbound()];
  const post = (url: string) => app.http.post(url).set('Authorization', `Bearer ${reader}`);
  expect((await post(`/email-server/conversations/${convo}/reply`).send({ text: 'x' })).status).toBe(403);
  const form = await post(`/email-server/conversations/${convo}/reply`).field('text', 'x').attach('files', Buffer.alloc(1000, 1), 'a.bin');
  expect(form.status).toBe(403);
  expect((await post(`/email-server/conversations/${convo}/forward`).send({ to: ['legal@partner.example'] })).status).toBe(403);
  expect(smtp.received.length).toBe(sentBefore);
  expect(await storedOutbound()).toBe(storedBefore);
  expect(leftovers()).toEqual([]);
});
