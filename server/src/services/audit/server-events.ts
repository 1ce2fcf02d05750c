import type { Core } from '@strapi/strapi';
import { ACTIVITY_EVENTS, type ActivitySubject } from '../../../../shared/contracts/activity';
import { INPUT_FIELDS, SECRET_FIELDS, type EmailServerInput } from '../../../../shared/contracts/servers';
import { normalizeServerInput } from '../../../../shared/validation/servers';
import { SERVER_UID, getService } from '../../utils';
import type { StoredServer } from '../servers/servers';

const isSecret = (field: string) => (SECRET_FIELDS as readonly string[]).includes(field);
const comparable = (value: unknown) => (value === undefined || value === '' ? null : typeof value === 'object' && value !== null ? JSON.stringify(value) : value);

/**
 * The names of the fields an update changes: the stored row against the input as it will be
 * stored. A secret counts only when a new value was given, and only by its name: no value, old
 * or new, ever reaches an entry.
 */
export const changedFields = (existing: StoredServer, input: EmailServerInput): string[] => {
  const next = normalizeServerInput(input) as unknown as Record<string, unknown>;
  return INPUT_FIELDS.filter((field) => {
    if (isSecret(field)) return typeof next[field] === 'string' && next[field] !== '';
    return comparable((existing as unknown as Record<string, unknown>)[field]) !== comparable(next[field]);
  });
};

export const serverSubject = (server: Pick<StoredServer, 'documentId' | 'name'>): ActivitySubject => ({
  type: 'server',
  documentId: server.documentId,
  name: server.name,
});

/** The server's events, recorded after the action succeeded (see activity.ts). */
export const serverEvents = (strapi: Core.Strapi) => {
  const record = getService(strapi, 'activity').record;
  return {
    /** The current default, read before a save that may replace it, for the set-default entry. */
    async defaultBefore(input: EmailServerInput, existing?: StoredServer) {
      if (!input.isDefault || existing?.isDefault) return undefined;
      const row = await strapi.db.query(SERVER_UID).findOne({ select: ['documentId', 'name'], where: { isDefault: true } });
      return row ? { documentId: row.documentId as string, name: row.name as string } : null;
    },

    async saved(saved: StoredServer, existing: StoredServer | undefined, input: EmailServerInput, previousDefault: { documentId: string; name: string } | null | undefined) {
      const subject = serverSubject(saved);
      if (existing) await record(ACTIVITY_EVENTS.serverUpdate, { subject, details: { changed: changedFields(existing, input) } });
      else await record(ACTIVITY_EVENTS.serverCreate, { subject, details: { type: saved.type, isDefault: Boolean(saved.isDefault), enabled: Boolean(saved.enabled) } });
      if (saved.isDefault && !existing?.isDefault) {
        await record(ACTIVITY_EVENTS.serverSetDefault, { subject, details: { previous: previousDefault ?? null } });
      }
    },

    deleted: (server: StoredServer) => record(ACTIVITY_EVENTS.serverDelete, { subject: serverSubject(server), details: { type: server.type, wasDefault: Boolean(server.isDefault) } }),

    tested: (server: StoredServer, details: Record<string, unknown>) => record(ACTIVITY_EVENTS.serverTest, { subject: serverSubject(server), details }),
  };
};
