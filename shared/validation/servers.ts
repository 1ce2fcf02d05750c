/**
 * The one validation schema for an email server, used by the admin form and by the server's
 * controllers. Messages are plain English sentences naming the problem; the admin shows them
 * under the field.
 */
import * as yup from 'yup';
import {
  AFTER_FETCH,
  AUTH_METHODS,
  OAUTH_CONNECTION_FIELDS,
  OAUTH_FIELDS,
  OAUTH_PROVIDERS,
  INCOMING_FIELDS,
  INCOMING_PROTOCOLS,
  INPUT_FIELDS,
  SECRET_CONNECTION_FIELDS,
  SECURITY_MODES,
  SERVER_TYPES,
  SMTP_ONLY_FIELDS,
  type EmailServerInput,
  type HostBoundSecret,
  type SchemaContext,
  type SecretField,
  type SecurityMode,
  type ServerType,
} from '../contracts/servers';
import { CONTROL_CHARS, REQUIRED, address, emptyToNull, host, onlyKnownKeys, oneOfOrNull, port, secret, text, wholeNumber } from './fields';

const CONNECTION_WORDS: Record<string, string> = {
  smtpHost: 'host',
  incomingHost: 'host',
  smtpPort: 'port',
  incomingPort: 'port',
  smtpSecurity: 'security mode',
  incomingSecurity: 'security mode',
  tlsRejectUnauthorized: 'certificate check',
};

/** A field's value as the connection uses it: defaults applied, hostnames compared as DNS does. */
const effectiveValue = (field: string, server: Partial<EmailServerInput>): unknown => {
  if (field === 'smtpHost' || field === 'incomingHost') return String(server[field] ?? '').trim().toLowerCase().replace(/\.$/, '');
  if (field === 'smtpSecurity') return server.smtpSecurity || defaultSmtpSecurity(server.smtpPort);
  if (field === 'incomingSecurity') return server.incomingSecurity || defaultIncomingSecurity(server.incomingPort);
  if (field === 'tlsRejectUnauthorized') return server.tlsRejectUnauthorized !== false;
  return server[field as keyof EmailServerInput] ?? null;
};

/** Whether a stored secret was entered for a connection of its side at all. */
const sideExisted = (secret: HostBoundSecret, original: Partial<EmailServerInput>) =>
  original.type === 'smtp' && (secret === 'smtpPassword' ? Boolean(original.smtpHost) : Boolean(original.incomingProtocol));

/**
 * What changed in the connection `secret` was entered for ("host", "port", ...), or null.
 * Used by the schema (so the admin form asks at once) and again by the service before it writes.
 */
export const connectionChange = (
  secret: HostBoundSecret,
  next: Partial<EmailServerInput>,
  original?: Partial<EmailServerInput> | null
): string | null => {
  if (!original || !sideExisted(secret, original)) return null;
  for (const field of SECRET_CONNECTION_FIELDS[secret]) {
    // Turning certificate verification on can only keep a password safer: that one does not ask.
    if (field === 'tlsRejectUnauthorized' && effectiveValue(field, next) === true) continue;
    if (effectiveValue(field, next) !== effectiveValue(field, original)) return CONNECTION_WORDS[field];
  }
  return null;
};

export const reenterPasswordMessage = (change: string) => `Re-enter the password: the server's ${change} changed.`;

const OAUTH_WORDS: Record<(typeof OAUTH_CONNECTION_FIELDS)[number], string> = {
  oauthProvider: 'provider',
  oauthClientId: 'client id',
  oauthTenant: 'tenant',
  oauthAuthorizeUrl: 'authorization URL',
  oauthTokenUrl: 'token URL',
  oauthScopes: 'scopes',
};

/** An OAuth field as the provider sees it: the tenant only for Microsoft (default common), URLs and scopes only for custom. */
const effectiveOAuthValue = (field: (typeof OAUTH_CONNECTION_FIELDS)[number], server: Partial<EmailServerInput>): unknown => {
  const provider = server.oauthProvider ?? null;
  if (field === 'oauthProvider') return provider;
  if (field === 'oauthClientId') return String(server.oauthClientId ?? '').trim();
  if (field === 'oauthTenant') return provider === 'microsoft' ? String(server.oauthTenant || 'common').trim().toLowerCase() : null;
  if (provider !== 'custom') return null;
  if (field === 'oauthScopes') return String(server.oauthScopes ?? '').trim().split(/\s+/).join(' ');
  return String(server[field] ?? '').trim();
};

