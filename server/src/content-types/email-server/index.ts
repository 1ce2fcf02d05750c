import type { Struct } from '@strapi/strapi';
import { hidden } from '../hidden';
import { AFTER_FETCH, AUTH_METHODS, INCOMING_PROTOCOLS, OAUTH_PROVIDERS, SECURITY_MODES, SERVER_TYPES } from '../../../../shared/contracts/servers';

/**
 * One outgoing (and optionally incoming) email server. Secrets are stored encrypted and marked
 * private so that no generic Strapi sanitizer can return them either.
 */
export default {
  schema: {
    kind: 'collectionType',
    collectionName: 'email_servers',
    info: {
      singularName: 'email-server',
      pluralName: 'email-servers',
      displayName: 'Email server',
      description: 'An SMTP or SendGrid server managed in Settings → Email servers',
    },
    options: { draftAndPublish: false },
    // A database-level guarantee behind the service's case-insensitive name check, so two
    // concurrent creates cannot both win.
    indexes: [{ name: 'email_servers_name_key_uq', columns: ['name_key'], type: 'unique' }],
    pluginOptions: hidden,
    attributes: {
      name: { type: 'string', required: true, maxLength: 100 },
      // Lower-cased name, so uniqueness is case-insensitive on every database.
      nameKey: { type: 'string', required: true, unique: true, private: true, maxLength: 100 },
      type: { type: 'enumeration', enum: [...SERVER_TYPES], required: true },
      senderEmail: { type: 'string', required: true },
      senderName: { type: 'string' },
      replyTo: { type: 'string' },
      apiToken: { type: 'text', private: true },
      smtpHost: { type: 'string' },
      smtpPort: { type: 'integer' },
      smtpSecurity: { type: 'enumeration', enum: [...SECURITY_MODES] },
      smtpUsername: { type: 'string' },
      smtpPassword: { type: 'text', private: true },
      incomingProtocol: { type: 'enumeration', enum: [...INCOMING_PROTOCOLS] },
      incomingHost: { type: 'string' },
      incomingPort: { type: 'integer' },
      incomingSecurity: { type: 'enumeration', enum: [...SECURITY_MODES] },
      incomingUsername: { type: 'string' },
      incomingPassword: { type: 'text', private: true },
      incomingFolder: { type: 'string' },
      /** IMAP: replies are appended here; '' = off, null = the \Sent folder, else "Sent". */
      sentFolder: { type: 'string' },
      tlsRejectUnauthorized: { type: 'boolean', default: true },
      pollIntervalSeconds: { type: 'integer', default: 60 },
      isDefault: { type: 'boolean', default: false },
      enabled: { type: 'boolean', default: true },
      lastCheckAt: { type: 'datetime' },
      lastCheckOk: { type: 'boolean' },
      lastCheckMessage: { type: 'text' },
      /** keep (default), seen (IMAP \\Seen) or delete (POP3 DELE / IMAP expunge), after a fetch. */
      afterFetch: { type: 'enumeration', enum: [...AFTER_FETCH], default: 'keep' },
      /** Set when repeated login failures paused polling; cleared by an edit or a good check. */
      incomingAttention: { type: 'text' },
      /** Campaign throttle: messages per second and concurrent connections, all instances together. */
      rateLimitPerSecond: { type: 'integer', default: 50 },
      maxConnections: { type: 'integer', default: 5 },
      dkimDomain: { type: 'string' },
      dkimSelector: { type: 'string' },
      dkimPrivateKey: { type: 'text', private: true },
      webhookPublicKey: { type: 'text' },
      smtpAuthMethod: { type: 'enumeration', enum: [...AUTH_METHODS], default: 'password' },
      incomingAuthMethod: { type: 'enumeration', enum: [...AUTH_METHODS] },
      oauthProvider: { type: 'enumeration', enum: [...OAUTH_PROVIDERS] },
      oauthClientId: { type: 'text' },
      oauthClientSecret: { type: 'text', private: true },
      oauthTenant: { type: 'string' },
      oauthAuthorizeUrl: { type: 'text' },
      oauthTokenUrl: { type: 'text' },
      oauthScopes: { type: 'text' },
      /** The connected account: refresh and access tokens encrypted like the passwords. */
      oauthRefreshToken: { type: 'text', private: true },
      oauthAccessToken: { type: 'text', private: true },
      /** Epoch milliseconds. */
      oauthTokenExpiresAt: { type: 'biginteger' },
      /** Text, not varchar(255): a provider's account name (a UPN) is not bounded by us. */
      oauthAccount: { type: 'text' },
      /** Epoch ms until which one instance refreshes the access token; the others wait for its result. */
      oauthRefreshLeaseUntil: { type: 'biginteger' },
      /** "Needs attention: reconnect the account" after a refresh failed with invalid_grant. */
      oauthAttention: { type: 'text' },
      /** documentId of the server that takes over when this one cannot. */
      fallbackServer: { type: 'string' },
      dailyLimit: { type: 'integer' },
      hourlyLimit: { type: 'integer' },
      /** Health shown in the list; written below the query layer so updatedAt (the transport version) does not move. */
      lastSendAt: { type: 'datetime' },
      lastSendError: { type: 'text' },
      lastSendErrorAt: { type: 'datetime' },
      lastPollAt: { type: 'datetime' },
      lastPollOk: { type: 'boolean' },
      lastPollMessage: { type: 'text' },
    },
  } satisfies Partial<Struct.CollectionTypeSchema>,
};
