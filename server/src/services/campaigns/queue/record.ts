import type { StoredCampaign } from '../campaigns';
import type { FailedOutcome, Outcome, QueueContext } from './context';
import { failurePatch } from './retry';

/** Writes the outcomes of one chunk onto the rows this lease still holds. */
export const recordOutcomes = async (q: QueueContext, token: string, outcomes: Outcome[]) => {
  const { knex, col } = q.table();
  const now = Date.now();
  const mine = (ids: number[]) => knex().whereIn('id', ids).andWhere(col('leaseOwner'), token).andWhere(col('status'), 'sending');
  const sent = outcomes.filter((o) => o.ok);
  const failed = outcomes.filter((o): o is FailedOutcome => !o.ok);
  const cleared = { [col('leaseOwner')]: null, [col('leaseUntil')]: null };
  // Grouped by the server that took them (the campaign's, or a fallback).
  const byServer = new Map<string | null, Outcome[]>();
  for (const o of sent) byServer.set((o as any).via ?? null, [...(byServer.get((o as any).via ?? null) ?? []), o]);
  for (const [via, group] of byServer) {
    const messageId = (group[0] as any).messageId ?? null;
    await mine(group.map((o) => o.row.id)).update({
      ...cleared,
      [col('status')]: 'sent',
      [col('sentAt')]: new Date(now),
      [col('lastError')]: null,
      [col('sentVia')]: via,
      ...(messageId && group.length > 1 && group.every((o: any) => o.messageId === messageId) ? { [col('messageId')]: messageId } : {}),
    });
  }
  // Rows with the same outcome are written together: a failed SendGrid request is 1,000 rows.
  const groups = new Map<string, { ids: number[]; patch: Record<string, unknown> }>();
  for (const outcome of failed) {
    const patch = failurePatch(q.config(), outcome, now);
    const key = JSON.stringify(patch);
    const group = groups.get(key) ?? { ids: [], patch };
    group.ids.push(outcome.row.id);
    groups.set(key, group);
  }
  for (const { ids, patch } of groups.values()) {
    await mine(ids).update({ ...cleared, ...Object.fromEntries(Object.entries(patch).map(([k, v]) => [col(k), v])) });
  }
};

/** Campaigns with no row left to send are completed. */
export const completeFinished = async (q: QueueContext, active: StoredCampaign[]) => {
  for (const campaign of active) {
    const open = await q.recipients().count({ where: { campaign: campaign.documentId, status: { $in: ['queued', 'sending'] } } });
    if (open === 0) {
      await q.campaigns().updateMany({
        where: { id: campaign.id, status: 'sending' },
        data: { status: 'completed', completedAt: new Date() },
      });
    }
  }
};
