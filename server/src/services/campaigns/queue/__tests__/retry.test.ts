import { failurePatch } from '../retry';
import type { FailedOutcome } from '../context';

const policy = { maxAttempts: 3, retryBaseMs: 60_000, maxRetryDelayMs: 300_000 };
const now = 1_000_000;
const outcome = (attempts: number, failure: Partial<FailedOutcome['failure']>, message = '451 try later'): FailedOutcome => ({
  row: { id: 1, campaign: 'c', email: 'ada@example.com', emailKey: 'ada@example.com', data: null, attempts },
  ok: false,
  failure: { transient: true, serverFault: false, needsPerson: false, ...failure },
  message,
});

describe('failurePatch (the retry policy of a campaign)', () => {
  it('retries a transient failure after a delay that doubles per attempt, up to the cap', () => {
    expect(failurePatch(policy, outcome(1, {}), now)).toEqual({ status: 'queued', nextAttemptAt: now + 60_000, lastError: '451 try later' });
    expect(failurePatch(policy, outcome(2, {}), now).nextAttemptAt).toBe(now + 120_000);
    expect(failurePatch({ ...policy, maxAttempts: 10 }, outcome(5, {}), now).nextAttemptAt).toBe(now + 300_000);
  });

  it('gives up after the last attempt and says so', () => {
    expect(failurePatch(policy, outcome(3, {}), now)).toEqual({
      status: 'failed',
      nextAttemptAt: 0,
      lastError: 'Gave up after 3 attempts: 451 try later',
    });
  });

  it('fails a permanent refusal at once, with the relay reply as it was', () => {
    expect(failurePatch(policy, outcome(1, { transient: false }, '550 no such user'), now)).toEqual({
      status: 'failed',
      nextAttemptAt: 0,
      lastError: '550 no such user',
    });
  });

  it('gives the row back without using an attempt when a person must fix the server', () => {
    expect(failurePatch(policy, outcome(2, { transient: false, serverFault: true, needsPerson: true }, '535 bad login'), now)).toEqual({
      status: 'queued',
      lastError: '535 bad login',
      attempts: 1,
    });
  });

  it('keeps a flood of a reply to the size of the error column', () => {
    const patch = failurePatch(policy, outcome(1, { transient: false }, `550 ${'x'.repeat(5000)}`), now);
    expect(String(patch.lastError).length).toBe(1000);
  });
});
