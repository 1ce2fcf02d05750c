import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../config';
import type services from '../services';

export const PLUGIN_ID = 'email-server';
export const SERVER_UID = 'plugin::email-server.email-server' as const;

export const UIDS = {
  server: SERVER_UID,
  inbound: 'plugin::email-server.inbound-message',
  outbound: 'plugin::email-server.outbound-message',
  attachment: 'plugin::email-server.message-attachment',
  conversation: 'plugin::email-server.conversation',
  mailboxState: 'plugin::email-server.mailbox-state',
  campaign: 'plugin::email-server.campaign',
  recipient: 'plugin::email-server.campaign-recipient',
  suppression: 'plugin::email-server.suppression',
  webhookEvent: 'plugin::email-server.webhook-event',
  throttle: 'plugin::email-server.send-throttle',
  conversationRead: 'plugin::email-server.conversation-read',
  note: 'plugin::email-server.note',
  savedReply: 'plugin::email-server.saved-reply',
  template: 'plugin::email-server.template',
  bounce: 'plugin::email-server.campaign-bounce',
  oauthState: 'plugin::email-server.oauth-state',
} as const;

/** The plugin's config, typed. */
export const pluginConfig = (strapi: Core.Strapi) => strapi.config.get(`plugin::${PLUGIN_ID}`) as PluginConfig;

type Services = typeof services;

/** Typed access to this plugin's services. */
export const getService = <Name extends keyof Services>(
  strapi: Core.Strapi,
  name: Name
): ReturnType<Services[Name]> => strapi.plugin(PLUGIN_ID).service(name) as ReturnType<Services[Name]>;
