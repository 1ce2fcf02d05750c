import checks from './checks';
import emailProvider from './email-provider';
import inbox from './inbox';
import ingest from './ingest';
import mailer from './mailer';
import poller from './poller';
import secrets from './secrets';
import servers from './servers';
import transports from './transports';

export default {
  checks,
  'email-provider': emailProvider,
  inbox,
  ingest,
  mailer,
  poller,
  secrets,
  servers,
  transports,
};
