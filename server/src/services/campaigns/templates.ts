import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Template, TemplateInput } from '../../../../shared/contracts/campaigns';
import { UIDS } from '../../utils';
import { newDocumentId } from '../../utils/ids';
import { isUniqueViolation } from '../../utils/db-errors';
import { fieldError } from '../../utils/validate';
import { assertTemplatesParse } from './template';

export interface StoredTemplate {
  id: number;
  documentId: string;
  name: string;
  html: string;
  text: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Campaigns whose mails are being sent or about to be: their layout is copied already, but a person deleting it should know. */
export const UNDER_WAY = ['scheduled', 'sending', 'paused'];

const toPublic = (row: StoredTemplate): Template => ({
  documentId: row.documentId,
  name: row.name,
  html: row.html,
  text: row.text || null,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

const TAKEN = 'A layout with this name already exists.';

/** A campaign under way uses the layout (answered as 409, naming the campaigns). */
export class LayoutInUseError extends errors.ApplicationError {
  constructor(message: string, readonly campaigns: string[]) {
    super(message, { campaigns });
  }
}

/** Layouts (README "Campaigns" → "Writing a campaign"): HTML with `{{ content }}` where a campaign's body goes. */
const templatesService = ({ strapi }: { strapi: Core.Strapi }) => {
  const templates = () => strapi.db.query(UIDS.template);

  /** Two saves of one name raced past the check: the unique index stopped the second. */
  const saving = async <T>(write: () => Promise<T>) => {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) throw fieldError('name', TAKEN);
      throw error;
    }
  };

  const assertNameFree = async (name: string, self?: number) => {
    const clash = await templates().findOne({ select: ['id'], where: { nameKey: name.toLowerCase() } });
    if (clash && clash.id !== self) throw fieldError('name', TAKEN);
  };

  const service = {
    toPublic,

    async list(): Promise<Template[]> {
      return ((await templates().findMany({ orderBy: [{ nameKey: 'asc' }, { id: 'asc' }] })) as StoredTemplate[]).map(toPublic);
    },

    async findOne(documentId: string): Promise<StoredTemplate | null> {
      return templates().findOne({ where: { documentId } });
    },

    async getOrThrow(documentId: string): Promise<StoredTemplate> {
      const row = await service.findOne(documentId);
      if (!row) throw new errors.NotFoundError('Layout not found.');
      return row;
    },

    /** `{ documentId, name }` of each layout named, for the campaign list. */
    async refs(documentIds: Array<string | null | undefined>) {
      const ids = [...new Set(documentIds.filter((id): id is string => Boolean(id)))];
      if (ids.length === 0) return new Map<string, { documentId: string; name: string }>();
      const rows = (await templates().findMany({ select: ['documentId', 'name'], where: { documentId: { $in: ids } } })) as StoredTemplate[];
      return new Map(rows.map((r) => [r.documentId, { documentId: r.documentId, name: r.name }]));
    },

    async create(input: TemplateInput): Promise<StoredTemplate> {
      assertTemplatesParse({ html: [input.html, 'html'], text: [input.text, 'text'] });
      await assertNameFree(input.name);
      return saving(() =>
        templates().create({
          data: { documentId: newDocumentId(), name: input.name, nameKey: input.name.toLowerCase(), html: input.html, text: input.text || null },
        })
      );
    },

    async update(row: StoredTemplate, input: TemplateInput): Promise<StoredTemplate> {
      assertTemplatesParse({ html: [input.html, 'html'], text: [input.text, 'text'] });
      await assertNameFree(input.name, row.id);
      return saving(() =>
        templates().update({ where: { id: row.id }, data: { name: input.name, nameKey: input.name.toLowerCase(), html: input.html, text: input.text || null } })
      );
    },

    /** Refused while a campaign under way names it; drafts lose it (they are edited before sending anyway). */
    async delete(row: StoredTemplate) {
      const users = await strapi.db.query(UIDS.campaign).findMany({
        select: ['name', 'status'],
        where: { template: row.documentId, status: { $in: UNDER_WAY } },
        orderBy: { id: 'asc' },
      });
      if (users.length > 0) {
        const names = users.slice(0, 5).map((c: any) => `"${c.name}" (${c.status})`).join(', ');
        const more = users.length > 5 ? ` and ${users.length - 5} more` : '';
        throw new LayoutInUseError(`The layout is used by ${names}${more}: cancel or finish those campaigns first.`, users.map((c: any) => c.name));
      }
      await strapi.db.transaction(async () => {
        await strapi.db.query(UIDS.campaign).updateMany({ where: { template: row.documentId, status: { $notIn: UNDER_WAY } }, data: { template: null } });
        await templates().delete({ where: { id: row.id } });
      });
      return { documentId: row.documentId };
    },
  };
  return service;
};

export type TemplatesService = ReturnType<typeof templatesService>;
export default templatesService;
