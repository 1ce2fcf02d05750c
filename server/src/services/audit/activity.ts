import type { Core } from '@strapi/strapi';
import {
  ACTIVITY_PAGE_SIZE,
  type ActivityEntry,
  type ActivityEvent,
  type ActivityPage,
  type ActivitySubject,
  type ActivityUser,
} from '../../../../shared/contracts/activity';
import { UIDS, pluginConfig } from '../../utils';
import { newDocumentId } from '../../utils/ids';

export interface RecordInput {
  subject: ActivitySubject;
  details?: Record<string, unknown>;
  /** The admin user; taken from the request when absent. */
  user?: ActivityUser | null;
  /**
   * The email server whose activity lists the entry: the subject itself for a server, the
   * campaign's server for a campaign, none for a suppression.
   */
  server?: string | null;
}

/** Longest text kept in an entry: an entry is a note of what happened, not a copy of the data. */
const MAX_TEXT = 1000;
const MAX_ITEMS = 100;

/** Text every database stores: PostgreSQL refuses NUL in text and jsonb columns. */
const cut = (value: string, max: number) => value.replace(/\u0000/g, '').slice(0, max);
const cutOrNull = (value: unknown, max = 255) => (value === null || value === undefined || value === '' ? null : cut(String(value), max));

/** Details as JSON stores them: strings cut and without NUL, lists and nesting bounded. */
const clean = (value: unknown, depth = 0): unknown => {
  if (typeof value === 'string') return cut(value, MAX_TEXT);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  if (depth >= 4 || typeof value !== 'object') return null;
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((item) => clean(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .slice(0, MAX_ITEMS)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [cut(k, 100), clean(v, depth + 1)])
  );
};

/**
 * Detail keys holding free text: a connection check's answer (a relay's banner, an internal
 * host:port) or a failure's message. The stored entry keeps them for the admins; the event hub
 * does not, since every webhook subscriber (often a third party) and Audit Logs get its payload.
 */
const FREE_TEXT_KEYS = new Set(['message']);

/** Details as the event hub carries them: without the free-text keys, at any depth. */
export const hubDetails = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(hubDetails);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([k]) => !FREE_TEXT_KEYS.has(k)).map(([k, v]) => [k, hubDetails(v)]));
};

/** Entries deleted per statement when old ones are pruned: one short write at a time. */
const PRUNE_BATCH = 1000;

/** The admin user as an entry names them, from `ctx.state.user` (firstname/lastname → name). */
export const activityUserOf = (user: any): ActivityUser | null => {
  if (!user || user.id === undefined || user.id === null) return null;
  const name = [user.firstname, user.lastname].filter((part) => typeof part === 'string' && part.trim()).join(' ') || user.username || null;
  return { id: Number(user.id), email: cutOrNull(user.email), name: cutOrNull(name) };
};

const toEntry = (row: any): ActivityEntry => ({
  id: row.id,
  event: row.event,
  subject: { type: row.subjectType, documentId: row.subjectDocumentId, name: row.subjectName ?? null },
  user: row.userId === null || row.userId === undefined ? null : { id: row.userId, email: row.userEmail ?? null, name: row.userName ?? null },
  details: row.details && typeof row.details === 'object' ? row.details : {},
  createdAt: row.createdAt instanceof Date ? row.createdAt.toISOString() : String(row.createdAt),
});

/**
 * Who changed what: each event is kept as a row (a server's recent activity) and emitted on the
 * event hub with the admin user, where Audit Logs (Enterprise) and webhooks pick it up; see
 * ./events.ts. Recording never fails the action it records: the action is done already.
 */
const activityService = ({ strapi }: { strapi: Core.Strapi }) => ({
  async record(event: ActivityEvent, input: RecordInput): Promise<void> {
    const state = strapi.requestContext.get()?.state as { user?: unknown } | undefined;
    const user = input.user !== undefined ? input.user : activityUserOf(state?.user);
    const subject: ActivitySubject = {
      type: input.subject.type,
      documentId: input.subject.documentId,
      name: cutOrNull(input.subject.name),
    };
    const details = clean(input.details ?? {}) as Record<string, unknown>;
    const server = input.server !== undefined ? input.server : subject.type === 'server' ? subject.documentId : null;
    try {
      await strapi.db.query(UIDS.activity).create({
        data: {
          documentId: newDocumentId(),
          event,
          subjectType: subject.type,
          subjectDocumentId: subject.documentId,
          subjectName: subject.name,
          server,
          userId: user?.id ?? null,
          userEmail: cutOrNull(user?.email),
          userName: cutOrNull(user?.name),
          details,
        },
      });
    } catch (error: any) {
      // The code only: a database's message may quote the row.
      strapi.log.warn(`[email-server] The activity entry "${event}" for ${subject.type} ${subject.documentId} could not be stored (${error?.code ?? error?.name ?? 'error'}).`);
    }
    try {
      await strapi.eventHub.emit(event, { user, subject, details: hubDetails(details) });
    } catch (error: any) {
      strapi.log.warn(`[email-server] A listener of "${event}" failed: ${error?.message ?? error}`);
    }
  },

  /**
   * Deletes the entries older than config.audit.retentionDays, PRUNE_BATCH at a time (a long history is not
   * one long delete holding the table); answers how many went.
   */
  async pruneExpired(now = Date.now()): Promise<number> {
    const cutoff = new Date(now - pluginConfig(strapi).audit.retentionDays * 24 * 3600_000);
    let removed = 0;
    for (;;) {
      const rows = await strapi.db.query(UIDS.activity).findMany({ select: ['id'], where: { createdAt: { $lt: cutoff } }, orderBy: { id: 'asc' }, limit: PRUNE_BATCH });
      if (rows.length === 0) return removed;
      const { count } = await strapi.db.query(UIDS.activity).deleteMany({ where: { id: { $in: rows.map((r: any) => r.id) } } });
      removed += count;
      if (rows.length < PRUNE_BATCH) return removed;
    }
  },

  /** A server's entries (its own and its campaigns'), newest first, below the id `before`. */
  async listForServer(server: string, before?: number | null): Promise<ActivityPage> {
    const rows = await strapi.db.query(UIDS.activity).findMany({
      where: { server, ...(before ? { id: { $lt: before } } : {}) },
      orderBy: { id: 'desc' },
      limit: ACTIVITY_PAGE_SIZE + 1,
    });
    const page = rows.slice(0, ACTIVITY_PAGE_SIZE).map(toEntry);
    return { data: page, meta: { nextBefore: rows.length > ACTIVITY_PAGE_SIZE ? page[page.length - 1].id : null } };
  },
});

export type ActivityService = ReturnType<typeof activityService>;
export default activityService;
