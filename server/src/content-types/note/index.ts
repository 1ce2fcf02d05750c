import type { Struct } from '@strapi/strapi';
import { hidden } from '../hidden';

/**
 * An agent's internal note on a conversation. Its own table rather than a kind of outbound
 * message: a note is no mail (no server, Message-ID, recipients), and threading, the Sent
 * folder and reply-all read the outbound table without having to skip notes.
 */
export default {
  schema: {
    kind: 'collectionType',
    collectionName: 'email_notes',
    info: {
      singularName: 'note',
      pluralName: 'notes',
      displayName: 'Note',
    },
    options: { draftAndPublish: false },
    indexes: [{ name: 'email_notes_conversation_idx', columns: ['conversation'] }],
    pluginOptions: hidden,
    attributes: {
      conversation: { type: 'string', required: true },
      text: { type: 'richtext' },
      author: { type: 'integer' }, // admin user id
      authorEmail: { type: 'string' }, // kept for when the user is deleted
      date: { type: 'datetime' },
    },
  } satisfies Partial<Struct.CollectionTypeSchema>,
};
