import { windowStep } from '../throttle-window';

// 12:00:05.250 as milliseconds; its window is second 5 of some day.
const second = 1_800_000_005;
const now = second * 1000 + 250;

describe('windowStep: the arithmetic of the shared messages-per-second window', () => {
  it('opens the current second when the row holds an earlier one, granting at most the rate', () => {
    expect(windowStep(now, { windowStart: second - 1, used: 20 }, 50, 20)).toEqual({ kind: 'open', windowStart: second, grant: 20 });
    expect(windowStep(now, { windowStart: 0, used: 0 }, 3, 20)).toEqual({ kind: 'open', windowStart: second, grant: 3 });
  });

  it('takes what is left of the row\'s second, never more than asked', () => {
    expect(windowStep(now, { windowStart: second, used: 15 }, 50, 20)).toEqual({ kind: 'take', grant: 5, used: 20 });
    expect(windowStep(now, { windowStart: second, used: 15 }, 2, 20)).toEqual({ kind: 'take', grant: 2, used: 17 });
  });

  it('lets an instance whose clock is up to a second behind use the row\'s second, not reopen it', () => {
    expect(windowStep(now, { windowStart: second + 1, used: 19 }, 50, 20)).toEqual({ kind: 'take', grant: 1, used: 20 });
  });

  it('waits for the next second once the row\'s second is used up', () => {
    // 750 ms left of second 5, plus one so the wait ends inside second 6.
    expect(windowStep(now, { windowStart: second, used: 20 }, 1, 20)).toEqual({ kind: 'full', waitMs: 751 });
    // A row one second ahead and full: wait for the end of that second.
    expect(windowStep(now, { windowStart: second + 1, used: 20 }, 1, 20)).toEqual({ kind: 'full', waitMs: 1751 });
  });

  it('waits, at most a second at a time, for a row far ahead of this clock', () => {
    expect(windowStep(now, { windowStart: second + 2, used: 0 }, 1, 20)).toEqual({ kind: 'ahead', waitMs: 1000 });
    expect(windowStep(now, { windowStart: second + 30, used: 0 }, 1, 20)).toEqual({ kind: 'ahead', waitMs: 1000 });
  });
});