/**
 * Why the stored tokens of a connected account no longer apply after this edit, or null: the OAuth
 * app or endpoints changed, a side's login method changed (the scopes follow the sides), or the
 * host, port, security or certificate check of a side that logs in with OAuth2 changed (a token
 * never follows a changed host). Used by the service, for every caller, before it writes.
 */
export const oauthConnectionChange = (next: Partial<EmailServerInput>, original?: Partial<EmailServerInput> | null): string | null => {
  if (!original || !anyOAuth(original)) return null;
  if (!anyOAuth(next)) return 'login method';
  for (const field of OAUTH_CONNECTION_FIELDS) {
    if (effectiveOAuthValue(field, next) !== effectiveOAuthValue(field, original)) return OAUTH_WORDS[field];
  }
  for (const [side, secret] of [['outgoing', 'smtpPassword'], ['incoming', 'incomingPassword']] as const) {
    if (usesOAuth(next, side) !== usesOAuth(original, side)) return 'login method';
    if (!usesOAuth(next, side)) continue;
    if (side === 'incoming' && next.incomingProtocol !== original.incomingProtocol) return 'incoming protocol';
    for (const field of SECRET_CONNECTION_FIELDS[secret]) {
      if (field === 'tlsRejectUnauthorized' && effectiveValue(field, next) === true) continue;
      if (effectiveValue(field, next) !== effectiveValue(field, original)) return CONNECTION_WORDS[field];
    }
  }
  return null;
};

/**
 * What changed of the token endpoint a stored client secret was entered for, or null. A client
 * secret follows its endpoint as a password follows its host: it is never sent to a token URL
 * the person who typed it did not choose.
 */
export const clientSecretChange = (next: Partial<EmailServerInput>, original?: Partial<EmailServerInput> | null): string | null => {
  if (!original || !anyOAuth(original)) return null;
  // The authorize URL too: pointed elsewhere, a phishing page would collect the consent and hand back
  // its own code against this Connect's state and PKCE challenge.
  for (const field of ['oauthProvider', 'oauthTenant', 'oauthAuthorizeUrl', 'oauthTokenUrl', 'oauthClientId'] as const) {
    if (effectiveOAuthValue(field, next) !== effectiveOAuthValue(field, original)) return OAUTH_WORDS[field];
  }
  return null;
};

export const reenterClientSecretMessage = (change: string) => `Re-enter the client secret: the OAuth ${change} changed.`;

// A PEM block spans lines, so it cannot use secret()'s no-line-break rule.
const PEM_PRIVATE_KEY = /^-----BEGIN (RSA |EC )?PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END (RSA |EC )?PRIVATE KEY-----\s*$/;
const pemSecret = () =>
  yup
    .string()
    .typeError('Must be text.')
    .nullable()
    .max(16_384, 'Must be at most 16384 characters.')
    .test('pem', 'Must be a PEM private key (-----BEGIN PRIVATE KEY----- ...).', (v) => !v || PEM_PRIVATE_KEY.test(v.trim()));

// SendGrid shows the key as one base64 line; a PEM public key is taken too.
const PUBLIC_KEY = /^(-----BEGIN PUBLIC KEY-----\s+[A-Za-z0-9+/=\s]+-----END PUBLIC KEY-----|[A-Za-z0-9+/]{40,}={0,2})\s*$/;

const DKIM_SELECTOR = /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$/;

type Parent = Partial<EmailServerInput>;

const hasSecret = (field: SecretField, parent: Parent, ctx: yup.TestContext) => {
  const context = ctx.options.context as SchemaContext | undefined;
  const given = parent[field];
  return (typeof given === 'string' && given !== '') || Boolean(context?.stored?.[field]);
};

/** A stored password whose connection changed must be given again in the same request. */
function followsHost(field: HostBoundSecret, parent: Parent, ctx: yup.TestContext): true | yup.ValidationError {
  const context = ctx.options.context as SchemaContext | undefined;
  const given = parent[field];
  if ((typeof given === 'string' && given !== '') || !context?.stored?.[field]) return true;
  const change = connectionChange(field, parent, context.original);
  return change ? ctx.createError({ message: reenterPasswordMessage(change) }) : true;
}

