import type { Core } from '@strapi/strapi';
import { UIDS } from '../../utils';
import { ensureStateTable, runJob, startJob } from './backfill';
import { ftsMatch, indexWords, queryTerms, substringQuery, tsQuery } from './search-terms';

/**
 * Search over the text of the mails (README "Search"): one row per message in a table of our own,
 * an FTS5 table on SQLite, a tsvector with a GIN index on PostgreSQL. Strapi's schema sync leaves
 * tables alone that no content type declares and that it never created (@strapi/database
 * schema/diff: only tables of its previous schema are dropped), so the table is created here
 * with knex. Ingest fills it in the transaction that stores an inbound message; an outbound
 * reply is indexed after it is stored (a lifecycle hook), so a failure there can leave a reply
 * unindexed until nothing re-indexes it. Other databases keep the substring search over
 * subjects and addresses.
 */
export const SEARCH_TABLE = 'email_server_search';
/**
 * SQLite: which message and conversation each FTS row is. The FTS table is contentless: reading
 * the conversation of 100,000 matches from its content table took 110 ms, from here 40 ms.
 */
export const SEARCH_DOCS = 'email_server_search_doc';

/** Characters of a stored text the backfill reads: the index keeps at most 250,000 of distinct words. */
const MAX_BACKFILL_TEXT = 2_000_000;

type Indexable = { documentId: string; conversation: string | null; subject?: string | null; from?: { address?: string; name?: string } | null; text?: string | null };

const JOBS = [
  { job: 'search:inbound', uid: UIDS.inbound },
  { job: 'search:outbound', uid: UIDS.outbound },
] as const;

