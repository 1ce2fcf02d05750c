#!/usr/bin/env node
/**
 * Campaign benchmark: 10,000 recipients through an SMTP server pointing at postfix's smtp-sink,
 * at the settings a user gets by default (only the server's rate limit raised: no tick or claim
 * override), against a bare pooled nodemailer transport with the same connections (5) and 20
 * sends in flight. A warm-up round, then BENCH_ROUNDS (>= 3) rounds alternating which side runs
 * first (bench/lib/rounds.js); each plugin round is a new campaign timed from Send to Completed,
 * so it includes every queue write (claims, leases, throttle windows, outcomes); its import is not
 * timed. Prints per-round rates and ratios, the median and range, the peak RSS growth during a
 * campaign, writes bench/results.json (key campaign-smtp-<db>) and exits non-zero below 1.6x.
 * Strapi's stock provider (no pool, one mail after the other) is timed over BENCH_STOCK_COUNT
 * mails (default 1,000) and printed as what it is, never as the headline ratio.
 *
 * BENCH_DB=postgres runs Strapi on PostgreSQL (scripts/postgres.sh start); the default is SQLite.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const nodemailer = require('nodemailer');
const { sinkRelay, startSink } = require('./smtp-sink');
const { alternate, writeResult } = require('./lib/rounds');
const TARGET = 1.6;

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

    // The stock provider, one mail after the other: printed as what it is, never the headline.
    const email = strapi.plugin('email').service('email');
    let started = process.hrtime.bigint();
    for (let i = 0; i < STOCK_COUNT; i++) await email.send({ ...mail(i), from: 'bench@example.com' });
    const stock = line(`stock provider, no pool, one after the other`, STOCK_COUNT, seconds(started));

    // Baseline: a bare pooled transport, same connections, 20 in flight, the same mails.
    const bareRound = async () => {
      const bare = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: CONNECTIONS, maxMessages: 100 });
      let next = 0;
      const t = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: CONNECTIONS * 4 }, async () => {
          while (next < COUNT) await bare.sendMail({ ...mail(next++), from: 'bench@example.com' });
        })
      );
      const rate = COUNT / seconds(t);
      bare.close();
      return rate;
    };

    // The plugin: a new campaign per round (its import not timed), Send to Completed with every
    // queue write, at the settings a user gets (only the server's rate limit raised).
    const campaigns = plugin.service('campaigns');
    let round = 0;
    let peakGrowthMb = 0;
    const campaignRound = async () => {
      round++;
      const t0 = process.hrtime.bigint();
      const { campaign } = await campaigns.create(
        { name: `Bench ${round}`, server: 'Bench relay', subject: 'Hello {{name}}', text: `Dear {{name}},\n${BODY}` },
        Array.from({ length: COUNT }, (_, i) => ({ email: `user${i}@example.org`, data: { name: `User ${i}` } }))
      );
      const importRate = COUNT / seconds(t0);
      global.gc?.();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      const t = process.hrtime.bigint();
      await campaigns.send(campaign);
      for (;;) {
        const row = await strapi.db.query('plugin::email-server.campaign').findOne({ where: { id: campaign.id } });
        if (row.status === 'completed') break;
        if (row.status !== 'sending') throw new Error(`the campaign stopped: ${row.status} ${row.pauseReason ?? ''}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const rate = COUNT / seconds(t);
      clearInterval(sampler);
      const counts = (await campaigns.counts([campaign.documentId])).get(campaign.documentId);
      if (counts.sent !== COUNT) throw new Error(`only ${counts.sent} of ${COUNT} sent`);
      peakGrowthMb = Math.max(peakGrowthMb, (peak - baseline) / 1024 / 1024);
      console.log(`    campaign ${round}: ${rate.toFixed(0)} msg/s; import ${importRate.toFixed(0)} rows/s (not timed)`);
      return rate;
    };

    const summary = await alternate({ label: `campaign vs bare pooled nodemailer (${CONNECTIONS} connections), ${DB}`, baseline: bareRound, plugin: campaignRound });
    const pass = summary.min >= TARGET && peakGrowthMb < 300;
    console.log(`\ncampaign / bare pooled nodemailer = ${summary.median.toFixed(2)} median, ${summary.min.toFixed(2)}–${summary.max.toFixed(2)} (target >= ${TARGET})`);
    console.log(`campaign / stock provider         = ${(summary.pluginMedian / stock).toFixed(0)} (stock: no pool, one after the other)`);
    console.log(`peak RSS growth during a campaign = ${peakGrowthMb.toFixed(0)} MB (target < 300 MB)`);
    writeResult(`campaign-smtp-${DB}`, {
      settings: { recipients: COUNT, connections: CONNECTIONS, mailBytes: 2048, tickMs: 'default (1000)', claimBatch: 'default', rateLimitPerSecond: 100000 },
      ...summary,
      stockRate: stock,
      peakRssGrowthMb: Math.round(peakGrowthMb),
      target: TARGET,
      pass,
    });
    if (!pass) {
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