const isSmtp = (parent: Parent) => parent.type === 'smtp';
/** Whether this side logs in with XOAUTH2 (then it has no password). */
export const usesOAuth = (parent: Parent, side: 'outgoing' | 'incoming') =>
  isSmtp(parent) && (side === 'outgoing' ? parent.smtpAuthMethod === 'oauth2' : Boolean(parent.incomingProtocol) && parent.incomingAuthMethod === 'oauth2');
export const anyOAuth = (parent: Parent) => usesOAuth(parent, 'outgoing') || usesOAuth(parent, 'incoming');
// An https URL without credentials; http only for loopback, so tests can run a local provider.
const OAUTH_URL = /^(https:\/\/[^\s/@]+|http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?)(\/[^\s]*)?$/;
const oauthUrl = () =>
  text(2048).test('url', 'Must be an https:// URL.', (v) => !v || OAUTH_URL.test(v));
const limit = () =>
  yup
    .number()
    .nullable()
    .transform((value, original) => (original === '' || original === null || original === undefined ? null : value))
    .typeError('Must be a whole number of messages, or empty for no limit.')
    .integer('Must be a whole number of messages, or empty for no limit.')
    .min(1, 'Must be at least 1, or empty for no limit.')
    .max(10_000_000, 'Must be at most 10000000.');
/**
 * DKIM is all three fields or none. Clearing domain and selector turns it off, so only a key
 * given now (not a stored one) asks for the other two.
 */
const wantsDkim = (parent: Parent) =>
  isSmtp(parent) && Boolean(parent.dkimDomain || parent.dkimSelector || (typeof parent.dkimPrivateKey === 'string' && parent.dkimPrivateKey !== ''));
const hasIncoming = (parent: Parent) => isSmtp(parent) && Boolean(parent.incomingProtocol);

/** A field that is required only when `when(parent)` holds. */
const requiredWhen =
  (when: (parent: Parent) => boolean) => (value: unknown, ctx: yup.TestContext) =>
    !when(ctx.parent as Parent) || (value !== null && value !== undefined && value !== '');

