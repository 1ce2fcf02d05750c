import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { CustomerRecord } from '../../../../shared/contracts/inbox';
import { UIDS, pluginConfig } from '../../utils';
import { ensureStateTable, runJob, startJob } from './backfill';
import { customerAddress, customerAddresses } from './customer-address';

/**
 * The customer's entries in this Strapi app (README "The customer's records"): the content types
 * of `inbox.contactSources` whose email attribute matches a conversation's addresses, as far as
 * the agent may read them in the Content Manager.
 */
type Source = { uid: string; emailField: string; tableName: string; column: string; displayName: string };

/** Entries shown per source: a customer with more is someone to look up in the Content Manager. */
const PER_SOURCE = 5;
const READ = 'plugin::content-manager.explorer.read';

const customerService = ({ strapi }: { strapi: Core.Strapi }) => {
  let resolved: Source[] | null = null;
  let stopping = false;
  let running: Promise<unknown> | null = null;

  /** The configured sources that exist; the others are logged once and left out. */
  const sources = (): Source[] => {
    if (resolved) return resolved;
    const configured =
      pluginConfig(strapi).inbox?.contactSources ??
      (strapi.plugin('users-permissions') ? [{ uid: 'plugin::users-permissions.user', emailField: 'email' }] : []);
    resolved = [];
    for (const { uid, emailField } of configured) {
      const contentType = (strapi.contentTypes as Record<string, any>)[uid];
      if (!contentType || contentType.kind !== 'collectionType') {
        strapi.log.warn(`[email-server] inbox.contactSources: "${uid}" is not a collection type of this app; it is ignored.`);
        continue;
      }
      const attributes = contentType.attributes as Record<string, { type: string }>;
      const field =
        emailField ?? Object.keys(attributes).find((name) => name === 'email') ?? Object.keys(attributes).find((name) => attributes[name].type === 'email');
      const attribute = field ? (strapi.db.metadata.get(uid as any).attributes[field] as { columnName?: string; type?: string } | undefined) : undefined;
      if (!field || !attribute || !['string', 'email', 'text'].includes(String(attribute.type))) {
        strapi.log.warn(`[email-server] inbox.contactSources: "${uid}" has no email attribute${emailField ? ` "${emailField}"` : ''}; it is ignored.`);
        continue;
      }
      resolved.push({
        uid,
        emailField: field,
        tableName: strapi.db.metadata.get(uid as any).tableName,
        column: attribute.columnName ?? field,
        displayName: contentType.info?.displayName ?? uid,
      });
    }
    return resolved;
  };

  /**
   * The sources whose entries and email field this agent may read in the Content Manager.
   * `can.read(null, field)` is also true for a rule with conditions ("Is creator", locales), so
   * `conditional` says whether each entry still has to pass them (`scope`).
   */
  const readable = (ability: any): Array<Source & { conditional: boolean }> => {
    if (!ability) return [];
    const checkers = strapi.plugin('content-manager')?.service('permission-checker') as any;
    return sources().flatMap((s) => {
      if (checkers) {
        const checker = checkers.create({ userAbility: ability, model: s.uid });
        return checker.can.read(null, s.emailField) ? [{ ...s, conditional: Boolean(checker.requiresEntity.read()) }] : [];
      }
      return ability.can(READ, s.uid, s.emailField) ? [{ ...s, conditional: true }] : [];
    });
  };

  /** The conditions of the agent's read rules as a query-layer filter, as the Content Manager applies them. */
  const scope = (ability: any, uid: string): Record<string, unknown> | null =>
    strapi.service('admin::permission').createPermissionsManager({ ability, model: uid }).getQuery(READ) ?? null;

  const mainFieldOf = async (uid: string): Promise<string | null> => {
    try {
      const config = await strapi.plugin('content-manager').service('content-types').findConfiguration({ uid });
      return config?.settings?.mainField ?? null;
    } catch {
      return null;
    }
  };

  const ownServers = () => strapi.db.query(UIDS.server as any).findMany({ select: ['senderEmail', 'replyTo'] });

  return {
    /** Resolves the sources now, so a misconfigured one is logged at boot. */
    prepare() {
      sources();
    },

    /** GET /conversations/:documentId/customer */
    async records(documentId: string, ability: any): Promise<CustomerRecord[]> {
      const conversation = await strapi.db.query(UIDS.conversation as any).findOne({ select: ['participants'], where: { documentId } });
      if (!conversation) throw new errors.NotFoundError('Conversation not found.');
      const addresses = customerAddresses(conversation.participants, await ownServers()).slice(0, 20);
      if (!addresses.length) return [];
      const records: CustomerRecord[] = [];
      for (const source of readable(ability)) {
        const mainField = await mainFieldOf(source.uid);
        const checker = (strapi.plugin('content-manager')?.service('permission-checker') as any)?.create({ userAbility: ability, model: source.uid });
        const title = mainField && mainField !== 'id' && (!checker || checker.can.read(null, mainField)) ? mainField : null;
        const matching = { $or: addresses.map((a) => ({ [source.emailField]: { $eqi: a } })) };
        const conditions = source.conditional ? scope(ability, source.uid) : null;
        const entries = await strapi.db.query(source.uid as any).findMany({
          select: ['documentId', source.emailField, ...(title && title !== source.emailField ? [title] : [])],
          where: conditions ? { $and: [matching, conditions] } : matching,
          orderBy: { id: 'asc' },
          limit: PER_SOURCE * 2,
        });
        // Draft and published rows of one entry share a documentId.
        const seen = new Set<string>();
        for (const entry of entries) {
          if (seen.has(entry.documentId) || seen.size >= PER_SOURCE) continue;
          seen.add(entry.documentId);
          const email = String(entry[source.emailField] ?? '');
          const value = title ? entry[title] : null;
          records.push({
            contentType: source.uid,
            contentTypeName: source.displayName,
            documentId: entry.documentId,
            title: typeof value === 'string' || typeof value === 'number' ? String(value) || email : email,
            email,
            path: `/content-manager/collection-types/${source.uid}/${entry.documentId}`,
          });
        }
      }
      return records;
    },

    /**
     * The conversation filter for `known`: the customer's address is (not) the email of an entry
     * of a source the agent may read. One subquery per source, values bound by knex. A source the
     * agent reads only under conditions ("Is creator", locales) is left out: the subquery cannot
     * apply them, and counting its entries would tell who is a customer beyond the agent's reach.
     */
    knownWhere(known: boolean, ability: any): Record<string, unknown> {
      const knex = strapi.db.connection;
      const meta = strapi.db.metadata.get(UIDS.conversation as any);
      const email = `c.${(meta.attributes.customerEmail as { columnName?: string }).columnName ?? 'customerEmail'}`;
      const exists = readable(ability)
        .filter((s) => !s.conditional)
        .map((s) => knex(s.tableName).select(knex.raw('1')).whereRaw('lower(??) = ??', [s.column, email]));
      if (known && !exists.length) return { id: { $in: [] } };
      if (!known && !exists.length) return {};
      // (NOT) EXISTS correlated on the address: NOT IN (subquery) becomes a per-row subplan on
      // PostgreSQL once the subquery outgrows work_mem. The query layer takes only IN subqueries.
      const conversations = knex(`${meta.tableName} as c`).select('c.id');
      if (known) conversations.where((qb) => exists.forEach((sub) => qb.orWhereExists(sub)));
      else conversations.where((qb) => qb.whereNull(email).orWhere((inner) => exists.forEach((sub) => inner.whereNotExists(sub))));
      return { id: { $in: conversations } };
    },

    /** The index the known filter looks up by; idempotent, so a crash before it only delays it. */
    async ensureIndex() {
      const meta = strapi.db.metadata.get(UIDS.conversation as any);
      const column = (meta.attributes.customerEmail as { columnName?: string }).columnName ?? 'customerEmail';
      await strapi.db.connection.raw(`CREATE INDEX IF NOT EXISTS ?? ON ?? (??)`, [`${meta.tableName}_customer_email`, meta.tableName, column]);
    },

    /** Fills `customerEmail` on conversations stored before it existed. */
    async backfill() {
      await this.ensureIndex();
      await ensureStateTable(strapi);
      await startJob(strapi, 'customer-email', strapi.db.metadata.get(UIDS.conversation as any).tableName);
      const servers = await ownServers();
      const meta = strapi.db.metadata.get(UIDS.conversation as any);
      const conversations = { table: meta.tableName, column: (meta.attributes.customerEmail as { columnName?: string }).columnName ?? 'customerEmail' };
      return runJob(
        strapi,
        'customer-email',
        UIDS.conversation,
        ['participants', 'customerEmail', 'automatic'],
        async (rows) => {
          for (const row of rows) {
            if (row.customerEmail || row.automatic) continue;
            const address = customerAddress((row.participants ?? [])[0], servers);
            // Below the query layer: filling in a column is not an edit of the conversation.
            if (address)
              await strapi.db.transaction(({ trx }) => trx(conversations.table).where({ id: row.id }).update({ [conversations.column]: address }));
          }
        },
        { stopped: () => stopping }
      );
    },

    start() {
      running = this.backfill().catch((error) => strapi.log.warn(`[email-server] Filling in conversations' customers stopped: ${error?.message ?? error}`));
    },

    async stop() {
      stopping = true;
      await running;
    },
  };
};

export type CustomerService = ReturnType<typeof customerService>;
export default customerService;
