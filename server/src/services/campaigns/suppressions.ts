import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Suppression, SuppressionReason } from '../../../../shared/contracts/campaigns';
import { newDocumentId } from '../../utils/ids';
import { UIDS } from '../../utils';

const toPublic = (row: any): Suppression => ({
  documentId: row.documentId,
  email: row.email,
  reason: row.reason,
  source: row.source ?? null,
  createdAt: row.createdAt,
});

/** Addresses that no campaign sends to. Keyed by the lower-cased address. */
const suppressionsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const query = () => strapi.db.query(UIDS.suppression);

  return {
    async list({ q, page, pageSize }: { q?: string | null; page: number; pageSize: number }) {
      const where = q ? { emailKey: { $containsi: q.toLowerCase() } } : {};
      const [rows, total] = await Promise.all([
        query().findMany({ where, orderBy: { createdAt: 'desc' }, offset: (page - 1) * pageSize, limit: pageSize }),
        query().count({ where }),
      ]);
      return {
        data: rows.map(toPublic),
        meta: { pagination: { page, pageSize, pageCount: Math.ceil(total / pageSize), total } },
      };
    },

    /** Adds an address; one already listed keeps its first reason. Returns the row. */
    async add(email: string, reason: SuppressionReason, source: string | null): Promise<Suppression> {
      const emailKey = email.trim().toLowerCase();
      const existing = await query().findOne({ where: { emailKey } });
      if (existing) return toPublic(existing);
      try {
        const created = await query().create({
          data: { documentId: newDocumentId(), email: email.trim(), emailKey, reason, source: source?.slice(0, 255) ?? null },
        });
        return toPublic(created);
      } catch (error) {
        // A webhook and an unsubscribe raced for the same address: the unique key kept one.
        const again = await query().findOne({ where: { emailKey } });
        if (again) return toPublic(again);
        throw error;
      }
    },

    async remove(documentId: string) {
      const existing = await query().findOne({ where: { documentId } });
      if (!existing) throw new errors.NotFoundError('This address is not on the suppression list.');
      await query().delete({ where: { id: existing.id } });
      return { documentId, email: existing.email as string };
    },

    /** Which of these lower-cased addresses are suppressed. */
    async suppressedAmong(emailKeys: string[]): Promise<Set<string>> {
      const found = new Set<string>();
      for (let i = 0; i < emailKeys.length; i += 500) {
        const rows = await query().findMany({ select: ['emailKey'], where: { emailKey: { $in: emailKeys.slice(i, i + 500) } } });
        rows.forEach((r: any) => found.add(r.emailKey));
      }
      return found;
    },
  };
};

export type SuppressionsService = ReturnType<typeof suppressionsService>;
export default suppressionsService;
