import audience from './audience';
import campaignQueue from './queue';
import campaigns from './campaigns';
import campaignReports from './reports/apply';
import preview from './preview';
import renderer from './renderer';
import sendgridEvents from './sendgrid-events';
import suppressions from './suppressions';
import templates from './templates';
import throttle from './throttle';
import tracking from './tracking';
import unsubscribe from './unsubscribe';

/** Campaigns: the campaigns, their queue and throttle, rendering and previews, layouts, audiences, suppressions, webhook events, mailbox reports and unsubscribes. */
export default {
  audience,
  'campaign-queue': campaignQueue,
  'campaign-renderer': renderer,
  'campaign-preview': preview,
  'campaign-reports': campaignReports,
  campaigns,
  'sendgrid-events': sendgridEvents,
  suppressions,
  templates,
  throttle,
  tracking,
  unsubscribe,
};
