import emailProvider from './email-provider';
import mailer from './mailer';

/** Sending one mail: the mailer and Strapi's email provider on top of it. */
export default { 'email-provider': emailProvider, mailer };
