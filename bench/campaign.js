#!/usr/bin/env node
/**
 * Campaign benchmark: 10,000 recipients through an SMTP server pointing at postfix's smtp-sink,
 * and in the same run the same mails through
 *  - (a) a loop over Strapi's stock strapi.plugin('email').service('email').send with
 *        @strapi/provider-email-nodemailer (default options), one mail after the other,
 *  - (b) a bare pooled nodemailer transport with the same connection count (5), 20 in flight.
 * The campaign is timed from "send" to "completed", so it includes all queue bookkeeping
 * (claims, leases, throttle windows, outcomes); importing the list is timed apart.
 * Prints messages per second, ratios and the peak RSS growth during the campaign.
 *
 * BENCH_DB=postgres runs Strapi on PostgreSQL (scripts/postgres.sh start); the default is SQLite.
 * The stock loop sends one mail at a time at a steady rate; it is timed over its first
 * BENCH_STOCK_COUNT mails (default 1,000) rather than all 10,000, which would take minutes.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const nodemailer = require('nodemailer');
const { sinkRelay, startSink } = require('./smtp-sink');

const COUNT = Number(process.env.BENCH_COUNT ?? 10_000);
const STOCK_COUNT = Math.min(COUNT, Number(process.env.BENCH_STOCK_COUNT ?? 1000));
const CONNECTIONS = 5;
const DB = process.env.BENCH_DB === 'postgres' ? 'postgres' : 'sqlite';
const ROOT = path.resolve(__dirname, '..');
const BODY = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(35); // ~2 KB


const seconds = (started) => Number(process.hrtime.bigint() - started) / 1e9;
const line = (label, count, s) => {
  const rate = count / s;
  console.log(`${label.padEnd(52)} ${rate.toFixed(0).padStart(6)} msg/s  (${count} in ${s.toFixed(2)} s)`);
  return rate;
};

const database = async () => {
  if (DB === 'sqlite') {
    const file = path.join(os.tmpdir(), `email-server-bench-${process.pid}.db`);
    return {
      env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: file },
      drop: async () => ['', '-wal', '-shm'].forEach((s) => fs.rmSync(file + s, { force: true })),
    };
  }
  execFileSync('bash', [path.join(ROOT, 'scripts', 'postgres.sh'), 'start'], { stdio: 'inherit' });
  const { Client } = require('pg');
  const config = { host: '127.0.0.1', port: Number(process.env.TEST_PG_PORT ?? 55432), user: 'postgres' };
  const name = `email_server_bench_${process.pid}`;
  const admin = new Client({ ...config, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    env: { DATABASE_CLIENT: 'postgres', DATABASE_HOST: config.host, DATABASE_PORT: String(config.port), DATABASE_NAME: name, DATABASE_USERNAME: 'postgres', DATABASE_PASSWORD: '' },
    drop: async () => {
      const c = new Client({ ...config, database: 'postgres' });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
};

(async () => {
  const sink = await startSink();
  const { port } = sink;
  const db = await database();
  Object.assign(process.env, {
    NODE_ENV: 'production',
    FALLBACK_SMTP_PORT: String(port),
    STRAPI_LOG_LEVEL: 'error',
    STRAPI_TELEMETRY_DISABLED: 'true',
    EMAIL_SERVER_POLLING: 'false',
    ...db.env,
  });
  const { createStrapi } = require('@strapi/strapi');
  const playground = path.join(ROOT, 'playground');
  const strapi = await createStrapi({ appDir: playground, distDir: playground, autoReload: false, serveAdminPanel: false }).load();
  let exitCode = 0;
  try {
    const plugin = strapi.plugin('email-server');
    await plugin.service('servers').create(sinkRelay(port, { rateLimitPerSecond: 100_000, maxConnections: CONNECTIONS }));
    const mail = (i) => ({ to: `user${i}@example.org`, subject: `Hello ${i}`, text: BODY });
    console.log(`${COUNT} recipients, mails of ~2 KB, smtp-sink on 127.0.0.1:${port}, Strapi on ${DB}\n`);

    // (a) the stock provider, one mail after the other, as a loop over the email service does.
    const email = strapi.plugin('email').service('email');
    let started = process.hrtime.bigint();
    for (let i = 0; i < STOCK_COUNT; i++) await email.send({ ...mail(i), from: 'bench@example.com' });
    const stock = line(`(a) loop over Strapi's email service (stock provider)`, STOCK_COUNT, seconds(started));

    // (b) a bare pooled transport, same connections, 20 in flight.
    const bare = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: CONNECTIONS, maxMessages: 100 });
    let next = 0;
    started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: CONNECTIONS * 4 }, async () => {
        while (next < COUNT) await bare.sendMail({ ...mail(next++), from: 'bench@example.com' });
      })
    );
    const bareRate = line(`(b) bare pooled nodemailer (${CONNECTIONS} connections)`, COUNT, seconds(started));
    bare.close();

    // The campaign: import, then send through the queue until completed.
    global.gc?.();
    const campaigns = plugin.service('campaigns');
    started = process.hrtime.bigint();
    const { campaign } = await campaigns.create(
      { name: 'Bench', server: 'Bench relay', subject: 'Hello {{name}}', text: `Dear {{name}},\n${BODY}` },
      Array.from({ length: COUNT }, (_, i) => ({ email: `user${i}@example.org`, data: { name: `User ${i}` } }))
    );
    const importSeconds = seconds(started);
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    started = process.hrtime.bigint();
    await campaigns.send(campaign);
    for (;;) {
      const row = await strapi.db.query('plugin::email-server.campaign').findOne({ where: { id: campaign.id } });
      if (row.status === 'completed') break;
      if (row.status !== 'sending') throw new Error(`the campaign stopped: ${row.status} ${row.pauseReason ?? ''}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const campaignSeconds = seconds(started);
    clearInterval(sampler);
    const counts = (await campaigns.counts([campaign.documentId])).get(campaign.documentId);
    if (counts.sent !== COUNT) throw new Error(`only ${counts.sent} of ${COUNT} sent`);
    const ours = line(`campaign through the queue (pool of ${CONNECTIONS})`, COUNT, campaignSeconds);
    console.log(`${'  importing the list (not in the figure above)'.padEnd(52)} ${(COUNT / importSeconds).toFixed(0).padStart(6)} rows/s`);

    const growthMb = (peak - baseline) / 1024 / 1024;
    console.log(`\ncampaign / bare pooled nodemailer = ${(ours / bareRate).toFixed(2)} (target >= 0.50)`);
    console.log(`campaign / stock loop             = ${(ours / stock).toFixed(1)} (target >= 10)`);
    console.log(`peak RSS growth during the campaign = ${growthMb.toFixed(0)} MB (target < 300 MB)`);
    if (ours / bareRate < 0.5 || ours / stock < 10 || growthMb >= 300) {
      console.log('TARGET MISSED');
      exitCode = 1;
    }
  } finally {
    await strapi.destroy();
    sink.stop();
    await db.drop();
  }
  process.exit(exitCode);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
