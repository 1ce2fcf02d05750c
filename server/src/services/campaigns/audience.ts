import { isDeepStrictEqual } from 'node:util';
import type { Core } from '@strapi/strapi';
import { errors, traverse, validate } from '@strapi/utils';
import type { RecipientInput, RecipientSource, RecipientSourceOption, RejectedRecipient } from '../../../../shared/contracts/campaigns';
import { PLUGIN_ID, UIDS, getService } from '../../utils';
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

/** Whether a template names `field` as a whole word (a variable, or a property read from one). */
const mentions = (text: string | null | undefined, field: string) =>
  Boolean(text) && new RegExp(`(^|[^A-Za-z0-9_-])${field.replace(/[^A-Za-z0-9_-]/g, '')}($|[^A-Za-z0-9_-])`).test(text!);

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
    try {
      // Private attributes the Content Manager still lists (a user's resetPasswordToken) pass its
      // sanitizer: a filter on one, with the count, would read it a character at a time.
      await traverse.traverseQueryFilters(validate.visitors.throwPrivate, { schema: strapi.getModel(uid as any), getModel: (m: string) => strapi.getModel(m as any) }, filters);
    } catch {
      throw invalid('they name a private field.');
    }
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
    // Rules with conditions ("Is creator", locales) are checked on each entry: it must carry what they name.
    const conditional = Boolean(check.requiresEntity.read());
    const localized = Boolean((strapi.contentTypes as Record<string, any>)[uid]?.pluginOptions?.i18n?.localized);
    return { uid, emailField, fields, scoped, check, total, conditional, localized };
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

    /**
     * Adds every matching entry, page by page in id order. Only the fields the campaign (and its
     * layout) mention become the recipient's variables: a copy of every readable field would show
     * them to anyone with campaigns.read, and a long one the mail never uses would reject the entry.
     */
    async importInto(campaign: StoredCampaign, ability: Ability, source: RecipientSource): Promise<{ added: number; rejected: RejectedRecipient[] }> {
      const resolved = await resolve(ability, source);
      const { uid, emailField, scoped, check, conditional, localized } = resolved;
      const layout = campaign.template ? await strapi.db.query(UIDS.template as any).findOne({ select: ['html', 'text'], where: { documentId: campaign.template } }) : null;
      const sources = [campaign.subject, campaign.html, campaign.text, campaign.layoutHtml, campaign.layoutText, layout?.html, layout?.text];
      const fields = resolved.fields.filter((name) => name !== emailField && sources.some((text) => mentions(text, name)));
      const documents = strapi.documents(uid as any);
      async function* pages() {
        // Keyset paging: an offset would rescan every earlier row for each page.
        let lastId = 0;
        let position = 1;
        for (;;) {
          const entries = (await documents.findMany({
            ...scoped,
            filters: { $and: [scoped.filters, { id: { $gt: lastId } }] },
            fields: [...new Set([emailField, ...fields, ...(conditional && localized ? ['locale'] : [])])],
            ...(conditional ? { populate: { createdBy: { fields: ['id'] }, updatedBy: { fields: ['id'] } } } : {}),
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
              if (visible[field] === null || visible[field] === undefined) continue;
              data[field] = toVariable(visible[field]);
            }
            items.push({ email: String(visible[emailField] ?? ''), data });
          }
          yield { items, rowOffset: position };
          position += entries.length;
          if (entries.length < AUDIENCE_PAGE) return;
        }
      }
      return getService(strapi, 'campaigns').addRecipientPages(campaign, pages(), { pageByPage: true });
    },
  };
};

export type AudienceService = ReturnType<typeof audienceService>;
export default audienceService;