const searchService = ({ strapi }: { strapi: Core.Strapi }) => {
  const client = () => strapi.db.dialect.client as string;
  const supported = () => client() === 'sqlite' || client() === 'postgres';
  let ready = false;
  let stopping = false;
  let running: Promise<unknown> | null = null;

  const createTable = async () => {
    const knex = strapi.db.connection;
    // On every boot: a crash between CREATE TABLE and CREATE INDEX must not leave it missing.
    const ensureIndex = () =>
      client() === 'postgres' ? knex.raw(`CREATE INDEX IF NOT EXISTS ${SEARCH_TABLE}_words ON ${SEARCH_TABLE} USING GIN (words)`) : null;
    if (await knex.schema.hasTable(SEARCH_TABLE)) return ensureIndex();
    try {
      if (client() === 'sqlite') {
        if (!(await knex.schema.hasTable(SEARCH_DOCS)))
          await knex.schema.createTable(SEARCH_DOCS, (t) => {
            t.increments('id');
            t.string('message', 255).notNullable();
            t.string('conversation', 255).notNullable();
          });
        // Words are ours (search-terms.ts): the tokenizer only splits them at spaces.
        await knex.raw(
          `CREATE VIRTUAL TABLE ${SEARCH_TABLE} USING fts5(words, content = '', tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3')`
        );
      } else {
        await knex.schema.createTable(SEARCH_TABLE, (t) => {
          t.string('message', 255).primary();
          t.string('conversation', 255).notNullable();
          t.specificType('words', 'tsvector').notNullable();
        });
      }
    } catch (error) {
      if (!(await knex.schema.hasTable(SEARCH_TABLE))) throw error;
    }
    await ensureIndex();
  };

  /** Inserts in the caller's transaction, if any: a message and its index row commit together. */
  const insert = (rows: Indexable[]) =>
    strapi.db.transaction(async ({ trx }) => {
      const values = rows
        .filter((r) => r.conversation)
        .map((r) => ({
          message: r.documentId,
          conversation: r.conversation!,
          words: indexWords([r.subject, r.from?.name, r.from?.address, r.text]),
        }));
      if (client() === 'sqlite') {
        for (const v of values) {
          const [doc] = await trx.raw(`INSERT INTO ${SEARCH_DOCS} (message, conversation) VALUES (?, ?) RETURNING id`, [v.message, v.conversation]);
          await trx.raw(`INSERT INTO ${SEARCH_TABLE} (rowid, words) VALUES (?, ?)`, [doc.id, v.words]);
        }
        return;
      }
      for (let i = 0; i < values.length; i += 50) {
        const chunk = values.slice(i, i + 50);
        await trx(SEARCH_TABLE)
          .insert(chunk.map((v) => ({ ...v, words: trx.raw(`strip(to_tsvector('simple', ?))`, [v.words]) })))
          .onConflict('message')
          .ignore();
      }
    });

  return {
    supported,

    /** Creates the tables and records what the backfill has to do; before anything is stored. */
    async prepare() {
      if (!supported()) {
        strapi.log.info(`[email-server] Inbox search on ${client()} looks at subjects and addresses only (body text needs SQLite or PostgreSQL).`);
        return;
      }
      await ensureStateTable(strapi);
      await createTable();
      for (const { job, uid } of JOBS) await startJob(strapi, job, strapi.db.metadata.get(uid as any).tableName);
      ready = true;
    },

    /** Indexes stored messages (ingest calls it with the rows it writes, in its transaction). */
    async index(rows: Indexable[]) {
      if (ready && rows.length) await insert(rows);
    },

    /** Indexes the messages stored before the index existed; safe to call again or on two instances. */
    async backfill() {
      if (!ready) return 0;
      let total = 0;
      for (const { job, uid } of JOBS) {
        const meta = strapi.db.metadata.get(uid as any);
        const textColumn = (meta.attributes.text as { columnName?: string }).columnName ?? 'text';
        // A batch without its texts, each text read alone and cut by the database: 200 full rows
        // can be hundreds of MB. The cut is far beyond any word the index keeps of a real mail.
        total += await runJob(strapi, job, uid, ['documentId', 'conversation', 'subject', 'from'], async (rows) => {
          for (const row of rows) {
            const text = await strapi.db.transaction(({ trx }) =>
              trx(meta.tableName).where({ id: row.id }).first(trx.raw('substr(??, 1, ?) as text', [textColumn, MAX_BACKFILL_TEXT]))
            );
            await insert([{ ...row, text: text?.text ?? null }]);
          }
        }, {
          stopped: () => stopping,
        });
      }
      return total;
    },

    /** Starts the backfill in the background; a failure is logged and retried at the next boot. */
    start() {
      running = this.backfill().catch((error) => strapi.log.warn(`[email-server] Indexing older mails for search stopped: ${error?.message ?? error}`));
    },

    async stop() {
      stopping = true;
      await running;
    },

    /**
     * The conversation filter for `q`: the substring search over subject and addresses as
     * before, or a message of the conversation whose words start with every term.
     */
    where(q: string): Record<string, unknown> {
      const text = substringQuery(q);
      // A query of NUL bytes only would otherwise be "contains nothing", which is everything.
      const substring = text ? { searchText: { $contains: text } } : { id: { $in: [] } };
      // A one-letter prefix matches most of the index; such terms stay with the substring search.
      const terms = queryTerms(q).filter((t) => t.length >= 2);
      if (!ready || terms.length === 0) return substring;
      const knex = strapi.db.connection;
      const matching =
        client() === 'sqlite'
          ? knex(SEARCH_DOCS)
              .select('conversation')
              .whereRaw(`id IN (SELECT rowid FROM ${SEARCH_TABLE} WHERE ${SEARCH_TABLE} MATCH ?)`, [ftsMatch(terms)])
          : knex(SEARCH_TABLE).select('conversation').whereRaw(`words @@ to_tsquery('simple', ?)`, [tsQuery(terms)]);
      return { $or: [substring, { documentId: { $in: matching } }] };
    },
  };
};

export type SearchService = ReturnType<typeof searchService>;
export default searchService;
