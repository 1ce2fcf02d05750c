import type { Struct } from '@strapi/strapi';
import { hidden } from '../hidden';

/** A mail fetched from a server's IMAP or POP3 mailbox, stored once. */
export default {
  schema: {
    kind: 'collectionType',
    collectionName: 'email_inbound_messages',
    info: {
      singularName: 'inbound-message',
      pluralName: 'inbound-messages',
      displayName: 'Inbound message',
    },
    options: { draftAndPublish: false },
    pluginOptions: hidden,
    // The mailbox position of a mail is stored once, whatever races or restarts happen.
    // Opening and answering a conversation look its mails up by `conversation`. (Message-IDs are
    // text of any length from outside: a btree index on them would refuse a long one.)
    indexes: [
      { name: 'email_inbound_dedupe_uq', columns: ['dedupe_key'], type: 'unique' },
      { name: 'email_inbound_conversation_idx', columns: ['conversation'] },
    ],
    attributes: {
      server: { type: 'string', required: true }, // the email server's documentId
      folder: { type: 'string' },
      uidValidity: { type: 'string' },
      uid: { type: 'biginteger' },
      uidl: { type: 'string' },
      /** imap:<server>:<folder>:<uidvalidity>:<uid> or pop3:<server>:<uidl> */
      dedupeKey: { type: 'string', required: true, unique: true },
      // Header values, as long as a sender makes them (cut to 998, the RFC 5322 line limit).
      messageId: { type: 'text' },
      inReplyTo: { type: 'text' },
      references: { type: 'json' },
      from: { type: 'json' },
      to: { type: 'json' },
      cc: { type: 'json' },
      replyTo: { type: 'json' },
      subject: { type: 'text' },
      date: { type: 'datetime' },
      text: { type: 'richtext' },
      html: { type: 'richtext' },
      /** The html was sanitised when stored; older rows are sanitised when read. */
      htmlSafe: { type: 'boolean', default: false },
      attachments: { type: 'json' },
      size: { type: 'integer' },
      rawSize: { type: 'integer' },
      /** Why the mail was stored only in part (unparsable, too large, refused by the database); null when whole. */
      problem: { type: 'text' },
      /** No person wrote it (auto-reply, bounce, bulk or list mail, delivery report). */
      automatic: { type: 'boolean', default: false },
      conversation: { type: 'string' }, // the conversation's documentId
    },
  } satisfies Partial<Struct.CollectionTypeSchema>,
};
