import { getService } from '../../../utils';
import type { ClaimedRow, QueueContext } from './context';

/**
 * The lease on recipient rows: a worker moves due rows from `queued` to `sending` under a token of
 * its own in one conditional UPDATE, and gives back what it will not send.
 */
export const createLeases = (q: QueueContext) => {
  let batchNumber = 0;

  /** Moves up to `limit` due rows of these campaigns to `sending` under a lease token of ours. */
  const claim = async (campaignIds: string[], limit: number): Promise<{ token: string; rows: ClaimedRow[]; due: number }> => {
    const token = `${q.owner}:${++batchNumber}`;
    const { knex, col } = q.table();
    const now = Date.now();
    const due = (w: any) =>
      w
        .where((b: any) => b.where(col('status'), 'queued').andWhere(col('nextAttemptAt'), '<=', now))
        .orWhere((b: any) => b.where(col('status'), 'sending').andWhere(col('leaseUntil'), '<', now));
    const ids = (
      await knex().select('id').whereIn(col('campaign'), campaignIds).andWhere(due).orderBy('id').limit(limit)
    ).map((r: any) => r.id);
    if (ids.length === 0) return { token, rows: [], due: 0 };
    // The condition is repeated: of two workers that picked the same ids, one update wins each row.
    await knex()
      .whereIn('id', ids)
      .andWhere(due)
      .update({
        [col('status')]: 'sending',
        [col('leaseOwner')]: token,
        [col('leaseUntil')]: now + q.config().leaseMs,
        [col('attempts')]: q.strapi.db.connection.raw('?? + 1', [col('attempts')]),
      });
    const rows = await q.recipients().findMany({
      select: ['id', 'campaign', 'email', 'emailKey', 'data', 'attempts'],
      where: { leaseOwner: token },
      orderBy: { id: 'asc' },
    });
    return { token, rows: rows as ClaimedRow[], due: ids.length };
  };

  /** Gives rows back to the queue untouched (stop, pause, cancel): the attempt did not happen. */
  const release = async (token: string, rows: ClaimedRow[], status: 'queued' | 'cancelled' = 'queued') => {
    if (rows.length === 0) return;
    const { knex, col } = q.table();
    await knex()
      .whereIn('id', rows.map((r) => r.id))
      .andWhere(col('leaseOwner'), token)
      .andWhere(col('status'), 'sending')
      .update({
        [col('status')]: status,
        [col('leaseOwner')]: null,
        [col('leaseUntil')]: null,
        [col('attempts')]: q.strapi.db.connection.raw('?? - 1', [col('attempts')]),
      });
  };

  /** While a worker holds rows, it keeps their leases: a slow relay must not hand them to another worker. */
  const renew = (token: string) => {
    const { knex, col } = q.table();
    return knex()
      .where(col('leaseOwner'), token)
      .andWhere(col('status'), 'sending')
      .update({ [col('leaseUntil')]: Date.now() + q.config().leaseMs });
  };

  /** Gives back the rows of campaigns that are no longer sending; returns the rest. */
  const keepSending = async (token: string, rest: ClaimedRow[]) => {
    const statuses = new Map(
      (await q.campaigns().findMany({ select: ['documentId', 'status'], where: { documentId: { $in: [...new Set(rest.map((r) => r.campaign))] } } })).map(
        (c: any) => [c.documentId, c.status]
      )
    );
    const stopped = rest.filter((r) => statuses.get(r.campaign) !== 'sending');
    await release(token, stopped.filter((r) => statuses.get(r.campaign) === 'cancelled'), 'cancelled');
    await release(token, stopped.filter((r) => statuses.get(r.campaign) !== 'cancelled'), 'queued');
    return rest.filter((r) => statuses.get(r.campaign) === 'sending');
  };

  /** Marks the rows whose address is on the suppression list now; returns the others. */
  const skipSuppressed = async (token: string, rows: ClaimedRow[]) => {
    if (rows.length === 0) return rows;
    const suppressed = await getService(q.strapi, 'suppressions').suppressedAmong(rows.map((r) => r.emailKey));
    if (suppressed.size === 0) return rows;
    const { knex, col } = q.table();
    await knex()
      .whereIn('id', rows.filter((r) => suppressed.has(r.emailKey)).map((r) => r.id))
      .andWhere(col('leaseOwner'), token)
      .update({ [col('status')]: 'suppressed', [col('leaseOwner')]: null, [col('lastError')]: 'On the suppression list.' });
    return rows.filter((r) => !suppressed.has(r.emailKey));
  };

  return { claim, release, renew, keepSending, skipSuppressed };
};

export type Leases = ReturnType<typeof createLeases>;
