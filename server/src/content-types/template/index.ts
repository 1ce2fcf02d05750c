import type { Struct } from '@strapi/strapi';
import { hidden } from '../hidden';

/** A campaign layout: HTML (and optionally text) with `{{ content }}` where a campaign's body goes. */
export default {
  schema: {
    kind: 'collectionType',
    collectionName: 'email_templates',
    info: { singularName: 'template', pluralName: 'templates', displayName: 'Email layout' },
    options: { draftAndPublish: false },
    indexes: [{ name: 'email_templates_name_key_uq', columns: ['name_key'], type: 'unique' }],
    pluginOptions: hidden,
    attributes: {
      name: { type: 'string', required: true, maxLength: 200 },
      // Lower-cased name: unique case-insensitively on every database.
      nameKey: { type: 'string', required: true, private: true, maxLength: 200 },
      html: { type: 'richtext', required: true },
      text: { type: 'richtext' },
    },
  } satisfies Partial<Struct.CollectionTypeSchema>,
};
