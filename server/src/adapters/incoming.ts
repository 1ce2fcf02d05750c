import { ImapFlow } from 'imapflow';
import { describeError } from './describe-error';
import { Pop3Client } from './pop3-client';
import type { Check, Endpoint } from './types';
import { usesToken, type IncomingAuth } from './xoauth2';

export interface IncomingConfig extends Endpoint {
  protocol: 'imap' | 'pop3';
  /** A password, or an OAuth2 access token (then IMAP logs in with OAUTHBEARER or XOAUTH2, POP3 with XOAUTH2). */
  auth: IncomingAuth;
  folder?: string | null;
}

export const imapClient = (config: IncomingConfig, timeoutMs: number) => {
  const client = new ImapFlow({
    host: config.host,
    port: config.port,
    secure: config.security === 'tls',
    // true: STARTTLS required; false: never; the library's default would be opportunistic.
    doSTARTTLS: config.security === 'starttls' ? true : config.security === 'none' ? false : undefined,
    // imapflow does the SASL itself: OAUTHBEARER when offered, else XOAUTH2.
    auth: usesToken(config.auth)
      ? { user: config.auth.username, accessToken: config.auth.accessToken }
      : { user: config.auth.username, pass: config.auth.password },
    tls: { rejectUnauthorized: config.rejectUnauthorized },
    logger: false,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs * 3,
  } as any);
  // imapflow emits 'error' on socket failures; without a listener that would crash the process.
  client.on('error', () => undefined);
  return client;
};

/** Logs in (and for IMAP opens the folder), then logs out. Reads nothing. */
export const verifyIncoming = async (config: IncomingConfig, timeoutMs = 10_000): Promise<Check> => {
  const started = Date.now();
  const done = (ok: boolean, message: string): Check => ({ ok, message, durationMs: Date.now() - started });
  const label = config.protocol.toUpperCase();
  try {
    if (config.protocol === 'imap') {
      const client = imapClient(config, timeoutMs);
      try {
        await client.connect();
        const folder = config.folder || 'INBOX';
        const status = await client.status(folder, { messages: true });
        await client.logout();
        return done(true, `${label}: logged in to ${config.host}:${config.port}; ${folder} has ${status.messages ?? 0} messages.`);
      } finally {
        client.close();
      }
    }
    const client = new Pop3Client(config, timeoutMs);
    try {
      await client.connect(config.auth);
      await client.quit();
      return done(true, `${label}: logged in to ${config.host}:${config.port}.`);
    } finally {
      client.close();
    }
  } catch (error) {
    return done(false, `${label}: ${describeError(error, config)}`);
  }
};
