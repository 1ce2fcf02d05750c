/**
 * POP3 with the delete policy, when a fetch fails midway: the batches stored so far stay stored,
 * nothing is deleted from the mailbox (DELE only takes effect at QUIT, which a failed fetch never
 * sends), and the next fetch stores the rest and deletes everything, storing nothing twice.
 * The mailbox is read with doveadm, not with the plugin's POP3 client.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { startDovecot, type Dovecot } from '../helpers/dovecot';
import { mail } from '../helpers/mails';
import { fetchNow, mailboxServer, storedMails } from '../helpers/inbox';

let app: TestApp;
let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await startDovecot();
  app = await bootStrapi({ EMAIL_SERVER_POLLING: 'false', EMAIL_SERVER_FETCH_BATCH: '2' });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await dovecot?.stop();
});

const rows = (server: string) => storedMails(app, server);

/** The file of the mail with this subject in the user's Maildir. */
const mailFile = (box: string, subject: string) => {
  for (const sub of ['cur', 'new']) {
    const dir = path.join(dovecot.maildir(box), sub);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      // Dovecot stores mail with LF line ends.
      if (fs.readFileSync(file, 'latin1').includes(`\nSubject: ${subject}\n`)) return file;
    }
  }
  throw new Error(`no mail "${subject}" in ${box}`);
};

it('a fetch that fails midway deletes nothing, and the next one stores the rest once and deletes all', async () => {
  const box = dovecot.newMailbox();
  const subjects = Array.from({ length: 6 }, (_, i) => `Batch ${i}`);
  for (const subject of subjects) dovecot.deliver(mail({ subject, body: `${subject} body ${'x'.repeat(2000)}` }), box);
  const created = await app.as().post('/email-server/servers').send(mailboxServer(dovecot, box, 'pop3', { name: 'POP3 delete', afterFetch: 'delete' }));
  expect(created.status).toBe(201);
  const server = created.body.data.documentId;

  // The fourth mail (second batch) cannot be read by Dovecot: its RETR fails mid-fetch, after
  // the first batch was stored and its DELEs sent.
  expect(dovecot.subjectsInMailbox(box)).toEqual(subjects);
  const file = mailFile(box, 'Batch 3');
  const { uid, gid, mode } = fs.statSync(file);
  execFileSync('chown', ['root:root', file]);
  fs.chmodSync(file, 0o000);
  let failed;
  try {
    failed = await fetchNow(app, server);
  } finally {
    // Dovecot may have moved it from new/ to cur/ and renamed it (flags are part of the name).
    const base = path.basename(file).split(':')[0];
    const now = ['cur', 'new']
      .map((sub) => path.join(dovecot.maildir(box), sub))
      .flatMap((dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).map((n) => path.join(dir, n)) : []))
      .find((f) => path.basename(f).startsWith(base))!;
    fs.chownSync(now, uid, gid);
    fs.chmodSync(now, mode);
  }
  expect(failed.status).toBe(400);
  expect(failed.body.error.message).toMatch(/^Fetching mail for "POP3 delete" failed/);
  // It failed midway: the first batch is stored, the second is not.
  expect((await rows(server)).map((r: any) => r.subject)).toEqual(['Batch 0', 'Batch 1']);
  // Nothing was deleted: all six are still in the mailbox.
  expect(dovecot.subjectsInMailbox(box)).toEqual(subjects);

  const again = await fetchNow(app, server);
  expect(again.status).toBe(200);
  expect(again.body.data).toEqual({ fetched: 4, stored: 4 });
  expect((await rows(server)).map((r: any) => r.subject)).toEqual(subjects);
  expect(dovecot.subjectsInMailbox(box)).toEqual([]);

  // And a fetch after that finds nothing new.
  expect((await fetchNow(app, server)).body.data).toEqual({ fetched: 0, stored: 0 });
});
