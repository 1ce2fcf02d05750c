/**
 * The arithmetic of the shared messages-per-second window, apart from the database: given the
 * window row as read and this instance's clock, what to write (or how long to wait).
 * Windows are whole seconds; the row only moves forward.
 */
export type WindowStep =
  /** The row's second is over: open this second with `grant` used. */
  | { kind: 'open'; windowStart: number; grant: number }
  /** Room left in the row's second: raise `used` to `used`. */
  | { kind: 'take'; grant: number; used: number }
  /** The row is more than a second ahead of this clock (a skewed instance): wait for its second. */
  | { kind: 'ahead'; waitMs: number }
  /** The second is used up: wait for the next one. */
  | { kind: 'full'; waitMs: number };

export const windowStep = (now: number, row: { windowStart: number; used: number }, want: number, rate: number): WindowStep => {
  const windowStart = Math.floor(now / 1000);
  // Only forward: an instance whose clock is a little behind must not reopen a second
  // that another instance already used up.
  if (row.windowStart < windowStart) return { kind: 'open', windowStart, grant: Math.min(want, rate) };
  if (row.windowStart > windowStart + 1) return { kind: 'ahead', waitMs: Math.min(1000, (row.windowStart - windowStart) * 1000) };
  const free = rate - row.used;
  if (free > 0) {
    const grant = Math.min(want, free);
    return { kind: 'take', grant, used: row.used + grant };
  }
  return { kind: 'full', waitMs: Math.max(1, (Math.max(row.windowStart, windowStart) + 1) * 1000 - now + 1) };
};
