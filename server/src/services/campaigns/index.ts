import audience from './audience';
import campaignQueue from './queue';
import campaigns from './campaigns';
import campaignReports from './reports/apply';
import sendgridEvents from './sendgrid-events';
import suppressions from './suppressions';
import throttle from './throttle';
import tracking from './tracking';
import unsubscribe from './unsubscribe';

/** Campaigns: the campaigns, their queue and throttle, suppressions, webhook events, mailbox reports and unsubscribes. */
export default { audience, 'campaign-queue': campaignQueue, 'campaign-reports': campaignReports, campaigns, 'sendgrid-events': sendgridEvents, suppressions, throttle, tracking, unsubscribe };
