import type { Core } from '@strapi/strapi';
import type { Failure } from '../../../adapters/classify-failure';
import { UIDS, pluginConfig } from '../../../utils';
import { rawTable } from '../../../utils/raw-table';

/** A recipient row as a worker holds it between claim and record. */
export interface ClaimedRow {
  id: number;
  campaign: string;
  email: string;
  emailKey: string;
  data: Record<string, string> | null;
  attempts: number;
}

export type Outcome = { row: ClaimedRow; ok: true; messageId?: string; /** documentId of the server that took it. */ via?: string } | { row: ClaimedRow; ok: false; failure: Failure; message: string };
export type FailedOutcome = Extract<Outcome, { ok: false }>;

/** The size of `lastError` and `pauseReason` (text columns): a relay's reply fits, a flood does not. */
export const ERROR_CHARS = 1000;

/** What every step of one queue (one per process) shares: its owner id and its tables. */
export const createQueueContext = (strapi: Core.Strapi, owner: string) => ({
  strapi,
  owner,
  config: () => pluginConfig(strapi).campaigns,
  campaigns: () => strapi.db.query(UIDS.campaign),
  recipients: () => strapi.db.query(UIDS.recipient),
  table: () => rawTable(strapi, UIDS.recipient),
});

export type QueueContext = ReturnType<typeof createQueueContext>;

/** Runs `fn` over `items` with at most `limit` at once; `fn` must not throw (outcomes are values). */
export const mapLimit = async <T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> => {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  });
  await Promise.all(lanes);
  return out;
};
