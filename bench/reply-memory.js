#!/usr/bin/env node
/**
 * Reply memory benchmark: one agent reply with a 15 MB attachment through the plugin's reply path
 * (compose the MIME to a file, stream it to SMTP, append it to the IMAP Sent folder, store the
 * message and the attachment) to smtp-sink and Dovecot on loopback. Prints the peak RSS growth
 * relative to the file's size and exits non-zero above 4×: the reply must not hold the file
 * many times over (the Sent folder copy gets 5×, see below). Needs: npm run build, dovecot, postfix's smtp-sink, user vmail.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
require('./require-ts');
const { incomingFrom, startDovecot } = require('../tests/helpers/dovecot.ts');
const { startSink, sinkRelay } = require('./smtp-sink');

const MB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_ATTACHMENT_MB ?? 15) * MB;
const TARGET = 4;
const ROOT = path.resolve(__dirname, '..');

(async () => {
  const [dovecot, sink] = await Promise.all([startDovecot({ folders: [{ name: 'Sent', specialUse: '\\Sent' }] }), startSink()]);
  const box = dovecot.newMailbox();
  dovecot.deliver(
    ['From: Carol <carol@customer.example>', 'To: help@example.com', 'Subject: The report', 'Message-ID: <bench-reply@customer.example>', '', 'Could you send the report?', ''].join('\r\n'),
    box
  );
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'email-server-bench-reply-'));
  const file = path.join(work, 'report.bin');
  // Random bytes: a file that compresses or repeats would flatter the copies.
  const out = fs.openSync(file, 'w');
  for (let written = 0; written < SIZE; written += MB) fs.writeSync(out, require('node:crypto').randomBytes(Math.min(MB, SIZE - written)));
  fs.closeSync(out);
  const dbFile = path.join(work, 'bench.db');
  Object.assign(process.env, {
    NODE_ENV: 'production',
    DATABASE_FILENAME: dbFile,
    STRAPI_LOG_LEVEL: 'error',
    STRAPI_TELEMETRY_DISABLED: 'true',
    EMAIL_SERVER_POLLING: 'false',
  });
  const { createStrapi } = require('@strapi/strapi');
  const playground = path.join(ROOT, 'playground');
  const strapi = await createStrapi({ appDir: playground, distDir: playground, autoReload: false, serveAdminPanel: false }).load();
  let exitCode = 0;
  try {
    const service = (name) => strapi.plugin('email-server').service(name);
    const server = await service('servers').create({ ...sinkRelay(sink.port, { senderEmail: 'help@example.com' }), ...incomingFrom(dovecot, box) });
    await service('poller').fetchNow(server);
    const [conversation] = (await service('inbox').list({ page: 1, pageSize: 1 })).data;

    // A warm-up reply with a small file: connections, code paths and caches that any first reply
    // sets up are not what the big file costs.
    const small = path.join(work, 'small.bin');
    fs.writeFileSync(small, 'warm-up');
    await service('inbox').reply(conversation.documentId, { text: 'Warm-up.' }, [{ filename: 'small.bin', contentType: 'text/plain', size: 7, path: small }], {});
    const measure = async (label, target, sentBefore) => {
      global.gc?.();
      const base = process.memoryUsage().rss;
      let peak = base;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
      const started = Date.now();
      const message = await service('inbox').reply(
        conversation.documentId,
        { text: 'The report is attached.' },
        [{ filename: 'report.bin', contentType: 'application/octet-stream', size: SIZE, path: file }],
        { email: 'bench@example.com' }
      );
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      const growth = (peak - base) / SIZE;
      const saved = dovecot.messages(box, 'Sent').length - sentBefore;
      console.log(`${label.padEnd(36)} ${((Date.now() - started) / 1000).toFixed(1)} s, peak RSS +${((peak - base) / MB).toFixed(0)} MB = ${growth.toFixed(1)}× the file (target < ${target}×); ${saved} copy in Sent`);
      if (message.problem || message.attachments[0]?.size !== SIZE) {
        console.log(`REPLY INCOMPLETE: ${message.problem ?? 'attachment not stored'}`);
        exitCode = 1;
      }
      if (growth >= target) {
        console.log('TARGET MISSED');
        exitCode = 1;
      }
    };
    console.log(`one reply with a ${SIZE / MB} MB attachment (random bytes) to smtp-sink, stored on SQLite\n`);
    const uid = 'plugin::email-server.email-server';
    await strapi.db.query(uid).update({ where: { documentId: server.documentId }, data: { sentFolder: '' } });
    await measure('compose, send, store', TARGET, dovecot.messages(box, 'Sent').length);
    // imapflow's APPEND takes the message as one Buffer and its command compiler copies it: two
    // copies of the MIME (1.37× the file each, base64) on top of the rest.
    await strapi.db.query(uid).update({ where: { documentId: server.documentId }, data: { sentFolder: null } });
    await measure('compose, send, Sent folder, store', TARGET + 1, dovecot.messages(box, 'Sent').length);
  } finally {
    await strapi.destroy();
    sink.stop();
    await dovecot.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
  process.exit(exitCode);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
