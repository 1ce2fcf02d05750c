import campaignQueue from './campaign-queue';
import campaigns from './campaigns';
import checks from './checks';
import emailProvider from './email-provider';
import inbox from './inbox';
import ingest from './ingest';
import mailer from './mailer';
import poller from './poller';
import secrets from './secrets';
import sendgridEvents from './sendgrid-events';
import servers from './servers';
import suppressions from './suppressions';
import throttle from './throttle';
import transports from './transports';
import unsubscribe from './unsubscribe';

export default {
  'campaign-queue': campaignQueue,
  campaigns,
  checks,
  'email-provider': emailProvider,
  inbox,
  ingest,
  mailer,
  poller,
  secrets,
  'sendgrid-events': sendgridEvents,
  servers,
  suppressions,
  throttle,
  transports,
  unsubscribe,
};
