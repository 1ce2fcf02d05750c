/**
 * Mail no person wrote stays quiet: an auto-reply to a closed conversation leaves it closed and
 * read, a bounce from MAILER-DAEMON, a delivery report (multipart/report) and bulk mail start no
 * unread conversation, and the list can leave them out. A person's mail still reopens.
 */
import { helpdeskOnDovecot } from '../helpers/inbox';
import { mail, messageIdOf } from '../helpers/mails';

let helpdesk: Awaited<ReturnType<typeof helpdeskOnDovecot>>;
let app: typeof helpdesk.app;
let dovecot: typeof helpdesk.dovecot;
let box: string;

beforeAll(async () => {
  helpdesk = await helpdeskOnDovecot();
  ({ app, dovecot, box } = helpdesk);
}, 120_000);
afterAll(async () => {
  await helpdesk?.stop();
});

const fetchNow = (expected: number) => helpdesk.fetchExpecting(expected);
const list = async (query = '') => (await app.as().get(`/email-server/conversations${query}`)).body.data as any[];
// Every status: the list route filters by status only when asked.
const bySubject = async (subject: string) => (await list()).find((c) => c.subject === subject);

const deliveryReport = [
  'From: Mail Delivery System <mailer-daemon@relay.example>',
  'To: help@example.com',
  'Subject: Delivery Status Notification (Failure)',
  `Date: ${new Date().toUTCString()}`,
  'Message-ID: <dsn-1@relay.example>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain',
  '',
  'Your message could not be delivered.',
  '--b1',
  'Content-Type: message/delivery-status',
  '',
  'Final-Recipient: rfc822; gone@customer.example',
  'Action: failed',
  'Status: 5.1.1',
  '--b1--',
  '',
].join('\r\n');

it('an auto-reply to a closed conversation leaves it closed and read; a person writing again reopens it', async () => {
  const first = mail({ subject: 'Warranty', from: 'Gus <gus@customer.example>', body: 'Is it still covered?' });
  dovecot.deliver(first, box);
  await fetchNow(1);
  const warranty = await bySubject('Warranty');
  expect(warranty).toMatchObject({ unread: true, automatic: false });
  await app.as().get(`/email-server/conversations/${warranty.documentId}`).expect(200);
  expect((await app.as().put(`/email-server/conversations/${warranty.documentId}`).send({ status: 'closed' })).status).toBe(200);

  // Gus's out-of-office answers in the thread (RFC 3834).
  dovecot.deliver(
    mail({ subject: 'Out of office: Warranty', from: 'Gus <gus@customer.example>', inReplyTo: messageIdOf(first)!, extraHeaders: 'Auto-Submitted: auto-replied', body: 'Back on Monday.' }),
    box
  );
  await fetchNow(1);
  expect(await bySubject('Warranty')).toMatchObject({ status: 'closed', unread: false });
  const detail = (await app.as().get(`/email-server/conversations/${warranty.documentId}`)).body.data;
  expect(detail.messages.map((m: any) => [m.text?.trim(), m.automatic])).toEqual([
    ['Is it still covered?', false],
    ['Back on Monday.', true],
  ]);

  // Auto-Submitted: no is a person's mail.
  dovecot.deliver(mail({ subject: 'Re: Warranty', from: 'Gus <gus@customer.example>', inReplyTo: messageIdOf(first)!, extraHeaders: 'Auto-Submitted: no', body: 'I am back.' }), box);
  await fetchNow(1);
  expect(await bySubject('Warranty')).toMatchObject({ status: 'open', unread: true, automatic: false });
});

it('bounces, delivery reports and bulk mail start no unread conversation and can be filtered out', async () => {
  dovecot.deliver(deliveryReport, box);
  dovecot.deliver(mail({ subject: 'Undelivered Mail Returned to Sender', from: 'postmaster@relay.example', body: 'Host unknown.' }), box);
  dovecot.deliver(mail({ subject: 'Weekly digest', from: 'news@shop.example', extraHeaders: 'Precedence: bulk', body: 'Our offers.' }), box);
  dovecot.deliver(mail({ subject: 'Broken charger', from: 'Hal <hal@customer.example>', body: 'It stopped working.' }), box);
  await fetchNow(4);

  const automatic = ['Delivery Status Notification (Failure)', 'Undelivered Mail Returned to Sender', 'Weekly digest'];
  for (const subject of automatic) expect(await bySubject(subject)).toMatchObject({ status: 'open', unread: false, automatic: true });
  expect(await bySubject('Broken charger')).toMatchObject({ unread: true, automatic: false });

  const people = (await list('?automatic=false')).map((c) => c.subject).sort();
  expect(people).toEqual(['Broken charger', 'Warranty']);
  expect((await list('?automatic=true')).map((c) => c.subject).sort()).toEqual(automatic.sort());
  const wrong = await app.as().get('/email-server/conversations?automatic=maybe');
  expect(wrong.status).toBe(400);
  expect(wrong.body.error.details.errors[0]).toMatchObject({ path: ['automatic'], message: 'Must be true or false.' });
});
