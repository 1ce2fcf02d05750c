import { SENDGRID_LIMITS } from '../../../adapters/sendgrid';
import { getService } from '../../../utils';
import { sleep } from '../../../utils/sleep';
import type { StoredServer } from '../../servers/servers';
import type { StoredCampaign } from '../campaigns';
import { createLeases } from './claim';
import type { ClaimedRow, QueueContext } from './context';
import { createPauseRules } from './pause';
import { completeFinished, recordOutcomes } from './record';
import { createRouter, type Held } from './route';

/** The loop of one server's worker: claim, send within the rate, record, pause when the rules say so. */
export const createWorker = (q: QueueContext, isStopping: () => boolean) => {
  const leases = createLeases(q);
  const pauses = createPauseRules(q);
  const throttle = () => getService(q.strapi, 'throttle');
  const route = createRouter(q, isStopping);

  /** Campaigns a limit held back wait for the window to reset; the response shows until when and why. */
  const markWaiting = async (held: Held) => {
    for (const [campaign, { until, reason }] of held.waits) {
      await q.campaigns().updateMany({ where: { documentId: campaign, status: 'sending' }, data: { waitingUntil: until, waitReason: reason } });
    }
  };

  const sendChunks = async (server: StoredServer, byId: Map<string, StoredCampaign>, token: string, rows: ClaimedRow[], lanes: number) => {
    let rest = rows;
    while (rest.length > 0) {
      // A person may have paused or cancelled a campaign since the claim.
      rest = await leases.keepSending(token, rest);
      if (rest.length === 0 || isStopping()) break;

      const granted = await throttle().take(server.documentId, rest.length, server.rateLimitPerSecond ?? 50, isStopping);
      if (granted === 0) break;
      // Waiting for the rate may have taken a while: a pause, a cancel or a suppression (an
      // unsubscribe, a bounce) since then still holds, checked right before the mails go out.
      const chunk = await leases.skipSuppressed(token, await leases.keepSending(token, rest.slice(0, granted)));
      rest = rest.slice(granted);
      if (chunk.length === 0) continue;
      const { outcomes, held } = await route(server, byId, chunk, lanes);
      await recordOutcomes(q, token, outcomes);
      await leases.release(token, held.rows);
      await markWaiting(held);
      const pauseReason = pauses.reasonAfter(server.documentId, outcomes);
      if (pauseReason) {
        await pauses.pauseServerCampaigns(server.documentId, pauseReason);
        await leases.release(token, rest);
        return;
      }
    }
    await leases.release(token, rest);
  };

  /** Sends claimed rows in chunks the rate allows, recording each chunk as it completes. */
  const sendClaimed = async (server: StoredServer, byId: Map<string, StoredCampaign>, token: string, rows: ClaimedRow[], lanes: number) => {
    // While this worker holds rows and slots, it keeps their leases: a slow relay must not make
    // another worker take them over and send them a second time.
    const heartbeat = setInterval(() => {
      Promise.all([leases.renew(token), throttle().acquireSlots(server.documentId, server.maxConnections ?? 5, q.owner)]).catch((error) =>
        q.strapi.log.warn(`[email-server] renewing a campaign lease failed: ${String(error?.message).slice(0, 200)}`)
      );
    }, Math.max(1000, Math.floor(Math.min(q.config().leaseMs, throttle().slotLeaseMs) / 3)));
    try {
      await sendChunks(server, byId, token, rows, lanes);
    } finally {
      clearInterval(heartbeat);
    }
    await completeFinished(q, [...byId.values()].filter((c) => rows.some((r) => r.campaign === c.documentId)));
  };

  /** Works one server's sending campaigns until none has a due row, or the queue stops. */
  return async (serverId: string) => {
    try {
      while (!isStopping()) {
        const sending = (await q.campaigns().findMany({ where: { server: serverId, status: 'sending' }, orderBy: { id: 'asc' } })) as StoredCampaign[];
        // A campaign held back by a limit rests until its window is over; the tick looks again.
        const active = sending.filter((c) => !c.waitingUntil || new Date(c.waitingUntil).getTime() <= Date.now());
        if (active.length === 0) return;
        const server = await getService(q.strapi, 'servers').findOne(serverId);
        if (!server || !server.enabled) {
          await pauses.pauseServerCampaigns(serverId, server ? `the email server "${server.name}" is disabled.` : 'the email server was deleted.');
          return;
        }
        const problem = await getService(q.strapi, 'servers').connectionProblem(server, 'outgoing');
        if (problem) {
          await pauses.pauseServerCampaigns(serverId, problem);
          return;
        }
        const lanes = await throttle().acquireSlots(serverId, server.maxConnections ?? 5, q.owner);
        if (lanes === 0) {
          // Every connection slot is another instance's: wait for one.
          await sleep(200);
          continue;
        }
        const limit = server.type === 'sendgrid' ? SENDGRID_LIMITS.personalizations : Math.max(lanes, q.config().claimBatch);
        const { token, rows, due } = await leases.claim(
          active.map((c) => c.documentId),
          Math.min(limit, Math.max(lanes, server.rateLimitPerSecond ?? 50))
        );
        // Another instance won every row this claim picked: there is more, look again.
        if (rows.length === 0 && due > 0) continue;
        if (rows.length === 0) {
          await throttle().releaseSlots(serverId, q.owner);
          await completeFinished(q, active);
          return;
        }
        await sendClaimed(server, new Map(active.map((c) => [c.documentId, c])), token, rows, lanes);
      }
    } finally {
      await throttle().releaseSlots(serverId, q.owner).catch(() => undefined);
    }
  };
};
