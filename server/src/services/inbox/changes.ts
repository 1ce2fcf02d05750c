import type { Core } from '@strapi/strapi';
import type { InboxChanges } from '../../../../shared/contracts/inbox';
import { UIDS, getService } from '../../utils';

/** At most this many documentIds per answer: a page that gets this many reloads everything anyway. */
export const MAX_CHANGED = 200;
/**
 * How far back each poll looks before its cursor. `changedAt` is written by whichever instance
 * made the change, by its own clock, and a change is seen only once its transaction commits:
 * the overlap covers clocks up to this far apart and transactions this long. A change may thus be
 * reported on a few polls in a row; the pages only refetch.
 */
export const CHANGES_OVERLAP_MS = 15_000;

const stamp = (data: unknown) => {
  if (data && typeof data === 'object') (data as Record<string, unknown>).changedAt = new Date();
};

/** What the admin pages poll: the caller's unread count and the conversations that changed. */
const changesService = ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * Every write to a conversation through the query engine (new mail, a reply, a status, an
   * owner, a note) stamps `changedAt`, so no writer has to remember it.
   */
  watch() {
    strapi.db.lifecycles.subscribe({
      models: [UIDS.conversation],
      beforeCreate: (event: any) => stamp(event.params?.data),
      beforeCreateMany: (event: any) => (Array.isArray(event.params?.data) ? event.params.data : []).forEach(stamp),
      beforeUpdate: (event: any) => stamp(event.params?.data),
      beforeUpdateMany: (event: any) => stamp(event.params?.data),
    } as any);
  },

  /** The cursor is the time of the poll (ISO); absent or unreadable, every recent change counts. */
  async since(cursor: string | undefined, agent: number | undefined): Promise<InboxChanges> {
    const now = new Date();
    const from = cursor ? new Date(cursor) : null;
    const where = from && !Number.isNaN(from.getTime()) ? { changedAt: { $gt: new Date(from.getTime() - CHANGES_OVERLAP_MS) } } : { changedAt: { $notNull: true } };
    const [rows, unread] = await Promise.all([
      strapi.db.query(UIDS.conversation as any).findMany({ select: ['documentId'], where, orderBy: [{ changedAt: 'desc' }], limit: MAX_CHANGED }),
      getService(strapi, 'read-state').count(agent),
    ]);
    return { cursor: now.toISOString(), unread, changed: rows.map((r: any) => r.documentId as string) };
  },
});

export type ChangesService = ReturnType<typeof changesService>;
export default changesService;
