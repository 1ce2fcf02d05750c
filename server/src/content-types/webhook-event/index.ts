import type { Struct } from '@strapi/strapi';
import { hidden } from '../hidden';

/** SendGrid events already applied, by sg_event_id: a redelivered event is counted once. */
export default {
  schema: {
    kind: 'collectionType',
    collectionName: 'email_webhook_events',
    info: { singularName: 'webhook-event', pluralName: 'webhook-events', displayName: 'Email webhook event' },
    options: { draftAndPublish: false },
    pluginOptions: hidden,
    // `unique: true` below is not a database constraint: this index is what makes firstTime() atomic.
    indexes: [{ name: 'email_webhook_events_event_id_uq', columns: ['event_id'], type: 'unique' }],
    attributes: {
      eventId: { type: 'string', required: true, unique: true },
      event: { type: 'string' },
    },
  } satisfies Partial<Struct.CollectionTypeSchema>,
};
