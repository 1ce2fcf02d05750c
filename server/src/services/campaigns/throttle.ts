import type { Core } from '@strapi/strapi';
import { UIDS } from '../../utils';
import { rawTable } from '../../utils/raw-table';
import { sleep } from '../../utils/sleep';
import { windowStep } from './throttle-window';
import { LIMIT_WINDOWS, currentWindow, type LimitWindow, type LimitedServer, type QuotaGrant } from './limit-windows';

const SLOT_LEASE_MS = 30_000;

/**
 * The per-server send limits, kept in the database so that every Strapi instance on it counts
 * together: a messages-per-second window (row slot 0) taken with compare-and-set updates, and
 * connection slots (rows 1..n) each leased by one instance at a time, and the hourly and daily
 * counts (rows -1 and -2, see limit-windows.ts) taken with compare-and-set like the second.
 *
 * Windows are whole seconds of the database clients' clocks; instances are expected to run NTP.
 */
const throttleService = ({ strapi }: { strapi: Core.Strapi }) => {
  const table = () => rawTable(strapi, UIDS.throttle);
  const ensured = new Set<string>();

  /** Creates the rows `from`..`to` once; another instance may have made them. */
  const ensureRows = async (server: string, to: number, from = 0) => {
    const key = `${server}:${from}:${to}`;
    if (ensured.has(key)) return;
    const { knex, columns } = table();
    const existing = new Set(
      (await knex().select(table().col('slot')).where(table().col('server'), server)).map((r: any) => Number(r[table().col('slot')]))
    );
    for (let slot = from; slot <= to; slot++) {
      if (existing.has(slot)) continue;
      await knex()
        .insert(columns({ documentId: `${server}-${slot}`.slice(0, 255), server, slot, windowStart: 0, used: 0 }))
        .onConflict([table().col('server'), table().col('slot')])
        .ignore();
    }
    ensured.add(key);
  };

  /**
   * Takes up to `want` from one count window whose cap is `limit`, with compare-and-set; returns
   * the number granted (0 when the window is full) and the window it was counted in.
   */
  const takeWindow = async (server: string, window: LimitWindow, want: number, limit: number): Promise<{ granted: number; windowStart: number }> => {
    const { knex, col } = table();
    for (;;) {
      const current = currentWindow(window, Date.now());
      const row = await knex().select(col('windowStart'), col('used')).where({ [col('server')]: server, [col('slot')]: window.slot }).first();
      const rowWindow = Number(row?.[col('windowStart')] ?? 0);
      const used = Number(row?.[col('used')] ?? 0);
      const base = { [col('server')]: server, [col('slot')]: window.slot, [col('windowStart')]: rowWindow, [col('used')]: used };
      // Only forward, as for the second: a row a skewed instance already moved on is counted in.
      const opening = rowWindow < current;
      const free = Math.max(0, limit - (opening ? 0 : used));
      const granted = Math.min(want, free);
      if (granted === 0) return { granted, windowStart: rowWindow };
      const patch = opening ? { [col('windowStart')]: current, [col('used')]: granted } : { [col('used')]: used + granted };
      if (Number(await knex().where(base).update(patch)) === 1) return { granted, windowStart: opening ? current : rowWindow };
    }
  };

  /** Gives back `count` taken in `windowStart` (a mail that did not go out); nothing once the window is over. */
  const giveBackWindow = async (server: string, window: LimitWindow, windowStart: number, count: number) => {
    if (count <= 0) return;
    const { knex, col } = table();
    await knex()
      .where({ [col('server')]: server, [col('slot')]: window.slot, [col('windowStart')]: windowStart })
      .andWhere(col('used'), '>=', count)
      .update({ [col('used')]: strapi.db.connection.raw('?? - ?', [col('used'), count]) });
  };

  return {
    slotLeaseMs: SLOT_LEASE_MS,

    /**
     * Counts up to `want` messages through this server in its hourly and daily windows (every
     * message counts, limit or not: the list shows the counts), within its limits. Returns how
     * many may go now, and when fewer than `want`, which limit stopped the rest. Give back what
     * did not go out with `giveBack(grant, n)`.
     */
    async takeQuota(server: LimitedServer, want: number): Promise<QuotaGrant> {
      await ensureRows(server.documentId, -1, -LIMIT_WINDOWS.length);
      let granted = want;
      const taken: Array<{ window: LimitWindow; windowStart: number; granted: number }> = [];
      let limitedBy: QuotaGrant['limitedBy'] = null;
      for (const window of LIMIT_WINDOWS) {
        const limit = window.limitOf(server) ?? Number.MAX_SAFE_INTEGER;
        const got = await takeWindow(server.documentId, window, granted, limit);
        if (got.granted < granted) {
          limitedBy = { window, limit, windowStart: got.granted > 0 ? got.windowStart : currentWindow(window, Date.now()) };
          // The narrower window granted less: the wider ones give the difference back.
          for (const t of taken) await giveBackWindow(server.documentId, t.window, t.windowStart, t.granted - got.granted);
          for (const t of taken) t.granted = got.granted;
          granted = got.granted;
        }
        taken.push({ window, windowStart: got.windowStart, granted: got.granted });
        if (granted === 0) break;
      }
      return { granted, limitedBy, taken: granted > 0 ? taken : [] };
    },

    /** Gives back `count` of a grant: messages that were counted but did not go out. */
    async giveBack(server: string, grant: QuotaGrant, count: number) {
      for (const t of grant.taken) await giveBackWindow(server, t.window, t.windowStart, Math.min(count, t.granted));
    },

    /** This hour's and today's counts of these servers, in two queries however many servers. */
    async usage(servers: string[]): Promise<Map<string, { sentThisHour: number; sentToday: number }>> {
      const out = new Map(servers.map((s) => [s, { sentThisHour: 0, sentToday: 0 }]));
      if (servers.length === 0) return out;
      const { knex, col } = table();
      const rows = await knex()
        .select(col('server'), col('slot'), col('windowStart'), col('used'))
        .whereIn(col('server'), servers)
        .whereIn(col('slot'), LIMIT_WINDOWS.map((w) => w.slot));
      const now = Date.now();
      for (const row of rows) {
        const window = LIMIT_WINDOWS.find((w) => w.slot === Number(row[col('slot')]))!;
        const entry = out.get(row[col('server')]);
        if (!entry || Number(row[col('windowStart')]) !== currentWindow(window, now)) continue;
        entry[window.usageField] = Number(row[col('used')]);
      }
      return out;
    },

    /**
     * Takes up to `want` sends from the current second's allowance of `rate`, waiting for the next
     * second when it is used up. Returns how many were granted (at least 1).
     */
    async take(server: string, want: number, rate: number, shouldStop: () => boolean = () => false): Promise<number> {
      await ensureRows(server, 0);
      const { knex, col } = table();
      for (;;) {
        const now = Date.now();
        const row = await knex().select(col('windowStart'), col('used')).where({ [col('server')]: server, [col('slot')]: 0 }).first();
        const rowWindow = Number(row?.[col('windowStart')] ?? 0);
        const used = Number(row?.[col('used')] ?? 0);
        // Compare-and-set: the update applies only if no other instance moved the row since the read.
        const base = { [col('server')]: server, [col('slot')]: 0, [col('windowStart')]: rowWindow, [col('used')]: used };
        const step = windowStep(now, { windowStart: rowWindow, used }, want, rate);
        if (step.kind === 'open') {
          if (Number(await knex().where(base).update({ [col('windowStart')]: step.windowStart, [col('used')]: step.grant })) === 1) return step.grant;
          continue;
        }
        if (step.kind === 'take') {
          if (Number(await knex().where(base).update({ [col('used')]: step.used })) === 1) return step.grant;
          continue;
        }
        if (step.kind === 'full' && shouldStop()) return 0;
        await sleep(step.waitMs);
      }
    },

    /**
     * Leases every free connection slot of this server up to `max` for `owner`, keeps the ones
     * it holds, and returns how many it holds now.
     */
    async acquireSlots(server: string, max: number, owner: string): Promise<number> {
      await ensureRows(server, max);
      const { knex, col } = table();
      const now = Date.now();
      const slots = () => knex().where(col('server'), server).andWhere(col('slot'), '>=', 1).andWhere(col('slot'), '<=', max);
      await slots().andWhere(col('leaseOwner'), owner).update({ [col('leaseUntil')]: now + SLOT_LEASE_MS });
      // One more slot per call: instances that start together share the connections instead of
      // the first one taking them all.
      const free = await slots()
        .andWhere((w) => w.whereNull(col('leaseOwner')).orWhere(col('leaseUntil'), '<', now))
        .select(col('slot'))
        .orderBy(col('slot'))
        .first();
      if (free) {
        await slots()
          .andWhere(col('slot'), free[col('slot')])
          .andWhere((w) => w.whereNull(col('leaseOwner')).orWhere(col('leaseUntil'), '<', now))
          .update({ [col('leaseOwner')]: owner, [col('leaseUntil')]: now + SLOT_LEASE_MS });
      }
      const [{ count }] = await slots().andWhere(col('leaseOwner'), owner).count({ count: '*' });
      return Number(count);
    },

    async releaseSlots(server: string, owner: string) {
      await table().update({ server, leaseOwner: owner }, { leaseOwner: null, leaseUntil: null });
    },
  };
};

export type ThrottleService = ReturnType<typeof throttleService>;
export default throttleService;
