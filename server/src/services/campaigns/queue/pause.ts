import { fit } from '../../../utils/fit';
import { ERROR_CHARS, type FailedOutcome, type Outcome, type QueueContext } from './context';

/** When a server's campaigns stop for a person: a failure only a person can fix, or a streak of failures. */
export const createPauseRules = (q: QueueContext) => {
  const consecutiveFailures = new Map<string, number>();

  /** The reason to pause after one chunk's outcomes, if any; counts the streak either way. */
  const reasonAfter = (serverId: string, outcomes: Outcome[]): string | null => {
    const failed = outcomes.filter((o): o is FailedOutcome => !o.ok);
    let pauseReason: string | null = null;
    for (const { failure, message } of failed) if (failure.needsPerson) pauseReason = message;
    // Every failure counts, permanent ones too: a relay refusing everything (quota, sender) must
    // not burn through the list. One failed send counts once: the recipients of a failed SendGrid
    // request share one Failure.
    const failures = new Set(failed.map((o) => o.failure)).size;
    const streak = outcomes.some((o) => o.ok) ? 0 : (consecutiveFailures.get(serverId) ?? 0) + failures;
    consecutiveFailures.set(serverId, streak);
    if (!pauseReason && streak >= q.config().pauseAfterFailures && failed.length > 0) {
      pauseReason = `${streak} sends in a row failed: ${failed[failed.length - 1].message}`;
    }
    return pauseReason;
  };

  const pauseServerCampaigns = async (serverId: string, reason: string) => {
    consecutiveFailures.set(serverId, 0);
    await q.campaigns().updateMany({
      where: { server: serverId, status: 'sending' },
      data: { status: 'paused', pauseReason: fit(`Paused: ${reason}`, ERROR_CHARS) },
    });
    q.strapi.log.warn(`[email-server] Campaigns of server ${serverId} paused: ${reason}`);
  };

  return { reasonAfter, pauseServerCampaigns };
};
