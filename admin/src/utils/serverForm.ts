import type { EmailServerInput, PublicServer, SchemaContext, ServerType } from '../../../shared/contracts/servers';
import { emailServerSchema } from '../../../shared/validation/servers';

/** The form's state: text inputs hold strings, number inputs numbers or undefined. */
export interface FormValues {
  name: string;
  type: ServerType;
  senderEmail: string;
  senderName: string;
  replyTo: string;
  apiToken: string;
  smtpHost: string;
  smtpPort: number | undefined;
  smtpSecurity: string;
  smtpUsername: string;
  smtpPassword: string;
  incomingProtocol: string;
  incomingHost: string;
  incomingPort: number | undefined;
  incomingSecurity: string;
  incomingUsername: string;
  incomingPassword: string;
  incomingFolder: string;
  afterFetch: string;
  tlsRejectUnauthorized: boolean;
  pollIntervalSeconds: number | undefined;
  isDefault: boolean;
  enabled: boolean;
  rateLimitPerSecond: number | undefined;
  maxConnections: number | undefined;
  dkimDomain: string;
  dkimSelector: string;
  dkimPrivateKey: string;
  webhookPublicKey: string;
}

export type FieldErrors = Partial<Record<keyof FormValues | string, string>>;

export const emptyValues: FormValues = {
  name: '',
  type: 'smtp',
  senderEmail: '',
  senderName: '',
  replyTo: '',
  apiToken: '',
  smtpHost: '',
  smtpPort: 587,
  smtpSecurity: '',
  smtpUsername: '',
  smtpPassword: '',
  incomingProtocol: '',
  incomingHost: '',
  incomingPort: undefined,
  incomingSecurity: '',
  incomingUsername: '',
  incomingPassword: '',
  incomingFolder: 'INBOX',
  afterFetch: 'keep',
  tlsRejectUnauthorized: true,
  pollIntervalSeconds: 60,
  isDefault: false,
  enabled: true,
  rateLimitPerSecond: 50,
  maxConnections: 5,
  dkimDomain: '',
  dkimSelector: '',
  dkimPrivateKey: '',
  webhookPublicKey: '',
};

export const valuesFromServer = (server: PublicServer): FormValues => ({
  ...emptyValues,
  name: server.name,
  type: server.type,
  senderEmail: server.senderEmail ?? '',
  senderName: server.senderName ?? '',
  replyTo: server.replyTo ?? '',
  smtpHost: server.smtpHost ?? '',
  smtpPort: server.smtpPort ?? 587,
  smtpSecurity: server.smtpSecurity ?? '',
  smtpUsername: server.smtpUsername ?? '',
  incomingProtocol: server.incomingProtocol ?? '',
  incomingHost: server.incomingHost ?? '',
  incomingPort: server.incomingPort ?? undefined,
  incomingSecurity: server.incomingSecurity ?? '',
  incomingUsername: server.incomingUsername ?? '',
  incomingFolder: server.incomingFolder ?? 'INBOX',
  afterFetch: server.afterFetch ?? 'keep',
  tlsRejectUnauthorized: server.tlsRejectUnauthorized ?? true,
  pollIntervalSeconds: server.pollIntervalSeconds ?? 60,
  isDefault: Boolean(server.isDefault),
  enabled: server.enabled ?? true,
  rateLimitPerSecond: server.rateLimitPerSecond ?? 50,
  maxConnections: server.maxConnections ?? 5,
  dkimDomain: server.dkimDomain ?? '',
  dkimSelector: server.dkimSelector ?? '',
  webhookPublicKey: server.webhookPublicKey ?? '',
});

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
    Object.assign(payload, {
      smtpHost: values.smtpHost,
      smtpPort: values.smtpPort ?? null,
      smtpSecurity: orNull(values.smtpSecurity),
      smtpUsername: orNull(values.smtpUsername),
      smtpPassword: orUndefined(values.smtpPassword),
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
        incomingUsername: values.incomingUsername,
        incomingPassword: orUndefined(values.incomingPassword),
        incomingFolder: values.incomingProtocol === 'imap' ? orNull(values.incomingFolder) : null,
        pollIntervalSeconds: values.pollIntervalSeconds ?? null,
        afterFetch: values.afterFetch || 'keep',
      });
    }
  }
  for (const key of Object.keys(payload)) if (payload[key] === undefined) delete payload[key];
  return payload as Partial<EmailServerInput>;
};

/** Runs the shared schema in the browser, one message per field. */
export const validateForm = async (values: FormValues, context: SchemaContext): Promise<FieldErrors> => {
  try {
    await emailServerSchema.validate(toPayload(values), { abortEarly: false, context });
    return {};
  } catch (error: any) {
    const errors: FieldErrors = {};
    for (const item of error?.inner?.length ? error.inner : [error]) {
      if (item?.path && !errors[item.path]) errors[item.path] = item.message;
    }
    return errors;
  }
};

/** Field errors from a Strapi error response (`details.errors[].path`). */
export const errorsFromResponse = (error: any): FieldErrors => {
  const list = error?.response?.data?.error?.details?.errors;
  const errors: FieldErrors = {};
  if (Array.isArray(list)) {
    for (const item of list) {
      const path = Array.isArray(item.path) ? item.path[0] : item.path;
      if (path && !errors[path]) errors[path] = item.message;
    }
  }
  return errors;
};
