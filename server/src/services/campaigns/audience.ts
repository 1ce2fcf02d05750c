import { isDeepStrictEqual } from 'node:util';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { RecipientInput, RecipientSource, RecipientSourceOption, RejectedRecipient } from '../../../../shared/contracts/campaigns';
import { PLUGIN_ID, getService } from '../../utils';
import { fieldError } from '../../utils/validate';
import type { StoredCampaign } from './campaigns';

/** Entries read per query: a page of recipients, never the whole collection. */
export const AUDIENCE_PAGE = 500;

/** Attribute types whose values make sense as a mail's variables. */
const SCALAR_TYPES = new Set(['string', 'text', 'email', 'uid', 'enumeration', 'integer', 'biginteger', 'float', 'decimal', 'boolean', 'date', 'datetime', 'time']);

type Ability = unknown;
type Attribute = { type: string; private?: boolean };

const attributesOf = (strapi: Core.Strapi, uid: string) =>
  ((strapi.contentTypes as Record<string, any>)[uid]?.attributes ?? {}) as Record<string, Attribute>;

const isEmailAttribute = (name: string, attribute: Attribute) =>
  attribute.type === 'email' || (['string', 'text'].includes(attribute.type) && /^e-?mail$/i.test(name));

const toVariable = (value: unknown) => (value instanceof Date ? value.toISOString() : String(value));

/**
 * Audiences read from the app's own content (`{ source: { contentType, filters, emailField } }`):
 * exactly the entries the admin could list in the Content Manager with those filters. Filters go
 * through the Content Manager's own permission checker: an unknown or unreadable field is a 400
 * (never silently dropped, which would widen the audience to the whole collection), and the
 * conditions of the admin's read rules ("Is creator") are added to the query.
 */
const audienceService = ({ strapi }: { strapi: Core.Strapi }) => {
  const checker = (ability: Ability, uid: string) =>
    (strapi.plugin('content-manager').service('permission-checker') as any).create({ userAbility: ability, model: uid });

  /** Collection types the Content Manager shows (not the admin's or this plugin's own tables). */
  const candidates = () =>
    Object.entries(strapi.contentTypes as Record<string, any>).filter(
      ([uid, ct]) =>
        ct.kind === 'collectionType' &&
        !uid.startsWith('admin::') &&
        !uid.startsWith(`plugin::${PLUGIN_ID}.`) &&
        ct.pluginOptions?.['content-manager']?.visible !== false
    );

  /** Scalar fields as the Content Manager's sanitizer lets this admin read them (it also drops hidden ones). */
  const readableFields = async (ability: Ability, uid: string) => {
    const check = checker(ability, uid);
    const attributes = attributesOf(strapi, uid);
    const scalar = Object.keys(attributes).filter((name) => SCALAR_TYPES.has(attributes[name].type) && !attributes[name].private && check.can.read(null, name));
    const kept = new Set<string>(((await check.sanitizeQuery({ fields: scalar })).fields as string[] | undefined) ?? []);
    const fields = scalar.filter((name) => kept.has(name));
    return { fields, emailFields: fields.filter((name) => isEmailAttribute(name, attributes[name])) };
  };

  const hasDraftAndPublish = (uid: string) => Boolean((strapi.contentTypes as Record<string, any>)[uid]?.options?.draftAndPublish);

  /** The query of a source as the Content Manager would run it for this admin, or a 403/400. */
  const resolve = async (ability: Ability, source: RecipientSource) => {
    const uid = source.contentType;
    const known = candidates().some(([candidate]) => candidate === uid);
    if (!known) throw fieldError('source.contentType', `"${String(uid).slice(0, 200)}" is not a collection type of this app.`);
    const check = checker(ability, uid);
    if (check.cannot.read()) {
      throw new errors.PolicyError(`You may not read the entries of ${uid} in the Content Manager.`);
    }
    const { fields, emailFields } = await readableFields(ability, uid);
    const emailField = source.emailField || emailFields[0];
    if (!emailField) throw fieldError('source.emailField', `${uid} has no email attribute you may read.`);
    if (!emailFields.includes(emailField)) {
      throw fieldError('source.emailField', `"${String(emailField).slice(0, 100)}" is not an email attribute of ${uid} that you may read.`);
    }
    const filters = source.filters ?? {};
    const invalid = (reason: string) => fieldError('source.filters', `These filters cannot be used: ${reason.slice(0, 300)}`);
    // The Content Manager's sanitizer drops a filter on a field this admin may not read; dropped
    // here, it would widen the audience, so any change is refused instead.
    const sanitized = await check.sanitizeQuery({ filters });
    if (!isDeepStrictEqual(sanitized.filters ?? {}, filters)) {
      throw invalid('they name a field that is not there or that you may not read in the Content Manager.');
    }
    const query = await check.sanitizedQuery.read({ filters });
    const scoped = { filters: (query.filters ?? {}) as Record<string, unknown>, ...(hasDraftAndPublish(uid) ? { status: 'published' } : {}) };
    let total: number;
    try {
      // Strapi's own query validation (unknown keys, bad operators), before anything is read.
      total = await strapi.documents(uid as any).count(scoped as any);
    } catch (error) {
      if ((error as Error)?.name === 'ValidationError') throw invalid(`${(error as Error).message}.`);
      throw error;
    }
    return { uid, emailField, fields, scoped, check, total };
  };

  return {
    /** GET /campaigns/sources */
    async sources(ability: Ability): Promise<RecipientSourceOption[]> {
      const options: RecipientSourceOption[] = [];
      for (const [uid, ct] of candidates()) {
        if (checker(ability, uid).cannot.read()) continue;
        const option = { uid, displayName: String(ct.info?.displayName ?? uid), ...(await readableFields(ability, uid)) };
        if (option.emailFields.length > 0) options.push(option);
      }
      return options.sort((a, b) => a.displayName.localeCompare(b.displayName));
    },

    async count(ability: Ability, source: RecipientSource): Promise<number> {
      return (await resolve(ability, source)).total;
    },

    /** Adds every matching entry, page by page in id order, each scalar field a variable. */
    async importInto(campaign: StoredCampaign, ability: Ability, source: RecipientSource): Promise<{ added: number; rejected: RejectedRecipient[] }> {
      const { uid, emailField, fields, scoped, check } = await resolve(ability, source);
      const documents = strapi.documents(uid as any);
      async function* pages() {
        // Keyset paging: an offset would rescan every earlier row for each page.
        let lastId = 0;
        let position = 1;
        for (;;) {
          const entries = (await documents.findMany({
            ...scoped,
            filters: { $and: [scoped.filters, { id: { $gt: lastId } }] },
            fields: [...new Set([emailField, ...fields])],
            sort: 'id:asc',
            limit: AUDIENCE_PAGE,
          } as any)) as Array<Record<string, unknown>>;
          if (entries.length === 0) return;
          lastId = Number(entries[entries.length - 1].id);
          const items: RecipientInput[] = [];
          for (const entry of entries) {
            const visible = (await check.sanitizeOutput(entry)) as Record<string, unknown>;
            const data: Record<string, string> = {};
            for (const field of fields) {
              if (field === emailField || visible[field] === null || visible[field] === undefined) continue;
              data[field] = toVariable(visible[field]);
            }
            items.push({ email: String(visible[emailField] ?? ''), data });
          }
          yield { items, rowOffset: position };
          position += entries.length;
          if (entries.length < AUDIENCE_PAGE) return;
        }
      }
      return getService(strapi, 'campaigns').addRecipientPages(campaign, pages());
    },
  };
};

export type AudienceService = ReturnType<typeof audienceService>;
export default audienceService;
