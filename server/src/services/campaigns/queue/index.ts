import type { Core } from '@strapi/strapi';
import { UIDS, getService } from '../../../utils';
import { instanceOwnerId } from '../../../utils/ids';
import { createTicker } from '../../../utils/ticker';
import { createQueueContext } from './context';
import { createWorker } from './worker';

/**
 * The durable campaign queue. Every recipient is a row; a worker claims a batch of rows by moving
 * them from `queued` to `sending` under a lease in one conditional UPDATE (claim.ts), sends them
 * within the server's shared throttle (send-smtp.ts, send-sendgrid.ts), and records each outcome
 * (record.ts, pause.ts). A worker that dies leaves its rows in `sending`; once the lease runs out
 * another worker claims them again. So a recipient gets a second mail only if a worker died after
 * the server accepted the mail and before the outcome was written: at most `claimBatch` rows
 * (1,000 for SendGrid) per worker at the instant of a crash.
 *
 * One worker per server per instance; several instances each run theirs, sharing rows, rate and
 * connection slots through the database.
 */
const campaignQueueService = ({ strapi }: { strapi: Core.Strapi }) => {
  const q = createQueueContext(strapi, instanceOwnerId());
  const workers = new Map<string, Promise<void>>();
  let stopping = false;
  let prunedAt = 0;
  const work = createWorker(q, () => stopping);

  /** Rows a cancel could not reach: written back by a send in flight, or left by a dead worker. */
  const cancelLeftovers = async () => {
    const { knex, col } = q.table();
    const cancelled = (
      await q.campaigns().findMany({ select: ['documentId'], where: { status: 'cancelled', completedAt: { $gt: new Date(Date.now() - 24 * 3600_000) } } })
    ).map((c: any) => c.documentId);
    if (cancelled.length > 0) {
      await knex()
        .whereIn(col('campaign'), cancelled)
        .andWhere((w: any) => w.where(col('status'), 'queued').orWhere((b: any) => b.where(col('status'), 'sending').andWhere(col('leaseUntil'), '<', Date.now())))
        .update({ [col('status')]: 'cancelled', [col('leaseOwner')]: null });
    }
  };

  const service = {
    /** One pass: start due scheduled campaigns, and a worker per server with sending campaigns. */
    async tick() {
      if (stopping) return;
      await q.campaigns().updateMany({
        where: { status: 'scheduled', scheduledAt: { $lte: new Date() } },
        data: { status: 'sending', startedAt: new Date() },
      });
      // Applied webhook event ids matter only while SendGrid may still redeliver them (72 hours).
      if (Date.now() - prunedAt > 3600_000) {
        prunedAt = Date.now();
        await strapi.db.query(UIDS.webhookEvent).deleteMany({ where: { createdAt: { $lt: new Date(Date.now() - 30 * 24 * 3600_000) } } });
        // Who-changed-what entries are kept config.audit.retentionDays.
        await getService(strapi, 'activity').pruneExpired();
      }
      await cancelLeftovers();
      const active = await q.campaigns().findMany({ select: ['server'], where: { status: 'sending' } });
      for (const serverId of new Set<string>(active.map((c: any) => c.server))) {
        if (workers.has(serverId) || stopping) continue;
        const job = work(serverId)
          .catch((error) => {
            strapi.log.error(`[email-server] campaign worker: ${String(error?.message ?? error).slice(0, 300)}`);
          })
          .finally(() => workers.delete(serverId));
        workers.set(serverId, job);
      }
    },

    /**
     * A campaign started or resumed on this instance: its worker starts now instead of at the next
     * tick (up to `tickMs` later). The check-and-set of `workers` has no await between, so this
     * beside a tick still starts one worker per server.
     */
    wake() {
      if (stopping || ticker.stopped) return;
      setImmediate(() => service.tick().catch((error) => strapi.log.error(`[email-server] campaign queue: ${String(error?.message ?? error).slice(0, 300)}`)));
    },

    start() {
      if (!q.config().sending) return;
      stopping = false;
      ticker.start();
    },

    /** Stops claiming; sends in flight finish and unsent claimed rows go back to the queue. */
    async stop() {
      stopping = true;
      await ticker.stop();
      await Promise.allSettled([...workers.values()]);
    },
  };
  const ticker = createTicker(service.tick, () => q.config().tickMs, (error) => {
    strapi.log.error(`[email-server] campaign queue: ${String(error?.message ?? error).slice(0, 300)}`);
  });
  return service;
};

export type CampaignQueueService = ReturnType<typeof campaignQueueService>;
export default campaignQueueService;
