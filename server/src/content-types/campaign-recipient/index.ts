import type { Struct } from '@strapi/strapi';
import { hidden } from '../hidden';
import { RECIPIENT_STATUSES } from '../../../../shared/contracts/campaigns';

/**
 * One recipient of one campaign: the durable queue. Workers claim rows by moving them to
 * `sending` under a lease (leaseOwner, leaseUntil); a row whose lease ran out is claimed again.
 */
export default {
  schema: {
    kind: 'collectionType',
    collectionName: 'email_campaign_recipients',
    info: { singularName: 'campaign-recipient', pluralName: 'campaign-recipients', displayName: 'Campaign recipient' },
    options: { draftAndPublish: false },
    pluginOptions: hidden,
    // One mail per address per campaign; the claim query walks (campaign, status, nextAttemptAt).
    indexes: [
      { name: 'email_campaign_recipients_unique_uq', columns: ['campaign', 'email_key'], type: 'unique' },
      { name: 'email_campaign_recipients_queue_idx', columns: ['campaign', 'status', 'next_attempt_at'] },
      { name: 'email_campaign_recipients_lease_idx', columns: ['lease_owner'] },
    ],
    attributes: {
      campaign: { type: 'string', required: true },
      email: { type: 'string', required: true },
      /** Lower-cased address: uniqueness and suppression are case-insensitive. */
      emailKey: { type: 'string', required: true },
      data: { type: 'json' },
      status: {
        type: 'enumeration',
        enum: [...RECIPIENT_STATUSES],
        default: 'queued',
        required: true,
      },
      attempts: { type: 'integer', default: 0 },
      /** Epoch milliseconds: numbers compare the same way on every database. */
      nextAttemptAt: { type: 'biginteger', default: '0' },
      leaseOwner: { type: 'string' },
      leaseUntil: { type: 'biginteger' },
      /** A relay's reply or SendGrid's reason: longer than 255 characters at times (Gmail's are). */
      lastError: { type: 'text', maxLength: 1000 },
      messageId: { type: 'string' },
      sentAt: { type: 'datetime' },
      deliveredAt: { type: 'datetime' },
      openedAt: { type: 'datetime' },
      clickedAt: { type: 'datetime' },
      repliedAt: { type: 'datetime' },
      autoRepliedAt: { type: 'datetime' },
      softBounces: { type: 'integer', default: 0 },
      /** documentId of the server that took the mail (the campaign's, or its fallback). */
      sentVia: { type: 'string' },
    },
  } satisfies Partial<Struct.CollectionTypeSchema>,
};
