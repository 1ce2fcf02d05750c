import type { Core } from '@strapi/strapi';
import { UIDS } from '../../utils';
import { rawTable } from '../../utils/raw-table';
import { sleep } from '../../utils/sleep';
import { windowStep } from './throttle-window';

const SLOT_LEASE_MS = 30_000;

/**
 * The per-server send limits, kept in the database so that every Strapi instance on it counts
 * together: a messages-per-second window (row slot 0) taken with compare-and-set updates, and
 * connection slots (rows 1..n) each leased by one instance at a time.
 *
 * Windows are whole seconds of the database clients' clocks; instances are expected to run NTP.
 */
const throttleService = ({ strapi }: { strapi: Core.Strapi }) => {
  const table = () => rawTable(strapi, UIDS.throttle);
  const ensured = new Set<string>();

  /** Creates the window row and the slot rows once; another instance may have made them. */
  const ensureRows = async (server: string, slots: number) => {
    const key = `${server}:${slots}`;
    if (ensured.has(key)) return;
    const { knex, columns } = table();
    const existing = new Set(
      (await knex().select(table().col('slot')).where(table().col('server'), server)).map((r: any) => Number(r.slot))
    );
    for (let slot = 0; slot <= slots; slot++) {
      if (existing.has(slot)) continue;
      await knex()
        .insert(columns({ documentId: `${server}-${slot}`.slice(0, 255), server, slot, windowStart: 0, used: 0 }))
        .onConflict([table().col('server'), table().col('slot')])
        .ignore();
    }
    ensured.add(key);
  };

  return {
    slotLeaseMs: SLOT_LEASE_MS,

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
