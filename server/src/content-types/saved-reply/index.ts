import type { Struct } from '@strapi/strapi';
import { hidden } from '../hidden';

/** A canned answer with Liquid fields (`{{ customer.name }}`), inserted from the reply box. */
export default {
  schema: {
    kind: 'collectionType',
    collectionName: 'email_saved_replies',
    info: {
      singularName: 'saved-reply',
      pluralName: 'saved-replies',
      displayName: 'Saved reply',
    },
    options: { draftAndPublish: false },
    // Behind the service's name check: two concurrent saves of one name cannot both win.
    indexes: [{ name: 'email_saved_replies_name_key_uq', columns: ['name_key'], type: 'unique' }],
    pluginOptions: hidden,
    attributes: {
      name: { type: 'string', required: true, maxLength: 100 },
      // Lower-cased name: unique case-insensitively on every database.
      nameKey: { type: 'string', required: true, private: true, maxLength: 100 },
      text: { type: 'richtext' },
    },
  } satisfies Partial<Struct.CollectionTypeSchema>,
};
