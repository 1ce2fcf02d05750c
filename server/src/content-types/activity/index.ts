import type { Struct } from '@strapi/strapi';
import { hidden } from '../hidden';

/**
 * Who changed what (README "Audit events and webhooks"): one row per event the plugin emits.
 * Plain values, no relations: an entry outlives the server, campaign or admin user it names, and
 * keeps their name and email as they were.
 */
export default {
  schema: {
    kind: 'collectionType',
    collectionName: 'email_activities',
    info: { singularName: 'activity', pluralName: 'activities', displayName: 'Email server activity' },
    options: { draftAndPublish: false },
    pluginOptions: hidden,
    // A server's recent activity is read newest first, page by page below an id (keyset).
    indexes: [
      { name: 'email_activities_server_idx', columns: ['server', 'id'] },
      { name: 'email_activities_subject_idx', columns: ['subject_type', 'subject_document_id', 'id'] },
    ],
    attributes: {
      event: { type: 'string', required: true },
      subjectType: { type: 'string', required: true },
      subjectDocumentId: { type: 'string', required: true },
      subjectName: { type: 'string' },
      /** The email server's documentId the entry belongs to: itself, or a campaign's server. */
      server: { type: 'string' },
      userId: { type: 'integer' },
      userEmail: { type: 'string' },
      userName: { type: 'string' },
      details: { type: 'json' },
    },
  } satisfies Partial<Struct.CollectionTypeSchema>,
};
