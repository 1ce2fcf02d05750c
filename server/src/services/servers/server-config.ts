import { errors } from '@strapi/utils';
import type { IncomingConfig } from '../../adapters/incoming';
import type { SendgridConfig } from '../../adapters/sendgrid';
import type { SmtpConfig } from '../../adapters/smtp';
import type { PluginConfig } from '../../config';
import type { OAuthAccess } from './oauth';
import type { StoredServer } from './servers';
import type { SecretField } from '../../../../shared/contracts/servers';

type Decrypt = (value: string | null | undefined) => string | null;

const SECRET_LABELS: Record<SecretField, string> = {
  smtpPassword: 'SMTP password',
  incomingPassword: 'incoming mail password',
  apiToken: 'SendGrid API token',
  dkimPrivateKey: 'DKIM private key',
  oauthClientSecret: 'OAuth client secret',
};

export const unreadableSecretMessage = (server: Pick<StoredServer, 'name'>, field: SecretField) =>
  `Needs attention: re-enter the ${SECRET_LABELS[field]} of "${server.name}". The stored one cannot be read (the encryption key changed).`;

/**
 * A stored secret that does not decrypt any more (the key changed). It is never used as an empty
 * password: nothing connects until a person enters it again.
 */
export class UnreadableSecretError extends errors.ApplicationError {
  constructor(
    readonly server: Pick<StoredServer, 'name'>,
    readonly field: SecretField
  ) {
    super(unreadableSecretMessage(server, field));
  }
}

const secretOf = (server: StoredServer, field: SecretField, decrypt: Decrypt): string => {
  if (!server[field]) return '';
  const value = decrypt(server[field]);
  if (value === null) throw new UnreadableSecretError(server, field);
  return value;
};

/**
 * A stored server as the adapters' plain config, secrets decrypted. The one place that knows how
 * server fields map onto a connection, for sending, "Test connection" and polling alike.
 */
/** Access tokens of the connected account, for a side that logs in with OAuth2 (`renew` after a refusal). */
export type TokenSource = (renew: boolean) => Promise<string>;

export const smtpConfigOf = (server: StoredServer, decrypt: Decrypt, tokens?: TokenSource): SmtpConfig => ({
  host: server.smtpHost!,
  port: server.smtpPort!,
  security: server.smtpSecurity ?? 'starttls',
  rejectUnauthorized: server.tlsRejectUnauthorized !== false,
  // XOAUTH2 logs in as the username when one is given, else as the connected account.
  oauth2: server.smtpAuthMethod === 'oauth2' && tokens ? { user: server.smtpUsername || server.oauthAccount || '', getAccessToken: tokens } : null,
  auth: server.smtpAuthMethod !== 'oauth2' && server.smtpUsername ? { username: server.smtpUsername, password: secretOf(server, 'smtpPassword', decrypt) } : null,
  dkim:
    server.dkimDomain && server.dkimSelector && server.dkimPrivateKey
      ? { domainName: server.dkimDomain, keySelector: server.dkimSelector, privateKey: secretOf(server, 'dkimPrivateKey', decrypt) }
      : null,
});

/**
 * `access`: for a side that logs in with OAuth2, the connected account's token (see
 * services/inbox/incoming-login.ts); the login is the username when one is given, else the account.
 */
export const incomingConfigOf = (server: StoredServer, decrypt: Decrypt, access?: Pick<OAuthAccess, 'user' | 'accessToken'>): IncomingConfig => ({
  protocol: server.incomingProtocol!,
  host: server.incomingHost!,
  port: server.incomingPort!,
  security: server.incomingSecurity ?? 'starttls',
  rejectUnauthorized: server.tlsRejectUnauthorized !== false,
  auth: access
    ? { username: server.incomingUsername || access.user, accessToken: access.accessToken }
    : { username: server.incomingUsername!, password: secretOf(server, 'incomingPassword', decrypt) },
  folder: server.incomingFolder,
});

export const sendgridConfigOf = (
  server: StoredServer,
  decrypt: Decrypt,
  config: PluginConfig['sendgrid'],
  timeoutMs = config.timeoutMs
): SendgridConfig => ({ apiToken: secretOf(server, 'apiToken', decrypt), apiBaseUrl: config.apiBaseUrl, timeoutMs });
