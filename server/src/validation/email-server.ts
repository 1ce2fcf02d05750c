/**
 * The one validation schema for an email server, used by the admin form (admin/src) and by the
 * server controllers. It only imports yup so that it bundles into the admin panel unchanged.
 *
 * Messages are plain English sentences naming the problem; the admin shows them under the field.
 */
import * as yup from 'yup';

export const SERVER_TYPES = ['smtp', 'sendgrid'] as const;
export const SECURITY_MODES = ['tls', 'starttls', 'none'] as const;
export const INCOMING_PROTOCOLS = ['imap', 'pop3'] as const;
export const AFTER_FETCH = ['keep', 'seen', 'delete'] as const;

export type ServerType = (typeof SERVER_TYPES)[number];
export type SecurityMode = (typeof SECURITY_MODES)[number];
export type IncomingProtocol = (typeof INCOMING_PROTOCOLS)[number];

export const SECRET_FIELDS = ['apiToken', 'smtpPassword', 'incomingPassword', 'dkimPrivateKey'] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];

/** Fields that only make sense for an SMTP server; stored as null on a SendGrid server. */
export const SMTP_ONLY_FIELDS = [
  'smtpHost',
  'smtpPort',
  'smtpSecurity',
  'smtpUsername',
  'smtpPassword',
  'incomingProtocol',
  'incomingHost',
  'incomingPort',
  'incomingSecurity',
  'incomingUsername',
  'incomingPassword',
  'incomingFolder',
  'afterFetch',
  'dkimDomain',
  'dkimSelector',
  'dkimPrivateKey',
] as const;
export const INCOMING_FIELDS = [
  'incomingHost',
  'incomingPort',
  'incomingSecurity',
  'incomingUsername',
  'incomingPassword',
  'incomingFolder',
  'afterFetch',
] as const;
export const SENDGRID_ONLY_FIELDS = ['apiToken', 'webhookPublicKey'] as const;

/** Every key a client may send. Anything else is rejected. */
export const INPUT_FIELDS = [
  'name',
  'type',
  'senderEmail',
  'senderName',
  'replyTo',
  'apiToken',
  'smtpHost',
  'smtpPort',
  'smtpSecurity',
  'smtpUsername',
  'smtpPassword',
  'incomingProtocol',
  'incomingHost',
  'incomingPort',
  'incomingSecurity',
  'incomingUsername',
  'incomingPassword',
  'incomingFolder',
  'afterFetch',
  'tlsRejectUnauthorized',
  'pollIntervalSeconds',
  'isDefault',
  'enabled',
  'rateLimitPerSecond',
  'maxConnections',
  'dkimDomain',
  'dkimSelector',
  'dkimPrivateKey',
  'webhookPublicKey',
] as const;

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
  afterFetch?: (typeof AFTER_FETCH)[number] | null;
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

