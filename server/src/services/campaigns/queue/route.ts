import { getService } from '../../../utils';
import { fit } from '../../../utils/fit';
import type { StoredServer } from '../../servers/servers';
import { nextFallback } from '../../sending/fallback-chain';
import type { StoredCampaign } from '../campaigns';
import { limitMessage, resetsAt } from '../limit-windows';
import { ERROR_CHARS, type ClaimedRow, type FailedOutcome, type Outcome, type QueueContext } from './context';
import { sendSendgrid } from './send-sendgrid';
import { sendSmtp } from './send-smtp';

/** Rows a server's limit holds back: they go back to the queue and their campaigns wait until `until`. */
export interface Held {
  rows: ClaimedRow[];
  waits: Map<string, { until: Date; reason: string }>;
}

const sendVia = (q: QueueContext, server: StoredServer, byId: Map<string, StoredCampaign>, rows: ClaimedRow[], lanes: number) =>
  server.type === 'sendgrid' ? sendSendgrid(q, server, byId, rows, lanes) : sendSmtp(q, server, byId, rows, lanes);

/**
 * Sends one chunk through the campaign's server and, where that server cannot take the mail,
 * along its fallback chain: rows whose send failed for the session (no connection, TLS, login,
 * 421) and rows of `onLimit: 'fallback'` campaigns over the server's hourly or daily limit. Rows
 * of `onLimit: 'wait'` campaigns over the limit are held (back to the queue, the campaign waits
 * for the next window). A refusal of one recipient stays that recipient's outcome.
 */
export const createRouter = (q: QueueContext, isStopping: () => boolean) => {
  const throttle = () => getService(q.strapi, 'throttle');
  const servers = () => getService(q.strapi, 'servers');

  /** A fallback keeps to its own rate too (the campaign's own server was throttled by the worker). */
  const keepRate = async (server: StoredServer, count: number) => {
    for (let left = count; left > 0 && !isStopping(); ) left -= await throttle().take(server.documentId, left, server.rateLimitPerSecond ?? 50, isStopping);
  };

  /** What the health columns of the list show after a chunk. */
  const recordHealth = async (server: StoredServer, outcomes: Outcome[]) => {
    const serverFailure = outcomes.find((o): o is FailedOutcome => !o.ok && (o as FailedOutcome).failure.serverFault);
    if (outcomes.some((o) => o.ok)) await servers().recordSend(server, null);
    if (serverFailure) await servers().recordSend(server, `Sending through "${server.name}" failed: ${serverFailure.message}`);
  };

  return async (primary: StoredServer, byId: Map<string, StoredCampaign>, rows: ClaimedRow[], lanes: number): Promise<{ outcomes: Outcome[]; held: Held }> => {
    const outcomes: Outcome[] = [];
    const held: Held = { rows: [], waits: new Map() };
    const hold = (row: ClaimedRow, until: Date, reason: string) => {
      held.rows.push(row);
      const current = held.waits.get(row.campaign);
      if (!current || until < current.until) held.waits.set(row.campaign, { until, reason: fit(reason, ERROR_CHARS) });
    };
    // Per pending row: the failure it would end with if no server further on takes it, or the limit that held it.
    let pending = rows.map((row) => ({ row, failed: null as FailedOutcome | null, limit: null as { until: Date; reason: string } | null }));
    const visited = new Set([primary.documentId]);
    for (let server: StoredServer | null = primary; server && pending.length > 0; server = await nextFallback(q.strapi, server, visited)) {
      if (server !== primary) await keepRate(server, pending.length);
      const quota = await throttle().takeQuota(server, pending.length);
      const going = pending.slice(0, quota.granted);
      const next: typeof pending = [];
      if (quota.limitedBy) {
        const limit = { until: resetsAt(quota.limitedBy), reason: `Waiting: ${limitMessage(server, quota.limitedBy)}` };
        for (const p of pending.slice(quota.granted)) {
          // Past the campaign's own server only the fallback campaigns came, so they may go on too.
          if (server === primary && byId.get(p.row.campaign)?.onLimit !== 'fallback') hold(p.row, limit.until, limit.reason);
          else next.push({ row: p.row, failed: null, limit: p.limit && p.limit.until < limit.until ? p.limit : limit });
        }
      }
      if (going.length > 0) {
        const results = await sendVia(q, server, byId, going.map((p) => p.row), lanes);
        await recordHealth(server, results);
        const notSent = results.filter((o) => !o.ok).length;
        if (notSent > 0) await throttle().giveBack(server.documentId, quota, notSent);
        for (const outcome of results) {
          if (outcome.ok) outcomes.push({ ...outcome, via: server.documentId });
          else if ((outcome as FailedOutcome).failure.failsOver) next.push({ row: outcome.row, failed: outcome as FailedOutcome, limit: null });
          else outcomes.push(outcome);
        }
      }
      pending = next;
    }
    // No server further on took them: a failure stays the failure, a limit holds the row.
    for (const p of pending) {
      if (p.failed) outcomes.push(p.failed);
      else hold(p.row, p.limit!.until, p.limit!.reason);
    }
    return { outcomes, held };
  };
};
