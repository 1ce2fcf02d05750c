#!/usr/bin/env node
/**
 * Sending benchmark: 2,000 mails of ~2 KB to postfix's smtp-sink on loopback through
 *  - the plugin's mailer service (one pooled transport per server),
 *  - (a) Strapi's stock @strapi/provider-email-nodemailer (default options) through
 *        strapi.plugin('email').service('email').send, with no default email server,
 *  - (b) a bare pooled nodemailer transport with the same connection count.
 * All three run in this process, in the same run, with the same number of sends in flight.
 * Prints messages per second and the ratios. Needs: npm run build, smtp-sink, user vmail.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const nodemailer = require('nodemailer');
const { sinkRelay, startSink } = require('./smtp-sink');

const COUNT = Number(process.env.BENCH_COUNT ?? 2000);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 20);
const CONNECTIONS = 5; // the plugin's default smtp.maxConnections
const ROOT = path.resolve(__dirname, '..');
const BODY = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(35); // ~2 KB


/** Runs `send(i)` COUNT times with IN_FLIGHT in flight; returns messages per second. */
const measure = async (label, send) => {
  for (let i = 0; i < 100; i++) await send(i); // warm-up: connections, JIT
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < COUNT) await send(next++);
    })
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rate = COUNT / seconds;
  console.log(`${label.padEnd(48)} ${rate.toFixed(0).padStart(6)} msg/s  (${seconds.toFixed(2)} s)`);
  return rate;
};

const mail = (i) => ({ to: `user${i}@example.org`, subject: `Benchmark ${i}`, text: BODY });

(async () => {
  const sink = await startSink();
  const { port } = sink;
  const dbFile = path.join(os.tmpdir(), `email-server-bench-${process.pid}.db`);
  Object.assign(process.env, {
    NODE_ENV: 'production',
    DATABASE_FILENAME: dbFile,
    FALLBACK_SMTP_PORT: String(port),
    STRAPI_LOG_LEVEL: 'error',
    STRAPI_TELEMETRY_DISABLED: 'true',
  });
  const { createStrapi } = require('@strapi/strapi');
  const playground = path.join(ROOT, 'playground');
  const strapi = await createStrapi({ appDir: playground, distDir: playground, autoReload: false, serveAdminPanel: false }).load();
  let exitCode = 0;
  try {
    const servers = strapi.plugin('email-server').service('servers');
    await servers.create(sinkRelay(port));
    const mailer = strapi.plugin('email-server').service('mailer');
    const email = strapi.plugin('email').service('email');
    const bare = nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: CONNECTIONS,
      maxMessages: 100,
    });

    console.log(`${COUNT} mails of ~2 KB to smtp-sink on 127.0.0.1:${port}, ${IN_FLIGHT} sends in flight\n`);
    const stock = await measure("(a) Strapi's stock nodemailer provider", (i) =>
      email.send({ ...mail(i), from: 'bench@example.com' })
    );
    const bareRate = await measure(`(b) bare pooled nodemailer (${CONNECTIONS} connections)`, (i) =>
      bare.sendMail({ ...mail(i), from: 'bench@example.com' })
    );
    const ours = await measure(`mailer service (pool of ${CONNECTIONS})`, (i) => mailer.send({ server: 'Bench relay', ...mail(i) }));
    bare.close();

    const vsBare = ours / bareRate;
    const vsStock = ours / stock;
    console.log(`\nmailer / bare pooled nodemailer = ${vsBare.toFixed(2)} (target >= 0.80)`);
    console.log(`mailer / stock provider         = ${vsStock.toFixed(2)} (target > 1)`);
    if (vsBare < 0.8 || vsStock <= 1) {
      console.log('TARGET MISSED');
      exitCode = 1;
    }
  } finally {
    await strapi.destroy();
    sink.stop();
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(dbFile + suffix, { force: true });
  }
  process.exit(exitCode);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
