#!/usr/bin/env node
/**
 * Ingest benchmark: a Dovecot mailbox of 5,000 realistic mails (~4 KB, 10% with a 50 KB
 * attachment) fetched into Strapi by the plugin (IMAP fetch, parse, dedupe, thread, store), and in
 * the same run fetched and parsed by bare imapflow + mailparser (no storage). Prints messages per
 * second, the ratio and the peak RSS growth of each. Needs: npm run build, dovecot, user vmail.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
require('./require-ts');
const { incomingFrom, MAILBOX_PASSWORD, startDovecot } = require('../tests/helpers/dovecot.ts');

const COUNT = Number(process.env.BENCH_COUNT ?? 5000);
const ROOT = path.resolve(__dirname, '..');
const para = 'Hello, I ordered a blue widget last week and it has not arrived yet. Could you check? ';

const makeMail = (i) => {
  const body = `${para.repeat(42)}\r\nOrder ${i}\r\n`; // ~3.8 KB
  const head = [
    `From: Customer ${i} <customer${i}@customer.example>`,
    'To: support@example.com',
    `Subject: Order ${i} question`,
    `Message-ID: <bench-${i}@customer.example>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
  ];
  if (i % 10 !== 0) return [...head, 'Content-Type: text/plain; charset=utf-8', '', body].join('\r\n');
  const attachment = Buffer.alloc(50 * 1024, i % 251).toString('base64').replace(/.{76}/g, '$&\r\n');
  return [
    ...head,
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '--b',
    'Content-Type: application/pdf; name="invoice.pdf"',
    'Content-Disposition: attachment; filename="invoice.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    attachment,
    '--b--',
    '',
  ].join('\r\n');
};

/** Runs fn while sampling RSS; returns seconds and the peak growth in MB. */
const measure = async (fn) => {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = process.hrtime.bigint();
  const result = await fn();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { seconds, growthMb: (peak - base) / 1024 / 1024, result };
};

(async () => {
  const dovecot = await startDovecot();
  const box = dovecot.newMailbox();
  dovecot.deliverMany(Array.from({ length: COUNT }, (_, i) => makeMail(i)), box);
  const dbFile = path.join(os.tmpdir(), `email-server-bench-ingest-${process.pid}.db`);
  Object.assign(process.env, {
    NODE_ENV: 'production',
    DATABASE_FILENAME: dbFile,
    STRAPI_LOG_LEVEL: 'error',
    STRAPI_TELEMETRY_DISABLED: 'true',
    EMAIL_SERVER_POLLING: 'false',
    EMAIL_SERVER_INITIAL_SYNC_MAX: String(COUNT),
  });
  const { createStrapi } = require('@strapi/strapi');
  const playground = path.join(ROOT, 'playground');
  const strapi = await createStrapi({ appDir: playground, distDir: playground, autoReload: false, serveAdminPanel: false }).load();
  let exitCode = 0;
  try {
    const incoming = {
      host: '127.0.0.1',
      port: dovecot.ports.imap,
      secure: false,
      auth: { user: box, pass: MAILBOX_PASSWORD },
    };
    console.log(`${COUNT} mails (~4 KB, 10% with a 50 KB attachment) in Dovecot over IMAP on 127.0.0.1\n`);

    // Bare: fetch and parse, keep nothing.
    const { ImapFlow } = require('imapflow');
    const { simpleParser } = require('mailparser');
    const bare = await measure(async () => {
      const client = new ImapFlow({ ...incoming, logger: false, doSTARTTLS: false });
      client.on('error', () => undefined);
      await client.connect();
      const lock = await client.getMailboxLock('INBOX');
      let n = 0;
      try {
        for await (const msg of client.fetch('1:*', { uid: true, source: true })) {
          await simpleParser(msg.source, { skipImageLinks: true, skipTextToHtml: true });
          n++;
        }
      } finally {
        lock.release();
      }
      await client.logout();
      return n;
    });

    const servers = strapi.plugin('email-server').service('servers');
    const created = await servers.create({
      name: 'Bench inbox',
      type: 'smtp',
      senderEmail: 'support@example.com',
      smtpHost: '127.0.0.1',
      smtpPort: 25,
      ...incomingFrom(dovecot, box),
      enabled: true,
    });
    const ingest = await measure(() => strapi.plugin('email-server').service('poller').fetchNow(created));

    const bareRate = bare.result / bare.seconds;
    const ingestRate = ingest.result.stored / ingest.seconds;
    const row = (label, rate, m) =>
      console.log(`${label.padEnd(44)} ${rate.toFixed(0).padStart(6)} msg/s  (${m.seconds.toFixed(1)} s, peak RSS +${m.growthMb.toFixed(0)} MB)`);
    row('bare imapflow + mailparser (no storage)', bareRate, bare);
    row('plugin ingest (fetch, parse, store, thread)', ingestRate, ingest);
    const ratio = ingestRate / bareRate;
    console.log(`\ningest / bare = ${ratio.toFixed(2)} (target >= 0.50); ingest peak RSS growth ${ingest.growthMb.toFixed(0)} MB (target < 300 MB)`);
    if (ingest.result.stored !== COUNT) {
      console.log(`STORED ${ingest.result.stored} OF ${COUNT}`);
      exitCode = 1;
    }
    if (ratio < 0.5 || ingest.growthMb >= 300) {
      console.log('TARGET MISSED');
      exitCode = 1;
    }
  } finally {
    await strapi.destroy();
    await dovecot.stop();
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(dbFile + suffix, { force: true });
  }
  process.exit(exitCode);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
