import type { Struct } from '@strapi/strapi';
import { hidden } from '../hidden';
import { CONVERSATION_STATUSES } from '../../../../shared/contracts/inbox';

/** A thread of inbound mails and agent replies on one server. */
export default {
  schema: {
    kind: 'collectionType',
    collectionName: 'email_conversations',
    info: {
      singularName: 'conversation',
      pluralName: 'conversations',
      displayName: 'Conversation',
    },
    options: { draftAndPublish: false },
    pluginOptions: hidden,
    attributes: {
      server: { type: 'string', required: true },
      subject: { type: 'text' },
      status: { type: 'enumeration', enum: [...CONVERSATION_STATUSES], default: 'open' },
      participants: { type: 'json' },
      /** Lower-cased participant addresses and subject, for search on every database. */
      searchText: { type: 'text', private: true },
      lastMessageAt: { type: 'datetime' },
      unread: { type: 'boolean', default: true },
      /** Every mail in it is automatic (auto-replies, bounces): agents can filter it out. */
      automatic: { type: 'boolean', default: false },
      /** The first person's address, lower-cased: the "known customer" filter compares it. */
      customerEmail: { type: 'string', private: true },
    },
  } satisfies Partial<Struct.CollectionTypeSchema>,
};
