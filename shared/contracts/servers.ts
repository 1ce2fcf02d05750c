/**
 * An email server as the admin and the server both see it: its enums, field lists, the input a
 * client sends and the shape every server route answers. Imports nothing, so it bundles anywhere.
 */

export const SERVER_TYPES = ['smtp', 'sendgrid'] as const;
export const SECURITY_MODES = ['tls', 'starttls', 'none'] as const;
export const INCOMING_PROTOCOLS = ['imap', 'pop3'] as const;
export const AFTER_FETCH = ['keep', 'seen', 'delete'] as const;

export type ServerType = (typeof SERVER_TYPES)[number];
export type SecurityMode = (typeof SECURITY_MODES)[number];
export type IncomingProtocol = (typeof INCOMING_PROTOCOLS)[number];
export type AfterFetch = (typeof AFTER_FETCH)[number];

/** How one side (outgoing SMTP, incoming IMAP/POP3) logs in: a password, or XOAUTH2 with a connected account. */
export const AUTH_METHODS = ['password', 'oauth2'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];
/** google and microsoft have their URLs and scopes built in; custom names its own. */
export const OAUTH_PROVIDERS = ['google', 'microsoft', 'custom'] as const;
export type OAuthProvider = (typeof OAUTH_PROVIDERS)[number];

export const SECRET_FIELDS = ['apiToken', 'smtpPassword', 'incomingPassword', 'dkimPrivateKey', 'oauthClientSecret'] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];

const OUTGOING_FIELDS = ['smtpHost', 'smtpPort', 'smtpSecurity', 'smtpAuthMethod', 'smtpUsername', 'smtpPassword'] as const;
export const INCOMING_FIELDS = [
  'incomingHost',
  'incomingPort',
  'incomingSecurity',
  'incomingAuthMethod',
  'incomingUsername',
  'incomingPassword',
  'incomingFolder',
  'sentFolder',
  'afterFetch',
] as const;
const DKIM_FIELDS = ['dkimDomain', 'dkimSelector', 'dkimPrivateKey'] as const;
/** The OAuth app one server's sides log in with (both sides share one app and one connected account). */
export const OAUTH_FIELDS = [
  'oauthProvider',
  'oauthClientId',
  'oauthClientSecret',
  'oauthTenant',
  'oauthAuthorizeUrl',
  'oauthTokenUrl',
  'oauthScopes',
] as const;
/**
 * Changing any of these clears the connected account's tokens (the account must be connected
 * again), the same rule as passwords and hosts. So does changing the host, port, security or
 * certificate check of a side that logs in with OAuth2: a token never follows a changed host.
 */
export const OAUTH_CONNECTION_FIELDS = ['oauthProvider', 'oauthClientId', 'oauthTenant', 'oauthAuthorizeUrl', 'oauthTokenUrl', 'oauthScopes'] as const;

/** Fields that only make sense for an SMTP server; stored as null on a SendGrid server. */
export const SMTP_ONLY_FIELDS = [...OUTGOING_FIELDS, 'incomingProtocol', ...INCOMING_FIELDS, ...DKIM_FIELDS, ...OAUTH_FIELDS] as const;

/** Every key a client may send, in the form's order. Anything else is rejected. */
export const INPUT_FIELDS = [
  'name',
  'type',
  'senderEmail',
  'senderName',
  'replyTo',
  'apiToken',
  ...OUTGOING_FIELDS,
  'incomingProtocol',
  ...INCOMING_FIELDS,
  'tlsRejectUnauthorized',
  'pollIntervalSeconds',
  'isDefault',
  'enabled',
  'rateLimitPerSecond',
  'maxConnections',
  ...DKIM_FIELDS,
  'webhookPublicKey',
  ...OAUTH_FIELDS,
  'fallbackServer',
  'dailyLimit',
  'hourlyLimit',
] as const;
export type InputField = (typeof INPUT_FIELDS)[number];

