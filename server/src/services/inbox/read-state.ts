import type { Core } from '@strapi/strapi';
import { UIDS } from '../../utils';
import { newDocumentId } from '../../utils/ids';
import { rawTable } from '../../utils/raw-table';
import { isUniqueViolation } from '../../utils/db-errors';

const time = (v: unknown) => (v == null ? null : new Date(v as any).getTime());

/**
 * Per-agent read state: a conversation is unread for me when a person's mail arrived after the
 * mark I left when I last opened it (`lastPersonMailAt` > my `seenUpTo`, or no mark at all).
 */
const readStateService = ({ strapi }: { strapi: Core.Strapi }) => {
  const marks = () => strapi.db.query(UIDS.conversationRead as any);

  return {
    /**
     * Marks the conversation read for this agent up to the person's mail it holds as read (the
     * row as loaded before its messages were): a mail stored meanwhile stays unread.
     */
    async markRead(conversation: { documentId: string; lastPersonMailAt?: unknown }, agent: number | undefined) {
      if (!agent || conversation.lastPersonMailAt == null) return;
      const where = { conversation: conversation.documentId, agent };
      const existing = await marks().findOne({ where });
      const seenUpTo = conversation.lastPersonMailAt;
      if (existing) {
        if ((time(existing.seenUpTo) ?? -1) < time(seenUpTo)!) await marks().update({ where: { id: existing.id }, data: { seenUpTo } });
        return;
      }
      try {
        await marks().create({ data: { documentId: newDocumentId(), ...where, seenUpTo } });
      } catch (error) {
        // The same agent opened it twice at once; the other request left the same mark.
        if (!isUniqueViolation(error)) throw error;
      }
    },

    /** Which of these conversations (rows of one page) are unread for the agent: one query. */
    async unreadOf(rows: Array<{ documentId: string; lastPersonMailAt?: unknown }>, agent: number | undefined) {
      const candidates = rows.filter((r) => r.lastPersonMailAt != null);
      const found = candidates.length && agent
        ? await marks().findMany({ select: ['conversation', 'seenUpTo'], where: { agent, conversation: { $in: candidates.map((r) => r.documentId) } } })
        : [];
      const seen = new Map(found.map((m: any) => [m.conversation as string, time(m.seenUpTo) ?? -1]));
      return new Set(candidates.filter((r) => (seen.get(r.documentId) ?? -1) < time(r.lastPersonMailAt)!).map((r) => r.documentId));
    },

    /**
     * A knex condition on the conversations table (`c`): unread for this agent. Built on the
     * tables' own column names so the database counts and filters without loading rows.
     */
    unreadCondition(agent: number) {
      const c = rawTable(strapi, UIDS.conversation);
      const r = rawTable(strapi, UIDS.conversationRead);
      const readTable = strapi.db.metadata.get(UIDS.conversationRead as any).tableName;
      const db = strapi.db.connection;
      return (builder: any) =>
        builder.whereNotNull(`c.${c.col('lastPersonMailAt')}`).whereNotExists(
          db(`${readTable} as r`)
            .select(db.raw('1'))
            .whereRaw('?? = ??', [`r.${r.col('conversation')}`, `c.${c.col('documentId')}`])
            .where(`r.${r.col('agent')}`, agent)
            .whereRaw('?? >= ??', [`r.${r.col('seenUpTo')}`, `c.${c.col('lastPersonMailAt')}`])
        );
    },

    /**
     * How many open conversations are unread for the agent: one count in the database. Every admin
     * page polls it (the menu icon), so it stays on the index of status and lastPersonMailAt; a
     * closed conversation is no work waiting, whatever its unread state in the list.
     */
    async count(agent: number | undefined): Promise<number> {
      if (!agent) return 0;
      const c = rawTable(strapi, UIDS.conversation);
      const table = strapi.db.metadata.get(UIDS.conversation as any).tableName;
      const [row] = await strapi.db
        .connection(`${table} as c`)
        .where(`c.${c.col('status')}`, 'open')
        .where(this.unreadCondition(agent))
        .count({ n: '*' });
      return Number((row as any)?.n ?? 0);
    },

    /**
     * Conversations from before read marks were per agent: one still unread becomes unread for
     * everyone (its person's mail counts as arrived at its last activity). Idempotent, so every
     * instance may run it at boot.
     */
    async backfill() {
      const c = rawTable(strapi, UIDS.conversation);
      await c
        .knex()
        .whereNull(c.col('lastPersonMailAt'))
        .where(c.col('unread'), true)
        .whereNotNull(c.col('lastMessageAt'))
        .update({ [c.col('lastPersonMailAt')]: strapi.db.connection.ref(c.col('lastMessageAt')) });
    },
  };
};

export type ReadStateService = ReturnType<typeof readStateService>;
export default readStateService;
