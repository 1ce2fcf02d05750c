import type { Struct } from '@strapi/strapi';
import { hidden } from '../hidden';

/**
 * How far one admin has read one conversation: the conversation's `lastPersonMailAt` when they
 * last opened it. A value copied from the conversation, not a clock reading, so instances whose
 * clocks differ cannot mark a newer mail as read.
 */
export default {
  schema: {
    kind: 'collectionType',
    collectionName: 'email_conversation_reads',
    info: {
      singularName: 'conversation-read',
      pluralName: 'conversation-reads',
      displayName: 'Conversation read mark',
    },
    options: { draftAndPublish: false },
    // One mark per agent and conversation; also the index the unread count looks up.
    indexes: [{ name: 'email_conversation_reads_uq', columns: ['conversation', 'agent'], type: 'unique' }],
    pluginOptions: hidden,
    attributes: {
      conversation: { type: 'string', required: true },
      agent: { type: 'integer', required: true }, // admin user id
      seenUpTo: { type: 'datetime' },
    },
  } satisfies Partial<Struct.CollectionTypeSchema>,
};