export interface EmailServerInput {
  name: string;
  type: ServerType;
  senderEmail: string;
  senderName?: string | null;
  replyTo?: string | null;
  apiToken?: string | null;
  smtpHost?: string | null;
  smtpPort?: number | null;
  smtpSecurity?: SecurityMode | null;
  smtpUsername?: string | null;
  smtpPassword?: string | null;
  incomingProtocol?: IncomingProtocol | null;
  incomingHost?: string | null;
  incomingPort?: number | null;
  incomingSecurity?: SecurityMode | null;
  incomingUsername?: string | null;
  incomingPassword?: string | null;
  incomingFolder?: string | null;
  /**
   * IMAP only: where replies are appended. A name = that folder; '' = not saved; null or absent =
   * the folder with the \Sent special-use flag, else one named "Sent".
   */
  sentFolder?: string | null;
  afterFetch?: AfterFetch | null;
  tlsRejectUnauthorized?: boolean;
  pollIntervalSeconds?: number;
  isDefault?: boolean;
  enabled?: boolean;
  /** Campaign throttle, all Strapi instances together. */
  rateLimitPerSecond?: number;
  maxConnections?: number;
  dkimDomain?: string | null;
  dkimSelector?: string | null;
  /** PEM private key; a secret like the passwords. */
  dkimPrivateKey?: string | null;
  /** SendGrid Event Webhook verification key (public: not a secret). */
  webhookPublicKey?: string | null;
  /** 'password' (default) or 'oauth2' (XOAUTH2 with the connected account), per side. */
  smtpAuthMethod?: AuthMethod | null;
  incomingAuthMethod?: AuthMethod | null;
  /** Required when a side uses oauth2. */
  oauthProvider?: OAuthProvider | null;
  oauthClientId?: string | null;
  /** A secret like the passwords. */
  oauthClientSecret?: string | null;
  /** Microsoft only: the directory (tenant) id or domain; default 'common'. */
  oauthTenant?: string | null;
  /** custom only: the authorization and token endpoints (https) and space-separated scopes. */
  oauthAuthorizeUrl?: string | null;
  oauthTokenUrl?: string | null;
  oauthScopes?: string | null;
  /**
   * documentId of the server that takes the mail when this one cannot (connection refused or
   * timed out, TLS or auth failure, 421/4xx for the session, or a limit reached); null = none.
   */
  fallbackServer?: string | null;
  /** Messages per day / per hour through this server, all Strapi instances together; null = no limit. */
  dailyLimit?: number | null;
  hourlyLimit?: number | null;
}

/**
 * Which secrets the stored server already has. A secret that is absent or "" in an update keeps
 * its stored value, so "required" for a secret means "given now or already stored".
 */
export interface SchemaContext {
  stored?: Partial<Record<SecretField, boolean>>;
  /** The stored server's fields, on an update: a password follows the connection it was entered for. */
  original?: Partial<EmailServerInput> | null;
}

/**
 * The connection a password was entered for. Changing any of these (the host, port, security mode
 * or certificate check) asks for the password again, so a stored password is never sent to a
 * host the person who typed it did not choose.
 */
export const SECRET_CONNECTION_FIELDS = {
  smtpPassword: ['smtpHost', 'smtpPort', 'smtpSecurity', 'tlsRejectUnauthorized'],
  incomingPassword: ['incomingHost', 'incomingPort', 'incomingSecurity', 'tlsRejectUnauthorized'],
} as const;
export type HostBoundSecret = keyof typeof SECRET_CONNECTION_FIELDS;

/** An email server as every route returns it: no secrets, only whether each one is set. */
export interface PublicServer extends Omit<EmailServerInput, SecretField> {
  documentId: string;
  apiTokenSet: boolean;
  smtpPasswordSet: boolean;
  incomingPasswordSet: boolean;
  dkimPrivateKeySet: boolean;
  lastCheckAt: string | null;
  lastCheckOk: boolean | null;
  lastCheckMessage: string | null;
  /** Why polling is paused (repeated login failures); null when it runs. */
  incomingAttention: string | null;
  /** Stored secrets that no longer decrypt (the encryption key changed): enter them again. */
  unreadableSecrets: SecretField[];
  oauthClientSecretSet: boolean;
  /** Whether a refresh token is stored (the account is connected). */
  oauthConnected: boolean;
  /** The connected account ("Connected as user@domain"), null when none. */
  oauthAccount: string | null;
  /** Set when a refresh failed for good (invalid_grant): "Needs attention: reconnect the account". */
  oauthAttention: string | null;
  /** Usage and health, for the list: counted in the database throttle, all instances together. */
  status: ServerStatus;
  createdAt: string;
  updatedAt: string;
}

export interface ServerStatus {
  sentToday: number;
  sentThisHour: number;
  lastSendAt: string | null;
  /** The last failure of a send through this server (a person can act on it); null after a success. */
  lastSendError: string | null;
  lastSendErrorAt: string | null;
  lastPollAt: string | null;
  lastPollOk: boolean | null;
  lastPollMessage: string | null;
  /** Every reason this server needs a person now (unreadable secrets, paused polling, reconnect...). */
  needsAttention: string[];
}

