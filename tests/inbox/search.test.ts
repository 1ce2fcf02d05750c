/**
 * Search finds what customers wrote: a word of a mail's body (or its start) finds the
 * conversation, through the index of the database (SQLite FTS5, PostgreSQL tsvector), together
 * with the other filters and the pagination; what an agent types never breaks the query or
 * matches everything; huge and NUL-laden bodies are stored and found; mails stored before the
 * index existed are found once the backfill ran.
 */
import { helpdeskOnDovecot } from '../helpers/inbox';
import { mail } from '../helpers/mails';

let helpdesk: Awaited<ReturnType<typeof helpdeskOnDovecot>>;
let app: typeof helpdesk.app;
const CONVERSATIONS = 5;

const search = async (query: Record<string, string>) => {
  const res = await app.as().get('/email-server/conversations').query(query);
  expect(res.status).toBe(200);
  return res.body as { data: any[]; meta: { pagination: { total: number } } };
};
const subjects = async (query: Record<string, string>) => (await search(query)).data.map((c) => c.subject).sort();

const base64Mail = (subject: string, body: Buffer) =>
  [
    'From: Nia <nia@customer.example>',
    'To: help@example.com',
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${subject.replace(/\W/g, '')}@customer.example>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    body.toString('base64').replace(/.{76}/g, '$&\r\n'),
    '',
  ].join('\r\n');

beforeAll(async () => {
  helpdesk = await helpdeskOnDovecot();
  app = helpdesk.app;
  const { dovecot, box } = helpdesk;
  dovecot.deliver(mail({ subject: 'Order question', from: 'Ann <ann@customer.example>', body: 'My invoice 4711 for the quarterly subscription is wrong.' }), box);
  dovecot.deliver(mail({ subject: 'Hello', from: 'Bob <bob@customer.example>', body: 'Where is my parcel? Привет, 請求書 attached.' }), box);
  // 1,000,000 characters of text, a word nobody else wrote near its end.
  const filler = 'lorem ipsum dolor sit amet '.repeat(38_000);
  dovecot.deliver(base64Mail('Huge', Buffer.from(`${filler}needlemillion end`)), box);
  dovecot.deliver(base64Mail('With NUL', Buffer.from('before \u0000 nulmarker\u0000after \u0000')), box);
  dovecot.deliver(
    mail({ subject: 'Out of office', from: 'Cat <cat@customer.example>', body: 'Back Monday; about the quarterly report ask Dan.', extraHeaders: 'Auto-Submitted: auto-replied' }),
    box
  );
  await helpdesk.fetchExpecting(CONVERSATIONS);
}, 180_000);
afterAll(async () => {
  await helpdesk?.stop();
});

it('a word only in the body of a mail finds its conversation, as a word or as its start, in any case', async () => {
  expect(await subjects({ q: 'subscription' })).toEqual(['Order question']);
  expect(await subjects({ q: 'invoic' })).toEqual(['Order question']);
  expect(await subjects({ q: 'SUBSCR' })).toEqual(['Order question']);
  expect(await subjects({ q: 'parcel' })).toEqual(['Hello']);
  // Every word must be in one message.
  expect(await subjects({ q: 'invoice parcel' })).toEqual([]);
  expect(await subjects({ q: 'invoice 4711' })).toEqual(['Order question']);
  // Subjects and addresses are found as before, also in the middle of a word.
  expect(await subjects({ q: 'der quest' })).toEqual(['Order question']);
  expect(await subjects({ q: 'bob@customer' })).toEqual(['Hello']);
});

it('finds words of other scripts', async () => {
  expect(await subjects({ q: 'привет' })).toEqual(['Hello']);
  expect(await subjects({ q: 'Прив' })).toEqual(['Hello']);
  expect(await subjects({ q: '請求' })).toEqual(['Hello']);
});

it('keeps the other filters, the order and the pagination', async () => {
  expect(await subjects({ q: 'quarterly' })).toEqual(['Order question', 'Out of office']);
  expect(await subjects({ q: 'quarterly', automatic: 'false' })).toEqual(['Order question']);
  expect(await subjects({ q: 'quarterly', automatic: 'true' })).toEqual(['Out of office']);
  const order = (await search({ q: 'quarterly' })).data.find((c) => c.subject === 'Order question');
  expect((await app.as().put(`/email-server/conversations/${order.documentId}`).send({ status: 'closed' })).status).toBe(200);
  expect(await subjects({ q: 'quarterly', status: 'open' })).toEqual(['Out of office']);
  expect(await subjects({ q: 'quarterly', status: 'closed' })).toEqual(['Order question']);
  expect(await subjects({ q: 'quarterly', server: helpdesk.server.documentId, status: 'closed' })).toEqual(['Order question']);
  expect(await subjects({ q: 'quarterly', server: 'no-such-server' })).toEqual([]);

  const all = await search({ q: 'quarterly' });
  expect(all.meta.pagination.total).toBe(2);
  const second = await search({ q: 'quarterly', page: '2', pageSize: '1' });
  expect(second.meta.pagination).toMatchObject({ page: 2, pageSize: 1, total: 2, pageCount: 2 });
  expect(second.data.map((c) => c.documentId)).toEqual([all.data[1].documentId]);
});