const CONTROL_CHARS = /[\r\n\0]/;
// Characters that let a value act as a display name, a second address or a header fold.
const ADDRESS_TRICKS = /[\s<>"(),;:\\[\]]/;
// A conservative addr-spec: dot-atom local part, dotted domain with a letter TLD or an IP literal.
const ADDRESS =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const HOST_LABEL = '[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';
const HOSTNAME = new RegExp(`^(?=.{1,253}$)${HOST_LABEL}(\\.${HOST_LABEL})*\\.?$`);
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

export const isValidHost = (value: string) => {
  if (IPV4.test(value)) return true;
  if (value.includes(':')) return IPV6.test(value) && value.split(':').length <= 9;
  // A dotted-quad that is not a valid IPv4 address is not a hostname either.
  if (/^[\d.]+$/.test(value)) return false;
  return HOSTNAME.test(value);
};

export const isValidAddress = (value: string) =>
  value.length <= 254 && !ADDRESS_TRICKS.test(value) && ADDRESS.test(value);

const emptyToNull = (value: unknown, original: unknown) =>
  typeof original === 'string' && original.trim() === '' ? null : value;

const text = (max: number) =>
  yup
    .string()
    .typeError('Must be text.')
    .nullable()
    .trim()
    .transform(emptyToNull)
    .max(max, `Must be at most ${max} characters.`)
    .test('no-control-chars', 'Must not contain line breaks.', (v) => !v || !CONTROL_CHARS.test(v));

const address = () =>
  text(254).test(
    'address',
    'Must be a single email address such as news@example.com, without a display name.',
    (v) => !v || isValidAddress(v)
  );

const host = () =>
  text(253).test(
    'host',
    'Must be a hostname or IP address such as smtp.example.com, without a scheme, port or spaces.',
    (v) => !v || isValidHost(v)
  );

const port = () =>
  yup
    .number()
    .nullable()
    .transform((value, original) =>
      original === '' || original === null || original === undefined ? null : value
    )
    .typeError('Must be a whole number between 1 and 65535.')
    .integer('Must be a whole number between 1 and 65535.')
    .min(1, 'Must be a whole number between 1 and 65535.')
    .max(65535, 'Must be a whole number between 1 and 65535.');

// Secrets are never trimmed: leading or trailing spaces can be part of a password.
const secret = () =>
  yup
    .string()
    .typeError('Must be text.')
    .nullable()
    .max(1024, 'Must be at most 1024 characters.')
    .test('no-control-chars', 'Must not contain line breaks.', (v) => !v || !CONTROL_CHARS.test(v));

const oneOfOrNull = <T extends string>(values: readonly T[], message: string) =>
  yup
    .mixed<T>()
    .nullable()
    .transform(emptyToNull)
    .oneOf([...values, null, undefined] as T[], message);

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

const wholeNumber = (min: number, max: number) =>
  yup
    .number()
    .typeError(`Must be a whole number between ${min} and ${max}.`)
    .integer(`Must be a whole number between ${min} and ${max}.`)
    .min(min, `Must be a whole number between ${min} and ${max}.`)
    .max(max, `Must be a whole number between ${min} and ${max}.`);

const DKIM_SELECTOR = /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$/;

export const REQUIRED = 'This field is required.';

type Parent = Partial<EmailServerInput>;

/** One error per unknown key, on that key, so the response names each of them. */
export const onlyKnownKeys = (fields: readonly string[], what: string) =>
  function (this: yup.TestContext, value: unknown) {
    if (!value || typeof value !== 'object') return true;
    const unknown = Object.keys(value).filter((key) => !fields.includes(key));
    if (unknown.length === 0) return true;
    return new yup.ValidationError(
      unknown.map((key) => this.createError({ path: key, message: `"${key}" is not a field of ${what}.` }))
    );
  };

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
        if (!isSmtp(parent) || value) return true;
        return !(typeof parent.smtpPassword === 'string' && parent.smtpPassword !== '');
      }
    ),
    smtpPassword: secret()
      .test(
        'both-or-neither',
        'Enter the password for this username, or leave both empty.',
        function (this: yup.TestContext) {
          const parent = this.parent as Parent;
          if (!isSmtp(parent) || !parent.smtpUsername) return true;
          return hasSecret('smtpPassword', parent, this);
        }
      )
      .test('follows-host', '', function (this: yup.TestContext) {
        const parent = this.parent as Parent;
        return !isSmtp(parent) || !parent.smtpUsername || followsHost('smtpPassword', parent, this);
      }),
    incomingProtocol: oneOfOrNull(INCOMING_PROTOCOLS, 'Must be IMAP, POP3 or none.'),
    incomingHost: host().test('required-incoming', REQUIRED, requiredWhen(hasIncoming)),
    incomingPort: port().test('required-incoming', REQUIRED, requiredWhen(hasIncoming)),
    incomingSecurity: oneOfOrNull(SECURITY_MODES, 'Must be TLS, STARTTLS or none.'),
    incomingUsername: text(255).test('required-incoming', REQUIRED, requiredWhen(hasIncoming)),
    incomingPassword: secret()
      .test('required-incoming', REQUIRED, function (this: yup.TestContext) {
        const parent = this.parent as Parent;
        return !hasIncoming(parent) || hasSecret('incomingPassword', parent, this);
      })
      .test('follows-host', '', function (this: yup.TestContext) {
        const parent = this.parent as Parent;
        return !hasIncoming(parent) || followsHost('incomingPassword', parent, this);
      }),
    incomingFolder: text(255),
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
  })
  .test('known-fields', '', onlyKnownKeys(INPUT_FIELDS, 'an email server'));

/** Body of "Send test email". */
export const testEmailSchema = yup
  .object({ to: address().required(REQUIRED) })
  .test('known-fields', '', onlyKnownKeys(['to'], 'a test email'));

/** Defaults that depend on other fields (DESIGN.md: tls on 465/993/995, else starttls). */
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
    out.afterFetch = out.afterFetch ?? 'keep';
  }
  return out;
};

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

/** Query of the conversation list. */
export const conversationQuerySchema = yup
  .object({
    server: text(100),
    status: oneOfOrNull(['open', 'closed'] as const, 'Must be open or closed.'),
    q: text(200),
    page: yup.number().typeError('Must be a whole number.').integer('Must be a whole number.').min(1, 'Must be at least 1.').default(1),
    pageSize: yup
      .number()
      .typeError('Must be a whole number.')
      .integer('Must be a whole number.')
      .min(1, 'Must be at least 1.')
      .max(100, 'Must be at most 100.')
      .default(25),
  })
  .test('known-fields', '', onlyKnownKeys(['server', 'status', 'q', 'page', 'pageSize'], 'the conversation list query'));

export const conversationUpdateSchema = yup
  .object({ status: yup.mixed().required(REQUIRED).oneOf(['open', 'closed'], 'Must be open or closed.') })
  .test('known-fields', '', onlyKnownKeys(['status'], 'a conversation'));

/** An agent's reply. Line breaks are fine in a body; the size keeps a paste from going wild. */
export const replySchema = yup
  .object({
    text: yup.string().typeError('Must be text.').trim().required(REQUIRED).max(100_000, 'Must be at most 100000 characters.'),
    html: yup.string().typeError('Must be text.').nullable().max(500_000, 'Must be at most 500000 characters.'),
  })
  .test('known-fields', '', onlyKnownKeys(['text', 'html'], 'a reply'));
