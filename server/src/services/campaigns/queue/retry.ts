import { fit } from '../../../utils/fit';
import { ERROR_CHARS, type FailedOutcome } from './context';

/** The campaign settings a retry reads (plugin config `campaigns`). */
export interface RetryPolicy {
  maxAttempts: number;
  retryBaseMs: number;
  maxRetryDelayMs: number;
}

/**
 * The retry policy: what a failed send leaves on its recipient row. Back in the queue untouched
 * when a person must fix the server; retried after an exponential delay while the fault is
 * transient and attempts remain; failed for good otherwise.
 */
export const failurePatch = (policy: RetryPolicy, { row, failure, message }: FailedOutcome, now: number): Record<string, unknown> => {
  if (failure.needsPerson) {
    // Not the recipient's fault: give the row back and stop the campaign for a person.
    return { status: 'queued', lastError: fit(message, ERROR_CHARS), attempts: row.attempts - 1 };
  }
  const giveUp = !failure.transient || row.attempts >= policy.maxAttempts;
  const delay = Math.min(policy.retryBaseMs * 2 ** Math.max(0, row.attempts - 1), policy.maxRetryDelayMs);
  return {
    status: giveUp ? 'failed' : 'queued',
    nextAttemptAt: giveUp ? 0 : now + delay,
    lastError: fit(failure.transient && giveUp ? `Gave up after ${row.attempts} attempts: ${message}` : message, ERROR_CHARS),
  };
};
