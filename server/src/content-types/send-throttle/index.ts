import type { Struct } from '@strapi/strapi';
import { hidden } from '../hidden';

/**
 * The shared throttle of one email server, so every Strapi instance on the database keeps to one
 * rate: `windowStart` is the current second (epoch seconds) and `used` the messages sent in it.
 * Connection slots are rows too (`slot` 1..n, slot 0 is the rate window), each leased by one
 * instance at a time.
 */
export default {
  schema: {
    kind: 'collectionType',
    collectionName: 'email_send_throttles',
    info: { singularName: 'send-throttle', pluralName: 'send-throttles', displayName: 'Email send throttle' },
    options: { draftAndPublish: false },
    pluginOptions: hidden,
    indexes: [{ name: 'email_send_throttles_slot_uq', columns: ['server', 'slot'], type: 'unique' }],
    attributes: {
      server: { type: 'string', required: true },
      slot: { type: 'integer', required: true },
      windowStart: { type: 'biginteger', default: '0' },
      used: { type: 'integer', default: 0 },
      leaseOwner: { type: 'string' },
      leaseUntil: { type: 'biginteger' },
    },
  } satisfies Partial<Struct.CollectionTypeSchema>,
};
