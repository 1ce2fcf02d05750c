#!/usr/bin/env node
/**
 * Search benchmark: 100,000 stored messages (20,000 conversations of 5), indexed through the same
 * service ingest calls, then the conversation list as the route runs it (`inbox.list`) for typical
 * searches: a common word, a rare one, a prefix, two words, a word nobody wrote, and a search
 * with a status filter. Prints the median ms per query of BENCH_RUNS runs and exits non-zero when
 * one is over BENCH_MAX_MS (100).
 *
 * BENCH_DB=postgres runs Strapi on PostgreSQL (scripts/postgres.sh start); the default is SQLite.
 */
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const MESSAGES = Number(process.env.BENCH_COUNT ?? 100_000);
const PER_CONVERSATION = 5;
const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const MAX_MS = Number(process.env.BENCH_MAX_MS ?? 100);
const DB = process.env.BENCH_DB === 'postgres' ? 'postgres' : 'sqlite';
const ROOT = path.resolve(__dirname, '..');

const database = async () => {
  if (DB === 'sqlite') {
    const file = path.join(os.tmpdir(), `email-server-bench-search-${process.pid}.db`);
    return {
      env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: file },
      drop: async () => ['', '-wal', '-shm'].forEach((s) => fs.rmSync(file + s, { force: true })),
    };
  }
  execFileSync('bash', [path.join(ROOT, 'scripts', 'postgres.sh'), 'start'], { stdio: 'inherit' });
  const { Client } = require('pg');
  const config = { host: '127.0.0.1', port: Number(process.env.TEST_PG_PORT ?? 55432), user: 'postgres' };
  const name = `email_server_bench_search_${process.pid}`;
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

// A seeded generator: every run stores the same mails.
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'po', 'an', 'er', 'in', 'os', 'ul'];
const vocabulary = Array.from({ length: 20_000 }, () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => syllables[Math.floor(random() * syllables.length)]).join(''));
const common = ['invoice', 'order', 'delivery', 'account', 'please', 'thanks', 'refund', 'password'];
// Zipf-like: a few words are everywhere, most are rare.
const word = () => (random() < 0.15 ? common[Math.floor(random() * common.length)] : vocabulary[Math.floor(vocabulary.length * random() ** 2)]);
const body = (n) => Array.from({ length: n }, word).join(' ');

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

(async () => {
  const db = await database();
  Object.assign(process.env, {
    NODE_ENV: 'production',
    STRAPI_LOG_LEVEL: 'error',
    STRAPI_TELEMETRY_DISABLED: 'true',
    EMAIL_SERVER_POLLING: 'false',
    EMAIL_SERVER_CAMPAIGNS: 'false',
    ...db.env,
  });
  const { createStrapi } = require('@strapi/strapi');
  const playground = path.join(ROOT, 'playground');
  const strapi = await createStrapi({ appDir: playground, distDir: playground, autoReload: false, serveAdminPanel: false }).load();
  let exitCode = 0;
  try {
    const plugin = strapi.plugin('email-server');
    const search = plugin.service('inbox-search');
    const q = (uid) => strapi.db.query(uid);
    const server = 'bench-server';
    let started = Date.now();
    const batch = 500;
    for (let i = 0; i < MESSAGES; i += batch) {
      const conversations = [];
      const messages = [];
      for (let j = i; j < Math.min(i + batch, MESSAGES); j++) {
        const c = Math.floor(j / PER_CONVERSATION);
        const conversation = `bench-c${c}`;
        const from = { address: `customer${c}@customer.example`, name: `Customer ${c}` };
        if (j % PER_CONVERSATION === 0) {
          const subject = `Question ${c} about ${word()}`;
          conversations.push({ documentId: conversation, server, subject, status: c % 3 ? 'open' : 'closed', participants: [from], searchText: `${subject} ${from.address} ${from.name}`.toLowerCase(), lastMessageAt: new Date(Date.UTC(2026, 0, 1) + c * 60_000), unread: false, automatic: false });
        }
        messages.push({ documentId: crypto.randomUUID(), server, dedupeKey: `bench:${j}`, messageId: `<b${j}@customer.example>`, from, to: [], cc: [], replyTo: [], subject: `Re: Question ${c}`, date: new Date(), text: `${body(60 + Math.floor(random() * 120))} ticket${j}`, conversation });
      }
      await strapi.db.transaction(async () => {
        if (conversations.length) await q('plugin::email-server.conversation').createMany({ data: conversations });
        await q('plugin::email-server.inbound-message').createMany({ data: messages });
        await search.index(messages);
      });
    }
    console.log(`${MESSAGES} messages in ${MESSAGES / PER_CONVERSATION} conversations stored and indexed in ${((Date.now() - started) / 1000).toFixed(1)} s, Strapi on ${DB}\n`);

    // An order number: in one mail only.
    const rare = `ticket${Math.floor(MESSAGES / 3)}`;
    const searches = [
      ['a common word', { q: 'invoice' }],
      ['a rare word', { q: rare }],
      ['a prefix', { q: 'refu' }],
      ['a prefix of a rare word', { q: rare.slice(0, -1) }],
      ['two words', { q: `delivery ${vocabulary[3]}` }],
      ['a word nobody wrote', { q: 'xylophone' }],
      ['an address', { q: 'customer1234@' }],
      ['a common word, status open', { q: 'password', status: 'open' }],
    ];
    const inbox = plugin.service('inbox');
    for (const [label, query] of searches) {
      const times = [];
      let total = 0;
      for (let r = 0; r < RUNS; r++) {
        started = process.hrtime.bigint();
        const result = await inbox.list({ page: 1, pageSize: 25, ...query });
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        total = result.meta.pagination.total;
      }
      const ms = median(times);
      const over = ms > MAX_MS;
      if (over) exitCode = 1;
      console.log(`${label.padEnd(30)} ${ms.toFixed(1).padStart(7)} ms median  (${String(total).padStart(6)} conversations)${over ? `  over ${MAX_MS} ms` : ''}`);
    }
  } catch (error) {
    console.error(error);
    exitCode = 1;
  } finally {
    await strapi.destroy();
    await db.drop();
  }
  process.exit(exitCode);
})();
