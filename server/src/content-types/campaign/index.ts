import type { Struct } from '@strapi/strapi';
import { hidden } from '../hidden';
import { CAMPAIGN_STATUSES } from '../../../../shared/contracts/campaigns';

/** One message sent through one email server to a list of recipients. */
export default {
  schema: {
    kind: 'collectionType',
    collectionName: 'email_campaigns',
    info: { singularName: 'campaign', pluralName: 'campaigns', displayName: 'Email campaign' },
    options: { draftAndPublish: false },
    pluginOptions: hidden,
    attributes: {
      name: { type: 'string', required: true, maxLength: 200 },
      /** The email server's documentId: a plain value, so deleting a server keeps its campaigns. */
      server: { type: 'string', required: true },
      // 998 is the line limit of RFC 5322, beyond a `string` column's 255.
      subject: { type: 'text', required: true, maxLength: 998 },
      html: { type: 'richtext' },
      text: { type: 'richtext' },
      /** A layout's documentId; null: none. */
      template: { type: 'string' },
      /**
       * The layout's HTML and text as they were when the campaign was sent or scheduled: editing
       * or deleting a layout never changes mails of a campaign already under way.
       */
      layoutHtml: { type: 'richtext', private: true },
      layoutText: { type: 'richtext', private: true },
      trackOpens: { type: 'boolean', default: false },
      trackClicks: { type: 'boolean', default: false },
      /** When the server's daily/hourly limit is reached: wait, or send through its fallback. */
      onLimit: { type: 'enumeration', enum: ['wait', 'fallback'], default: 'wait' },
      status: {
        type: 'enumeration',
        enum: [...CAMPAIGN_STATUSES],
        default: 'draft',
        required: true,
      },
      scheduledAt: { type: 'datetime' },
      startedAt: { type: 'datetime' },
      completedAt: { type: 'datetime' },
      /** Quotes the relay's reply, which can be long. */
      pauseReason: { type: 'text', maxLength: 1000 },
      /** While a server's limit holds the campaign back: the end of that window, and why. */
      waitingUntil: { type: 'datetime' },
      waitReason: { type: 'text' },
    },
  } satisfies Partial<Struct.CollectionTypeSchema>,
};
