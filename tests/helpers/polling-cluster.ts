/** Helpers for tests that run the playground as several real `strapi start` processes. */
import { api, startStrapiProcess, type RunningStrapi } from './server-process';
import { incomingFrom, type Dovecot } from './dovecot';
import { waitUntil } from './net';

export const cluster = () => {
  const running: RunningStrapi[] = [];
  const databases = new Set<RunningStrapi['db']>();
  return {
    async start(...args: Parameters<typeof startStrapiProcess>) {
      const instance = await startStrapiProcess(...args);
      running.push(instance);
      databases.add(instance.db);
      return instance;
    },
    async stopAll() {
      for (const s of running) await s.kill();
      for (const db of databases) await db.drop();
    },
  };
};

// Fast polling, small batches and a short lease, so a killed poller's lease runs out quickly.
export const POLLING = {
  EMAIL_SERVER_POLL_TICK_MS: '200',
  EMAIL_SERVER_FETCH_BATCH: '5',
  EMAIL_SERVER_LEASE_MS: '3000',
};

export { api };

export const createImapServer = async (dovecot: Dovecot, call: ReturnType<typeof api>, box: string, protocol: 'imap' | 'pop3', host = '127.0.0.1') => {
  const res = await call('POST', '/email-server/servers', {
    name: `${protocol} ${box}`,
    type: 'smtp',
    senderEmail: 'help@example.com',
    smtpHost: '127.0.0.1',
    smtpPort: 25,
    ...incomingFrom(dovecot, box, protocol),
    incomingHost: host,
    pollIntervalSeconds: 10,
  });
  expect(res.status).toBe(201);
  return res.body.data;
};

/** Every stored conversation subject (one per mail here), read through the API. */
export const storedSubjects = async (call: ReturnType<typeof api>, server: string) => {
  const subjects: string[] = [];
  for (let page = 1; ; page++) {
    const res = await call('GET', `/email-server/conversations?server=${server}&pageSize=100&page=${page}`);
    subjects.push(...res.body.data.map((c: any) => c.subject));
    if (page >= res.body.meta.pagination.pageCount) break;
  }
  return subjects;
};

/** How many conversations the API reports (a count, so it is right while rows are being added). */
export const storedCount = async (call: ReturnType<typeof api>, server: string) =>
  (await call('GET', `/email-server/conversations?server=${server}&pageSize=1`)).body.meta.pagination.total as number;

export const expectEachOnce = (subjects: string[], count: number) => {
  expect(subjects).toHaveLength(count);
  expect(new Set(subjects).size).toBe(count);
};


/** Stored mails of a server, counted in the database itself (the instance that stored them may be dead). */
export const storedInDatabase = async (db: RunningStrapi['db'], server: string) =>
  Number((await db.query('select count(*) as n from email_inbound_messages where server = ?', [server]))[0].n);

/** Waits until Dovecot has logged a whole session of `user` that began after this call: a poll that started later. */
export const waitForALaterPoll = async (dovecot: Dovecot, user: string, timeoutMs = 30_000) => {
  const before = dovecot.sessions(user).length;
  await waitUntil(() => dovecot.sessions(user).slice(before).some((s) => s.fetched !== undefined), timeoutMs, `a later poll of ${user}`);
};
