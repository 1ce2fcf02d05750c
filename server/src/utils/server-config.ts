import type { IncomingConfig } from '../adapters/incoming';
import type { SendgridConfig } from '../adapters/sendgrid';
import type { SmtpConfig } from '../adapters/smtp';
import type { PluginConfig } from '../config';
import type { StoredServer } from '../services/servers';

type Decrypt = (value: string | null | undefined) => string | null;

/**
 * A stored server as the adapters' plain config, secrets decrypted. The one place that knows how
 * server fields map onto a connection, for sending, "Test connection" and polling alike.
 */
export const smtpConfigOf = (server: StoredServer, decrypt: Decrypt): SmtpConfig => ({
  host: server.smtpHost!,
  port: server.smtpPort!,
  security: server.smtpSecurity ?? 'starttls',
  rejectUnauthorized: server.tlsRejectUnauthorized !== false,
  auth: server.smtpUsername ? { username: server.smtpUsername, password: decrypt(server.smtpPassword) ?? '' } : null,
  dkim:
    server.dkimDomain && server.dkimSelector && server.dkimPrivateKey
      ? { domainName: server.dkimDomain, keySelector: server.dkimSelector, privateKey: decrypt(server.dkimPrivateKey) ?? '' }
      : null,
});

export const incomingConfigOf = (server: StoredServer, decrypt: Decrypt): IncomingConfig => ({
  protocol: server.incomingProtocol!,
  host: server.incomingHost!,
  port: server.incomingPort!,
  security: server.incomingSecurity ?? 'starttls',
  rejectUnauthorized: server.tlsRejectUnauthorized !== false,
  auth: { username: server.incomingUsername!, password: decrypt(server.incomingPassword) ?? '' },
  folder: server.incomingFolder,
});

export const sendgridConfigOf = (
  server: StoredServer,
  decrypt: Decrypt,
  config: PluginConfig['sendgrid'],
  timeoutMs = config.timeoutMs
): SendgridConfig => ({ apiToken: decrypt(server.apiToken) ?? '', apiBaseUrl: config.apiBaseUrl, timeoutMs });
