/**
 * The hourly and daily message limits of a server, counted in the shared throttle table next to
 * the per-second window: row slot -1 counts the current UTC hour, slot -2 the current UTC day
 * (`windowStart` is the hour or day number since the epoch, `used` the messages in it).
 */
export interface LimitedServer {
  documentId: string;
  name?: string;
  hourlyLimit?: number | null;
  dailyLimit?: number | null;
}

export interface LimitWindow {
  slot: number;
  kind: 'hourly' | 'daily';
  sizeMs: number;
  limitOf: (server: LimitedServer) => number | null | undefined;
  usageField: 'sentThisHour' | 'sentToday';
}

// Narrowest first: a mail the hour refuses is not counted in the day at all.
export const LIMIT_WINDOWS: LimitWindow[] = [
  { slot: -1, kind: 'hourly', sizeMs: 3600_000, limitOf: (s) => s.hourlyLimit, usageField: 'sentThisHour' },
  { slot: -2, kind: 'daily', sizeMs: 86_400_000, limitOf: (s) => s.dailyLimit, usageField: 'sentToday' },
];

/** Epoch milliseconds are UTC, so these windows are whole UTC hours and days. */
export const currentWindow = (window: LimitWindow, now: number) => Math.floor(now / window.sizeMs);

export interface QuotaGrant {
  granted: number;
  /** The limit that stopped part or all of the request, and the window it is full in. */
  limitedBy: { window: LimitWindow; limit: number; windowStart: number } | null;
  /** What was counted where, to give back what did not go out. */
  taken: Array<{ window: LimitWindow; windowStart: number; granted: number }>;
}

/** When the window that stopped a grant is over. */
export const resetsAt = (limitedBy: NonNullable<QuotaGrant['limitedBy']>) => new Date((limitedBy.windowStart + 1) * limitedBy.window.sizeMs);

const hhmm = (date: Date) => date.toISOString().slice(11, 16);

/** "The email server "X" reached its hourly limit of 2 messages; it resets at 15:00 UTC." */
export const limitMessage = (server: LimitedServer, limitedBy: NonNullable<QuotaGrant['limitedBy']>) =>
  `The email server "${server.name ?? server.documentId}" reached its ${limitedBy.window.kind} limit of ${limitedBy.limit} message${limitedBy.limit === 1 ? '' : 's'}; it resets at ${hhmm(resetsAt(limitedBy))} UTC.`;
