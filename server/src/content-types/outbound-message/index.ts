import type { Struct } from '@strapi/strapi';
import { hidden } from '../hidden';

/** An agent's reply or forward, stored once the server accepted it. */
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
    // Opening a conversation, and threading a customer's answer to our reply, look rows up by these.
    indexes: [
      { name: 'email_outbound_conversation_idx', columns: ['conversation'] },
      { name: 'email_outbound_message_id_idx', columns: ['server', 'message_id'] },
    ],
    attributes: {
      server: { type: 'string', required: true },
      messageId: { type: 'string' },
      inReplyTo: { type: 'text' }, // an inbound Message-ID
      references: { type: 'json' },
      from: { type: 'json' },
      to: { type: 'json' },
      cc: { type: 'json' },
      bcc: { type: 'json' },
      subject: { type: 'text' },
      date: { type: 'datetime' },
      text: { type: 'richtext' },
      html: { type: 'richtext' },
      conversation: { type: 'string' },
      sentBy: { type: 'string' }, // the admin user's email
      sentById: { type: 'integer' }, // the admin user's id
      /** Metadata of the files sent, as on inbound messages; the bytes are message-attachment rows. */
      attachments: { type: 'json' },
      /** What went wrong after the mail was sent (not saved to the Sent folder); null when nothing. */
      problem: { type: 'text' },
    },
  } satisfies Partial<Struct.CollectionTypeSchema>,
};
