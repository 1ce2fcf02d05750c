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
    attributes: {
      eventId: { type: 'string', required: true, unique: true },
      event: { type: 'string' },
    },
  } satisfies Partial<Struct.CollectionTypeSchema>,
};
