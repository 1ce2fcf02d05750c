import type { Struct } from '@strapi/strapi';
import { hidden } from '../hidden';

/**
 * Per server: where fetching stopped (IMAP UIDVALIDITY and last UID), the poll lease that keeps
 * two pollers (in one process or on several instances) off the same mailbox, and failures.
 */
export default {
  schema: {
    kind: 'collectionType',
    collectionName: 'email_mailbox_states',
    info: {
      singularName: 'mailbox-state',
      pluralName: 'mailbox-states',
      displayName: 'Mailbox state',
    },
    options: { draftAndPublish: false },
    pluginOptions: hidden,
    indexes: [{ name: 'email_mailbox_state_server_uq', columns: ['server'], type: 'unique' }],
    attributes: {
      server: { type: 'string', required: true, unique: true },
      folder: { type: 'string' },
      /** Which mailbox the cursor belongs to (user, host, port, folder): a change starts over. */
      mailbox: { type: 'string' },
      /** POP3: UIDLs the first sync's window left out, and duplicates of stored mails. */
      skippedUidls: { type: 'json' },
      duplicateUidls: { type: 'json' },
      uidValidity: { type: 'string' },
      lastUid: { type: 'biginteger' },
      leaseOwner: { type: 'string' },
      leaseUntil: { type: 'biginteger' }, // epoch ms: compared in SQL on every database
      nextPollAt: { type: 'biginteger' },
      failures: { type: 'integer', default: 0 },
      authFailures: { type: 'integer', default: 0 },
      lastError: { type: 'text' },
      /** Paused until the server's OAuth2 account is connected (again); see inbox/attention.ts. */
      accountPause: { type: 'boolean', default: false },
      lastFetchAt: { type: 'datetime' },
    },
  } satisfies Partial<Struct.CollectionTypeSchema>,
};
