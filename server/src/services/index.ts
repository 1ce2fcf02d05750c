import checks from './checks';
import emailProvider from './email-provider';
import mailer from './mailer';
import secrets from './secrets';
import servers from './servers';
import transports from './transports';

export default {
  checks,
  'email-provider': emailProvider,
  mailer,
  secrets,
  servers,
  transports,
};
