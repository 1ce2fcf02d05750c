import type { Core } from '@strapi/strapi';

/**
 * Work over rows stored before a feature existed (the search index, the conversation's customer
 * address), in id order, resumable and once however many instances run: the state table keeps,
 * per job, the rows to do (`up_to`, the newest id when the job was first seen; newer rows were
 * handled when they were written) and the last id done. An instance claims a batch by moving the
 * cursor with a compare-and-set in the batch's own transaction, so a crash undoes both and two
 * instances never do the same batch.
 */
export const STATE_TABLE = 'email_server_backfill';

export const ensureStateTable = async (strapi: Core.Strapi) => {
  const knex = strapi.db.connection;
  if (await knex.schema.hasTable(STATE_TABLE)) return;
  try {
    await knex.schema.createTable(STATE_TABLE, (t) => {
      t.string('job', 100).primary();
      t.bigInteger('up_to').notNullable();
      t.bigInteger('cursor').notNullable();
    });
  } catch (error) {
    // Another instance created it at the same moment.
    if (!(await knex.schema.hasTable(STATE_TABLE))) throw error;
  }
};

/** Records the job's range once: the rows that exist now are its work. */
export const startJob = async (strapi: Core.Strapi, job: string, tableName: string) => {
  const knex = strapi.db.connection;
  const { max } = (await knex(tableName).max({ max: 'id' }).first()) ?? {};
  await knex(STATE_TABLE)
    .insert({ job, up_to: Number(max ?? 0), cursor: 0 })
    .onConflict('job')
    .ignore();
};

/**
 * Runs `handle` over the job's rows, `batch` at a time, until done or `stopped()`; returns how
 * many rows it handled here.
 */
export const runJob = async (
  strapi: Core.Strapi,
  job: string,
  uid: string,
  select: string[],
  handle: (rows: any[]) => Promise<void>,
  { batch = 200, stopped = () => false }: { batch?: number; stopped?: () => boolean } = {}
) => {
  const knex = strapi.db.connection;
  let done = 0;
  while (!stopped()) {
    const state = await knex(STATE_TABLE).where({ job }).first();
    if (!state) return done;
    const cursor = Number(state.cursor);
    const upTo = Number(state.up_to);
    if (cursor >= upTo) return done;
    const rows = await strapi.db.query(uid as any).findMany({
      select: ['id', ...select],
      where: { id: { $gt: cursor, $lte: upTo } },
      orderBy: { id: 'asc' },
      limit: batch,
    });
    const next = rows.length ? Number(rows[rows.length - 1].id) : upTo;
    await strapi.db.transaction(async ({ trx }) => {
      const claimed = await trx(STATE_TABLE).where({ job, cursor }).update({ cursor: next });
      if (!claimed) return; // another instance took this batch
      if (rows.length) await handle(rows);
      done += rows.length;
    });
  }
  return done;
};
