import type { Struct } from '@strapi/strapi';
import { hidden } from '../hidden';

/** The bytes of a mail's attachment (received or sent), apart from the message so lists stay light. */
export default {
  schema: {
    kind: 'collectionType',
    collectionName: 'email_message_attachments',
    info: {
      singularName: 'message-attachment',
      pluralName: 'message-attachments',
      displayName: 'Message attachment',
    },
    options: { draftAndPublish: false },
    pluginOptions: hidden,
    // Every thread and download looks rows up by this.
    indexes: [{ name: 'email_attachment_message_idx', columns: ['message'] }],
    attributes: {
      message: { type: 'string', required: true }, // the inbound or outbound message's documentId
      index: { type: 'integer' },
      /** Files agents send are stored in parts of 1 MB, so none is held whole in memory; null: one row. */
      part: { type: 'integer' },
      // As the sender named them: longer than a `string` column at times.
      filename: { type: 'text' },
      contentType: { type: 'text' },
      size: { type: 'integer' },
      content: { type: 'richtext', private: true }, // base64
    },
  } satisfies Partial<Struct.CollectionTypeSchema>,
};