export const emailServerSchema = yup
  .object({
    name: text(100).required(REQUIRED),
    type: yup
      .mixed<ServerType>()
      .required(REQUIRED)
      .oneOf([...SERVER_TYPES], 'Must be SMTP or SendGrid.'),
    senderEmail: address().required(REQUIRED),
    senderName: text(100),
    replyTo: address(),
    apiToken: secret().test('required-sendgrid', REQUIRED, function (this: yup.TestContext) {
      const parent = this.parent as Parent;
      return parent.type !== 'sendgrid' || hasSecret('apiToken', parent, this);
    }),
    smtpHost: host().test('required-smtp', REQUIRED, requiredWhen(isSmtp)),
    smtpPort: port().test('required-smtp', REQUIRED, requiredWhen(isSmtp)),
    smtpSecurity: oneOfOrNull(SECURITY_MODES, 'Must be TLS, STARTTLS or none.'),
    smtpUsername: text(255).test(
      'both-or-neither',
      'Enter a username for this password, or leave both empty.',
      function (this: yup.TestContext, value) {
        const parent = this.parent as Parent;
        if (!isSmtp(parent) || value || usesOAuth(parent, 'outgoing')) return true;
        return !(typeof parent.smtpPassword === 'string' && parent.smtpPassword !== '');
      }
    ),
    smtpPassword: secret()
      .test(
        'both-or-neither',
        'Enter the password for this username, or leave both empty.',
        function (this: yup.TestContext) {
          const parent = this.parent as Parent;
          if (!isSmtp(parent) || !parent.smtpUsername || usesOAuth(parent, 'outgoing')) return true;
          return hasSecret('smtpPassword', parent, this);
        }
      )
      .test('follows-host', '', function (this: yup.TestContext) {
        const parent = this.parent as Parent;
        return !isSmtp(parent) || !parent.smtpUsername || usesOAuth(parent, 'outgoing') || followsHost('smtpPassword', parent, this);
      }),
    incomingProtocol: oneOfOrNull(INCOMING_PROTOCOLS, 'Must be IMAP, POP3 or none.'),
    incomingHost: host().test('required-incoming', REQUIRED, requiredWhen(hasIncoming)),
    incomingPort: port().test('required-incoming', REQUIRED, requiredWhen(hasIncoming)),
    incomingSecurity: oneOfOrNull(SECURITY_MODES, 'Must be TLS, STARTTLS or none.'),
    incomingUsername: text(255).test('required-incoming', REQUIRED, requiredWhen((p) => hasIncoming(p) && !usesOAuth(p, 'incoming'))),
    incomingPassword: secret()
      .test('required-incoming', REQUIRED, function (this: yup.TestContext) {
        const parent = this.parent as Parent;
        return !hasIncoming(parent) || usesOAuth(parent, 'incoming') || hasSecret('incomingPassword', parent, this);
      })
      .test('follows-host', '', function (this: yup.TestContext) {
        const parent = this.parent as Parent;
        return !hasIncoming(parent) || usesOAuth(parent, 'incoming') || followsHost('incomingPassword', parent, this);
      }),
    incomingFolder: text(255),
    // Not `text()`: that turns '' into null, and here '' means "do not save" and null "find it".
    sentFolder: yup
      .string()
      .typeError('Must be text.')
      .nullable()
      .trim()
      .max(255, 'Must be at most 255 characters.')
      .test('no-control-chars', 'Must not contain line breaks.', (v) => !v || !CONTROL_CHARS.test(v)),
    afterFetch: oneOfOrNull(AFTER_FETCH, 'Must be keep, seen or delete.').test(
      'pop3-seen',
      'POP3 has no "seen" flag: choose keep or delete.',
      function (this: yup.TestContext, value) {
        return !(value === 'seen' && (this.parent as Parent).incomingProtocol === 'pop3');
      }
    ),
    tlsRejectUnauthorized: yup.boolean().typeError('Must be true or false.'),
    pollIntervalSeconds: yup
      .number()
      .typeError('Must be a whole number of seconds.')
      .integer('Must be a whole number of seconds.')
      .min(10, 'Must be at least 10 seconds.')
      .max(86400, 'Must be at most 86400 seconds (one day).'),
    isDefault: yup.boolean().typeError('Must be true or false.'),
    enabled: yup.boolean().typeError('Must be true or false.'),
    rateLimitPerSecond: wholeNumber(1, 100_000),
    maxConnections: wholeNumber(1, 50),
    dkimDomain: host().test('dkim-all', 'DKIM needs a domain, a selector and a private key.', function (this: yup.TestContext, value) {
      return !wantsDkim(this.parent as Parent) || Boolean(value);
    }),
    dkimSelector: text(253)
      .test('selector', 'Must be a DNS label such as "mail" or "s1.2026".', (v) => !v || DKIM_SELECTOR.test(v))
      .test('dkim-all', 'DKIM needs a domain, a selector and a private key.', function (this: yup.TestContext, value) {
        return !wantsDkim(this.parent as Parent) || Boolean(value);
      }),
    dkimPrivateKey: pemSecret().test('dkim-all', 'DKIM needs a domain, a selector and a private key.', function (this: yup.TestContext) {
      const parent = this.parent as Parent;
      return !wantsDkim(parent) || hasSecret('dkimPrivateKey', parent, this);
    }),
    webhookPublicKey: yup
      .string()
      .typeError('Must be text.')
      .nullable()
      .trim()
      .transform(emptyToNull)
      .max(4096, 'Must be at most 4096 characters.')
      .test('public-key', 'Must be the verification key SendGrid shows (base64) or a PEM public key.', (v) => !v || PUBLIC_KEY.test(v)),
    smtpAuthMethod: oneOfOrNull(AUTH_METHODS, 'Must be password or OAuth2.'),
    incomingAuthMethod: oneOfOrNull(AUTH_METHODS, 'Must be password or OAuth2.'),
    oauthProvider: oneOfOrNull(OAUTH_PROVIDERS, 'Must be Google, Microsoft or custom.').test('required-oauth', REQUIRED, requiredWhen(anyOAuth)),
    oauthClientId: text(512).test('required-oauth', REQUIRED, requiredWhen(anyOAuth)),
    oauthClientSecret: secret()
      .test('required-oauth', REQUIRED, function (this: yup.TestContext) {
        const parent = this.parent as Parent;
        return !anyOAuth(parent) || hasSecret('oauthClientSecret', parent, this);
      })
      .test('follows-endpoint', '', function (this: yup.TestContext) {
        const parent = this.parent as Parent;
        const context = this.options.context as SchemaContext | undefined;
        const given = parent.oauthClientSecret;
        if (!anyOAuth(parent) || (typeof given === 'string' && given !== '') || !context?.stored?.oauthClientSecret) return true;
        const change = clientSecretChange(parent, context.original);
        return change ? this.createError({ message: reenterClientSecretMessage(change) }) : true;
      }),
    oauthTenant: text(255).test('tenant', 'Must be a tenant id or domain such as contoso.onmicrosoft.com, or "common".', (v) => !v || /^[A-Za-z0-9._-]+$/.test(v)),
    oauthAuthorizeUrl: oauthUrl().test('required-custom', REQUIRED, requiredWhen((p) => anyOAuth(p) && p.oauthProvider === 'custom')),
    oauthTokenUrl: oauthUrl().test('required-custom', REQUIRED, requiredWhen((p) => anyOAuth(p) && p.oauthProvider === 'custom')),
    oauthScopes: text(2048).test('required-custom', REQUIRED, requiredWhen((p) => anyOAuth(p) && p.oauthProvider === 'custom')),
    fallbackServer: text(64),
    dailyLimit: limit(),
    hourlyLimit: limit(),
  })
  .test('known-fields', '', onlyKnownKeys(INPUT_FIELDS, 'an email server'));

