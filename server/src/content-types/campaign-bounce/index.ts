import type { Struct } from '@strapi/strapi';
import { hidden } from '../hidden';

/**
 * A delivery report or complaint about one campaign mail, as read from the server's mailbox:
 * soft bounces of an address are counted over 30 days across campaigns, and a report fetched
 * twice (POP3 without UIDL, a re-synced mailbox) is recorded once.
 */
export default {
  schema: {
    kind: 'collectionType',
    collectionName: 'email_campaign_bounces',
    info: { singularName: 'campaign-bounce', pluralName: 'campaign-bounces', displayName: 'Campaign bounce' },
    options: { draftAndPublish: false },
    indexes: [
      { name: 'email_campaign_bounces_report_uq', columns: ['report_key'], type: 'unique' },
      { name: 'email_campaign_bounces_email_idx', columns: ['email_key', 'kind', 'received_at'] },
    ],
    pluginOptions: hidden,
    attributes: {
      campaign: { type: 'string', required: true },
      recipient: { type: 'integer', required: true },
      emailKey: { type: 'string', required: true },
      /** hard | soft | complaint */
      kind: { type: 'string', required: true },
      /** The enhanced status code, e.g. 5.1.1. */
      statusCode: { type: 'string' },
      /** The remote server's reply, quoted in the report: outside input, can be long. */
      diagnostic: { type: 'text', maxLength: 1000 },
      /** The report's own Message-ID (or a hash of it) with the recipient: one row per report and recipient. */
      reportKey: { type: 'string', required: true },
      receivedAt: { type: 'datetime', required: true },
    },
  } satisfies Partial<Struct.CollectionTypeSchema>,
};
