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

export const SECRET_FIELDS = ['apiToken', 'smtpPassword', 'incomingPassword', 'dkimPrivateKey'] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];

const OUTGOING_FIELDS = ['smtpHost', 'smtpPort', 'smtpSecurity', 'smtpUsername', 'smtpPassword'] as const;
export const INCOMING_FIELDS = [
  'incomingHost',
  'incomingPort',
  'incomingSecurity',
  'incomingUsername',
  'incomingPassword',
  'incomingFolder',
  'sentFolder',
  'afterFetch',
] as const;
const DKIM_FIELDS = ['dkimDomain', 'dkimSelector', 'dkimPrivateKey'] as const;

/** Fields that only make sense for an SMTP server; stored as null on a SendGrid server. */
export const SMTP_ONLY_FIELDS = [...OUTGOING_FIELDS, 'incomingProtocol', ...INCOMING_FIELDS, ...DKIM_FIELDS] as const;

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
  createdAt: string;
  updatedAt: string;
}