/** Body of "Send test email". */
export const testEmailSchema = yup
  .object({ to: address().required(REQUIRED) })
  .test('known-fields', '', onlyKnownKeys(['to'], 'a test email'));

/** Defaults that depend on other fields: TLS on the implicit-TLS ports 465, 993 and 995, else STARTTLS. */
export const defaultSmtpSecurity = (port?: number | null): SecurityMode =>
  port === 465 ? 'tls' : 'starttls';
export const defaultIncomingSecurity = (port?: number | null): SecurityMode =>
  port === 993 || port === 995 ? 'tls' : 'starttls';

/**
 * Turns a validated input into the values to store: the other type's fields become null,
 * dependent defaults are filled in. Secrets are left as given (the service decides whether an
 * empty secret keeps the stored value).
 */
export const normalizeServerInput = (input: EmailServerInput): EmailServerInput => {
  const out: EmailServerInput = { ...input };
  if (out.type === 'sendgrid') {
    for (const field of SMTP_ONLY_FIELDS) (out as any)[field] = null;
    return out;
  }
  out.apiToken = null;
  out.webhookPublicKey = null;
  out.smtpAuthMethod = out.smtpAuthMethod || 'password';
  out.incomingAuthMethod = out.incomingProtocol ? out.incomingAuthMethod || 'password' : null;
  if (out.smtpAuthMethod === 'oauth2') out.smtpPassword = null;
  if (out.incomingAuthMethod === 'oauth2') out.incomingPassword = null;
  if (out.smtpAuthMethod !== 'oauth2' && out.incomingAuthMethod !== 'oauth2') {
    for (const field of OAUTH_FIELDS) (out as any)[field] = null;
  } else {
    if (out.oauthProvider === 'microsoft') out.oauthTenant = out.oauthTenant || 'common';
    else out.oauthTenant = null;
    if (out.oauthProvider !== 'custom') {
      out.oauthAuthorizeUrl = null;
      out.oauthTokenUrl = null;
      out.oauthScopes = null;
    }
  }
  if (!out.dkimDomain && !out.dkimSelector) {
    out.dkimDomain = null;
    out.dkimSelector = null;
    out.dkimPrivateKey = null;
  }
  out.smtpSecurity = out.smtpSecurity ?? defaultSmtpSecurity(out.smtpPort);
  if (!out.smtpUsername) {
    out.smtpUsername = null;
    out.smtpPassword = null;
  }
  if (!out.incomingProtocol) {
    out.incomingProtocol = null;
    for (const field of INCOMING_FIELDS) (out as any)[field] = null;
  } else {
    out.incomingSecurity = out.incomingSecurity ?? defaultIncomingSecurity(out.incomingPort);
    out.incomingFolder = out.incomingProtocol === 'imap' ? out.incomingFolder || 'INBOX' : null;
    out.sentFolder = out.incomingProtocol === 'imap' ? out.sentFolder ?? null : null;
    out.afterFetch = out.afterFetch ?? 'keep';
  }
  return out;
};

