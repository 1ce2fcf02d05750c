import type { Struct } from '@strapi/strapi';
import { hidden } from '../hidden';
import { SUPPRESSION_REASONS } from '../../../../shared/contracts/campaigns';

/** An address no campaign sends to: unsubscribed, hard-bounced, complained, or added by an admin. */
export default {
  schema: {
    kind: 'collectionType',
    collectionName: 'email_suppressions',
    info: { singularName: 'suppression', pluralName: 'suppressions', displayName: 'Email suppression' },
    options: { draftAndPublish: false },
    pluginOptions: hidden,
    // What keeps one row per address when two instances (or a webhook and an unsubscribe) add it at once.
    indexes: [{ name: 'email_suppressions_email_key_uq', columns: ['email_key'], type: 'unique' }],
    attributes: {
      email: { type: 'string', required: true },
      emailKey: { type: 'string', required: true, unique: true },
      reason: { type: 'enumeration', enum: [...SUPPRESSION_REASONS], required: true },
      source: { type: 'string' },
    },
  } satisfies Partial<Struct.CollectionTypeSchema>,
};
