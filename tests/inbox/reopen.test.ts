/**
 * A closed conversation comes back when the customer writes again: a new mail in its thread
 * reopens it (unread, in the "open" filter); an unrelated mail leaves it closed.
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
const listed = async (status: 'open' | 'closed') =>
  ((await app.as().get(`/email-server/conversations?status=${status}`)).body.data as any[]).map((c) => c.subject).sort();

it('a new mail in a closed conversation reopens it; an unrelated one does not', async () => {
  const first = mail({ subject: 'Refund', from: 'Dan <dan@customer.example>', body: 'Where is my refund?' });
  const other = mail({ subject: 'Invoice copy', from: 'Eva <eva@customer.example>', body: 'Please send a copy.' });
  dovecot.deliver(first, box);
  dovecot.deliver(other, box);
  await fetchNow(2);
  const all = (await app.as().get('/email-server/conversations')).body.data as any[];
  const refund = all.find((c) => c.subject === 'Refund');
  const invoice = all.find((c) => c.subject === 'Invoice copy');

  // The agent reads and closes both.
  for (const c of [refund, invoice]) {
    await app.as().get(`/email-server/conversations/${c.documentId}`).expect(200);
    const closed = await app.as().put(`/email-server/conversations/${c.documentId}`).send({ status: 'closed' });
    expect(closed.status).toBe(200);
  }
  expect(await listed('closed')).toEqual(['Invoice copy', 'Refund']);
  expect(await listed('open')).toEqual([]);

  // Dan writes again, answering his own mail (a client that threads by References only).
  dovecot.deliver(mail({ subject: 'Re: Refund', from: 'Dan <dan@customer.example>', references: messageIdOf(first)!, body: 'Still nothing.' }), box);
  // Someone else writes about something new.
  dovecot.deliver(mail({ subject: 'Opening hours', from: 'Fay <fay@customer.example>', body: 'When are you open?' }), box);
  await fetchNow(2);

  expect(await listed('open')).toEqual(['Opening hours', 'Refund']);
  expect(await listed('closed')).toEqual(['Invoice copy']);
  const reopened = ((await app.as().get('/email-server/conversations?status=open')).body.data as any[]).find((c) => c.documentId === refund.documentId);
  expect(reopened).toMatchObject({ status: 'open', unread: true });
  const detail = (await app.as().get(`/email-server/conversations/${refund.documentId}`)).body.data;
  expect(detail.messages.map((m: any) => m.text?.trim())).toEqual(['Where is my refund?', 'Still nothing.']);
});
