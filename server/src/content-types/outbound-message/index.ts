import type { Struct } from '@strapi/strapi';
import { hidden } from '../hidden';

/** An agent's reply, stored once the server accepted it. */
export default {
  schema: {
    kind: 'collectionType',
    collectionName: 'email_outbound_messages',
    info: {
      singularName: 'outbound-message',
      pluralName: 'outbound-messages',
      displayName: 'Outbound message',
    },
    options: { draftAndPublish: false },
    pluginOptions: hidden,
    attributes: {
      server: { type: 'string', required: true },
      messageId: { type: 'string' },
      inReplyTo: { type: 'text' }, // an inbound Message-ID
      references: { type: 'json' },
      from: { type: 'json' },
      to: { type: 'json' },
      cc: { type: 'json' },
      subject: { type: 'text' },
      date: { type: 'datetime' },
      text: { type: 'richtext' },
      html: { type: 'richtext' },
      conversation: { type: 'string' },
      sentBy: { type: 'string' }, // the admin user's email
    },
  } satisfies Partial<Struct.CollectionTypeSchema>,
};
