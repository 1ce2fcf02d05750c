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
    // The live poll asks "what changed since"; the list filters by owner.
    indexes: [
      { name: 'email_conversations_changed_at_idx', columns: ['changed_at'] },
      { name: 'email_conversations_assignee_idx', columns: ['assignee'] },
      // The unread count every admin page polls: open conversations with a person's mail.
      { name: 'email_conversations_status_person_mail_idx', columns: ['status', 'last_person_mail_at'] },
    ],
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
      /** The admin user who owns it; null: nobody. */
      assignee: { type: 'integer' },
      /**
       * When a person's mail (not an automatic one) last arrived, by the storing instance's clock
       * and never moving back: an agent has read the conversation when their read mark holds this
       * value or a later one. `unread` above is the state from before marks were per agent.
       */
      lastPersonMailAt: { type: 'datetime' },
      /** Set on every write to the row (services/inbox/changes.ts): what the live poll reads. */
      changedAt: { type: 'datetime' },
      /** The first person's address, lower-cased: the "known customer" filter compares it. */
      customerEmail: { type: 'string', private: true },
      /** The campaign's documentId when the conversation began as a reply to a campaign mail. */
      campaign: { type: 'string' },
    },
  } satisfies Partial<Struct.CollectionTypeSchema>,
};
