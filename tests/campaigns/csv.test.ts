/**
 * CSV import as spreadsheets write it (`;` or tab separators, a UTF-8 BOM, CRLF, quoted fields,
 * rows with extra columns), the 100,000-recipient cap and the 30 MB body limit of the recipients
 * route. What was added is read back through the recipients list, not from the import's answer.
 */
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { campaignOf, createCampaign, createServer, recipientsOf, smtpRelay } from '../helpers/campaigns';

let app: TestApp;
let server: { documentId: string };

beforeAll(async () => {
  // Nothing is sent here: the queue stays off.
  app = await bootStrapi({ EMAIL_SERVER_CAMPAIGNS: 'false', EMAIL_SERVER_PUBLIC_URL: 'https://cms.example.com' });
  server = await createServer(app.as(), smtpRelay(2525, { name: 'Relay' }));
}, 120_000);
afterAll(async () => app?.close());

const draft = async (name: string, text = 'Hello {{firstName}}') =>
  (await createCampaign(app.as(), { name, server: server.documentId, subject: 'Hi', text })).data.documentId as string;

const importCsv = (campaign: string, csv: string | Buffer, type = 'text/csv') =>
  app.as().post(`/email-server/campaigns/${campaign}/recipients`).set('Content-Type', type).send(csv);

const stored = async (campaign: string) =>
  (await recipientsOf(app.as(), campaign)).map((r) => [r.email, r.data]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));

it('reads a ;-separated file with a BOM, CRLF line ends and quoted fields', async () => {
  const campaign = await draft('Semicolons');
  const csv = '\uFEFFEMail;firstName;city\r\nann@example.org;Ann;"Paris; France"\r\n"bob@example.org";"Bob ""B"" Smith";Lyon\r\n';
  const res = await importCsv(campaign, Buffer.from(csv, 'utf8'));
  expect(res.status).toBe(200);
  expect(res.body.data).toEqual({ added: 2, rejected: [] });
  expect(await stored(campaign)).toEqual([
    ['ann@example.org', { firstName: 'Ann', city: 'Paris; France' }],
    ['bob@example.org', { firstName: 'Bob "B" Smith', city: 'Lyon' }],
  ]);
});

it('reads a tab-separated file, commas in values being plain text', async () => {
  const campaign = await draft('Tabs');
  const csv = 'firstName\temail\tnote\nCid\tcid@example.org\tone, two\nDee\tdee@example.org\t\n';
  const res = await importCsv(campaign, csv);
  expect(res.status).toBe(200);
  expect(res.body.data).toEqual({ added: 2, rejected: [] });
  expect(await stored(campaign)).toEqual([
    ['cid@example.org', { firstName: 'Cid', note: 'one, two' }],
    ['dee@example.org', { firstName: 'Dee', note: '' }],
  ]);
});

it('rejects rows with more columns than the header, by their line in the file, and keeps the rest', async () => {
  const campaign = await draft('Extra columns');
  const csv = ['email,firstName', 'eve@example.org,Eve', 'fay@example.org,Fay,surprise', '', 'gus@example.org,Gus,', 'hal@example.org,Hal'].join('\n');
  const res = await importCsv(campaign, csv);
  expect(res.status).toBe(200);
  expect(res.body.data).toEqual({
    added: 3,
    rejected: [{ row: 3, email: 'fay@example.org', reason: 'more columns than the header (3 for 2)' }],
  });
  // An empty trailing field (a spreadsheet's trailing separator) is not an extra column.
  expect((await stored(campaign)).map(([email]) => email)).toEqual(['eve@example.org', 'gus@example.org', 'hal@example.org']);
});

it('refuses a file without an email column, adding nothing', async () => {
  const campaign = await draft('No email column');
  const res = await importCsv(campaign, 'address;firstName\nivy@example.org;Ivy\n');
  expect(res.status).toBe(400);
  expect(res.body.error.details.errors[0]).toMatchObject({ path: ['file'], message: 'The CSV file needs a header row with an "email" column.' });
  expect(await stored(campaign)).toEqual([]);
});

it('takes at most 100,000 recipients per campaign', async () => {
  const campaign = await draft('Capped', 'Hello {{email}}');
  const lines = ['email'];
  for (let i = 1; i <= 100_002; i++) lines.push(`cap${i}@example.org`);
  const res = await importCsv(campaign, lines.join('\n'));
  expect(res.status).toBe(200);
  expect(res.body.data.added).toBe(100_000);
  expect(res.body.data.rejected).toEqual([
    { row: 100_002, email: 'cap100001@example.org', reason: 'a campaign has at most 100000 recipients' },
    { row: 100_003, email: 'cap100002@example.org', reason: 'a campaign has at most 100000 recipients' },
  ]);
  expect((await campaignOf(app.as(), campaign)).counts.total).toBe(100_000);
  const last = await app.as().get(`/email-server/campaigns/${campaign}/recipients?q=cap100000@`);
  expect(last.body.data.map((r: any) => r.email)).toEqual(['cap100000@example.org']);

  // A full campaign takes no more, by either route.
  const more = await app.as().post(`/email-server/campaigns/${campaign}/recipients`).send([{ email: 'one-more@example.org' }]);
  expect(more.status).toBe(200);
  expect(more.body.data).toEqual({ added: 0, rejected: [{ row: 1, email: 'one-more@example.org', reason: 'a campaign has at most 100000 recipients' }] });
  expect((await campaignOf(app.as(), campaign)).counts.total).toBe(100_000);
}, 120_000);

it('refuses a body over 30 MB with 413, adding nothing', async () => {
  const campaign = await draft('Too big', 'Hello {{email}}');
  // 3,200 valid rows of 10 kB: 32 MB that would all be added if the limit did not hold.
  // (Two columns: one variable holds at most 10,000 characters.)
  const half = 'n'.repeat(5_120);
  const lines = ['email,a,b'];
  for (let i = 0; i < 3_200; i++) lines.push(`big${i}@example.org,${half},${half}`);
  const body = lines.join('\n');
  expect(Buffer.byteLength(body)).toBeGreaterThan(30 * 1024 * 1024);
  const res = await importCsv(campaign, body);
  expect(res.status).toBe(413);
  expect(res.body.error).toMatchObject({ name: 'PayloadTooLargeError', message: 'The request body is larger than 30mb.' });
  expect((await campaignOf(app.as(), campaign)).counts.total).toBe(0);

  // Just under the limit goes through.
  const fits = lines.slice(0, 2_900).join('\n');
  expect(Buffer.byteLength(fits)).toBeLessThan(30 * 1024 * 1024);
  const ok = await importCsv(campaign, fits);
  expect(ok.status).toBe(200);
  expect(ok.body.data).toEqual({ added: 2_899, rejected: [] });
  expect((await campaignOf(app.as(), campaign)).counts.total).toBe(2_899);
}, 120_000);
