import type { Core } from '@strapi/strapi';

/**
 * A plugin table below Strapi's query layer, for writes that must not move `updatedAt` (a
 * connection check is not an edit) and for the atomic conditional update of the poll lease.
 * `col` maps an attribute name to its column; `update` does so for a whole patch, with JSON
 * values as text as both SQLite and PostgreSQL take them there.
 */
export const rawTable = (strapi: Core.Strapi, uid: string) => {
  const meta = strapi.db.metadata.get(uid as any);
  const col = (attribute: string) => (meta.attributes[attribute] as { columnName?: string } | undefined)?.columnName ?? attribute;
  const knex = () => strapi.db.connection(meta.tableName);
  const columns = (patch: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(patch).map(([key, value]) => [col(key), Array.isArray(value) ? JSON.stringify(value) : value])
    );
  return {
    knex,
    col,
    columns,
    update: (where: Record<string, unknown>, patch: Record<string, unknown>) => knex().where(columns(where)).update(columns(patch)),
  };
};