it('answers what an agent may type without an error and without matching everything', async () => {
  const hostile = [
    '"', "'", '*', ':', '-', '&', '|', '(', ')', '\\', '%', '_', '""', '*:*', '-quarterly', '"quarterly', 'quarterly"', 'quarterly*',
    'quarterly:*', "quarterly' | 'a", 'quarterly & !x', 'NOT quarterly', 'quarterly OR parcel', 'NEAR(quarterly parcel)', 'quarterly:parcel',
    '((quarterly', 'a & | ! b', "' OR 1=1 --", '\u0000', 'quarterly\u0000', '\u0000\u0000*', '\u200b', '🙂', 'x'.repeat(200),
    'quarterly '.repeat(20).slice(0, 200), 'ß' + 'ü'.repeat(199),
  ];
  for (const q of hostile) {
    const res = await app.as().get('/email-server/conversations').query({ q });
    expect({ q, status: res.status }).toEqual({ q, status: 200 });
    expect({ q, everything: res.body.meta.pagination.total >= CONVERSATIONS }).toEqual({ q, everything: false });
  }
  // Operators are words like any other: these still find the quarterly mails and nothing else.
  expect(await subjects({ q: '-quarterly' })).toEqual(['Order question', 'Out of office']);
  expect(await subjects({ q: 'quarterly:*' })).toEqual(['Order question', 'Out of office']);
  expect(await subjects({ q: 'NOT quarterly' })).toEqual([]);
  // A one-letter term is no prefix of the full-text search (it would match most of the index):
  // "q" finds "Order question" by its subject, not "Out of office" by "quarterly" in its body.
  expect(await subjects({ q: 'q' })).toEqual(['Order question']);
  expect((await search({ q: 'a' })).data.length).toBeGreaterThan(0);
  // Over 200 characters is a validation error, never a 500.
  expect((await app.as().get('/email-server/conversations').query({ q: 'x'.repeat(201) })).status).toBe(400);
});

it('stores a 1,000,000-character body and one with NUL bytes, and finds both by their words', async () => {
  const rows = await app.strapi.db.query('plugin::email-server.inbound-message').findMany({ where: { subject: { $in: ['Huge', 'With NUL'] } } });
  const huge = rows.find((r: any) => r.subject === 'Huge');
  expect(huge.text.length).toBeGreaterThanOrEqual(1_000_000);
  expect(huge.problem).toBeNull();
  expect(await subjects({ q: 'needlemill' })).toEqual(['Huge']);
  expect(rows.find((r: any) => r.subject === 'With NUL').text).toContain('nulmarker');
  expect(await subjects({ q: 'nulmarker' })).toEqual(['With NUL']);
});

it("finds agents' replies", async () => {
  const hello = (await search({ q: 'parcel' })).data[0];
  // Stored the way the reply route stores a reply once the server accepted it.
  await app.strapi.db.query('plugin::email-server.outbound-message').create({
    data: { documentId: 'reply-search-1', server: helpdesk.server.documentId, subject: 'Re: Hello', date: new Date(), text: 'Your tracking number is trackingzulu.', conversation: hello.documentId },
  });
  expect(await subjects({ q: 'trackingzulu' })).toEqual(['Hello']);
});

it('finds mails stored before the index existed once the backfill ran', async () => {
  const db = app.strapi.db.connection;
  // As an older version left the database: no index rows, no backfill record.
  if (app.db.client === 'sqlite') {
    // A contentless FTS5 table is emptied with its delete-all command.
    await db.raw("INSERT INTO email_server_search (email_server_search) VALUES ('delete-all')");
    await db('email_server_search_doc').delete();
  } else {
    await db('email_server_search').delete();
  }
  await db('email_server_backfill').where('job', 'like', 'search:%').delete();
  expect(await subjects({ q: 'subscription' })).toEqual([]);
  const search = app.strapi.plugin('email-server').service('inbox-search');
  await search.prepare();
  expect(await search.backfill()).toBe(CONVERSATIONS + 1);
  expect(await subjects({ q: 'subscription' })).toEqual(['Order question']);
  expect(await subjects({ q: 'trackingzulu' })).toEqual(['Hello']);
  expect(await subjects({ q: 'needlemillion' })).toEqual(['Huge']);
  // Done once: a second run (another instance, the next boot) has nothing left to do.
  expect(await search.backfill()).toBe(0);
  expect(await subjects({ q: 'subscription' })).toEqual(['Order question']);
});
