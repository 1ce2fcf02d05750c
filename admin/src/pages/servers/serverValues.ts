import {
  INPUT_FIELDS,
  SECRET_FIELDS,
  type EmailServerInput,
  type InputField,
  type PublicServer,
  type SchemaContext,
  type ServerType,
} from '../../../../shared/contracts/servers';
import { emailServerSchema } from '../../../../shared/validation/servers';
import { errorsFromSchema, type FieldErrors } from '../../utils/formErrors';

/**
 * The form's state, one entry per input field of the contract: text inputs hold strings (a
 * select's "none" is ''), number inputs numbers or undefined, toggles booleans.
 */
export type FormValues = {
  [K in InputField]: K extends 'type'
    ? ServerType
    : NonNullable<EmailServerInput[K]> extends number
      ? number | undefined
      : NonNullable<EmailServerInput[K]> extends boolean
        ? boolean
        : string;
};

/** Fields whose empty value is not '': each needs its default here (the compiler checks). */
type NonTextField = { [K in InputField]: string extends FormValues[K] ? never : K }[InputField];

const DEFAULTS: Pick<FormValues, NonTextField> & Partial<FormValues> = {
  type: 'smtp',
  smtpPort: 587,
  incomingPort: undefined,
  incomingFolder: 'INBOX',
  afterFetch: 'keep',
  tlsRejectUnauthorized: true,
  pollIntervalSeconds: 60,
  isDefault: false,
  enabled: true,
  rateLimitPerSecond: 50,
  maxConnections: 5,
  smtpAuthMethod: 'password',
  incomingAuthMethod: 'password',
  dailyLimit: undefined,
  hourlyLimit: undefined,
};

export const emptyValues = Object.fromEntries(
  INPUT_FIELDS.map((key) => [key, key in DEFAULTS ? DEFAULTS[key] : ''])
) as FormValues;

const SECRETS: readonly string[] = SECRET_FIELDS;

/**
 * The form's `sentFolder` when saving to the Sent folder is off (stored ''): the form keeps ''
 * for "find it" (stored null). A line break, so no folder name can be it.
 */
export const SENT_FOLDER_OFF = '\n';

/** A stored server in the form: what it has, else the default; secrets are never sent, so ''. */
export const valuesFromServer = (server: PublicServer): FormValues =>
  Object.fromEntries(
    INPUT_FIELDS.map((key) => [
      key,
      SECRETS.includes(key) ? '' : key === 'sentFolder' && server.sentFolder === '' ? SENT_FOLDER_OFF : (server[key as keyof PublicServer] ?? emptyValues[key]),
    ])
  ) as FormValues;

const orNull = (value: string) => (value.trim() === '' ? null : value);
const orUndefined = (value: string) => (value === '' ? undefined : value);

/**
 * The request body for the chosen type only. A secret left empty is left out, which the server
 * reads as "keep the stored one".
 */
export const toPayload = (values: FormValues): Partial<EmailServerInput> => {
  const payload: Record<string, unknown> = {
    name: values.name,
    type: values.type,
    senderEmail: values.senderEmail,
    senderName: orNull(values.senderName),
    replyTo: orNull(values.replyTo),
    isDefault: values.isDefault,
    enabled: values.enabled,
    rateLimitPerSecond: values.rateLimitPerSecond,
    maxConnections: values.maxConnections,
  };
  if (values.type === 'sendgrid') {
    payload.apiToken = orUndefined(values.apiToken);
    payload.webhookPublicKey = orNull(values.webhookPublicKey);
  } else {
    const outgoingOAuth = values.smtpAuthMethod === 'oauth2';
    Object.assign(payload, {
      smtpHost: values.smtpHost,
      smtpPort: values.smtpPort ?? null,
      smtpSecurity: orNull(values.smtpSecurity),
      smtpAuthMethod: values.smtpAuthMethod || 'password',
      smtpUsername: orNull(values.smtpUsername),
      // With OAuth2 the side has no password: a half-typed one is not sent.
      smtpPassword: outgoingOAuth ? undefined : orUndefined(values.smtpPassword),
      tlsRejectUnauthorized: values.tlsRejectUnauthorized,
      incomingProtocol: orNull(values.incomingProtocol),
      dkimDomain: orNull(values.dkimDomain),
      dkimSelector: orNull(values.dkimSelector),
      dkimPrivateKey: orUndefined(values.dkimPrivateKey),
    });
    if (values.incomingProtocol) {
      Object.assign(payload, {
        incomingHost: values.incomingHost,
        incomingPort: values.incomingPort ?? null,
        incomingSecurity: orNull(values.incomingSecurity),
        incomingAuthMethod: values.incomingAuthMethod || 'password',
        incomingUsername: values.incomingAuthMethod === 'oauth2' ? orNull(values.incomingUsername) : values.incomingUsername,
        incomingPassword: values.incomingAuthMethod === 'oauth2' ? undefined : orUndefined(values.incomingPassword),
        incomingFolder: values.incomingProtocol === 'imap' ? orNull(values.incomingFolder) : null,
        sentFolder:
          values.incomingProtocol !== 'imap' ? null : values.sentFolder === SENT_FOLDER_OFF ? '' : orNull(values.sentFolder),
        pollIntervalSeconds: values.pollIntervalSeconds ?? null,
        afterFetch: values.afterFetch || 'keep',
      });
    }
    if (usesOAuthApp(values)) Object.assign(payload, oauthPayload(values));
  }
  for (const key of Object.keys(payload)) if (payload[key] === undefined) delete payload[key];
  return payload as Partial<EmailServerInput>;
};

/** Whether either side logs in with OAuth2, so the form shows (and sends) the OAuth app. */
export const usesOAuthApp = (values: FormValues) =>
  values.type === 'smtp' &&
  (values.smtpAuthMethod === 'oauth2' || (Boolean(values.incomingProtocol) && values.incomingAuthMethod === 'oauth2'));

/** The OAuth app's fields of the chosen provider only: the tenant is Microsoft's, the URLs and scopes custom's. */
const oauthPayload = (values: FormValues) => ({
  oauthProvider: orNull(values.oauthProvider),
  oauthClientId: orNull(values.oauthClientId),
  oauthClientSecret: orUndefined(values.oauthClientSecret),
  oauthTenant: values.oauthProvider === 'microsoft' ? orNull(values.oauthTenant) : null,
  oauthAuthorizeUrl: values.oauthProvider === 'custom' ? orNull(values.oauthAuthorizeUrl) : null,
  oauthTokenUrl: values.oauthProvider === 'custom' ? orNull(values.oauthTokenUrl) : null,
  oauthScopes: values.oauthProvider === 'custom' ? orNull(values.oauthScopes) : null,
});

/** Runs the shared schema in the browser, one message per field. */
export const validateForm = (values: FormValues, context: SchemaContext): Promise<FieldErrors> =>
  errorsFromSchema(emailServerSchema, toPayload(values), context);
