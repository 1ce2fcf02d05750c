import fs from 'node:fs';
import net from 'node:net';
import { pipeline } from 'node:stream/promises';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { describeError } from './describe-error';
import { createBulkSender, type BulkSender, type Envelope } from './smtp-bulk';
import type { Check, Credentials, Endpoint, OutgoingMessage, SendResult } from './types';

export interface DkimConfig {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

/** An XOAUTH2 login: the account, and where its access tokens come from (`renew` after a refusal). */
export interface OAuth2Login {
  user: string;
  getAccessToken: (renew: boolean) => Promise<string>;
}

export interface SmtpConfig extends Endpoint {
  auth?: Credentials | null;
  /** Log in with XOAUTH2 instead of a password. */
  oauth2?: OAuth2Login | null;
  /** Sign every message with this key (nodemailer's DKIM signer). */
  dkim?: DkimConfig | null;
}

export interface PoolOptions {
  maxConnections: number;
  maxMessages: number;
  /** Bounded waits so a dead relay fails a send instead of hanging it. */
  connectionTimeoutMs: number;
  socketTimeoutMs: number;
  /**
   * Resends on a new connection after a drop mid-send. nodemailer's own default (5, unlimited
   * before 10.x) would keep a campaign's claimed rows in flight through many drops while their
   * lease is renewed; the queue retries with its own backoff and attempt count instead.
   */
  maxRequeues?: number;
}

const transportOptions = (config: SmtpConfig, timeouts: { connection: number; socket: number }) => ({
  host: config.host,
  port: config.port,
  secure: config.security === 'tls',
  // STARTTLS is required, not opportunistic: a relay that does not offer it fails the send.
  requireTLS: config.security === 'starttls',
  ignoreTLS: config.security === 'none',
  auth: config.oauth2
    ? { type: 'OAuth2' as const, user: config.oauth2.user }
    : config.auth
      ? { user: config.auth.username, pass: config.auth.password }
      : undefined,
  tls: {
    rejectUnauthorized: config.rejectUnauthorized,
    // SNI needs a hostname; an IP address is not allowed there.
    servername: net.isIP(config.host) ? undefined : config.host,
  },
  dkim: config.dkim ?? undefined,
  connectionTimeout: timeouts.connection,
  greetingTimeout: timeouts.connection,
  socketTimeout: timeouts.socket,
});

/**
 * The token source failed (the account needs reconnecting, the token endpoint is down): its
 * message is already one a person can act on, so describeError passes it through.
 */
export class AccessTokenError extends Error {
  readonly accessTokenProblem = true;
  constructor(message: string) {
    super(message);
    this.name = 'AccessTokenError';
  }
}

/**
 * nodemailer's own XOAUTH2 (with its retry on a refused token, `renew`): it asks this callback
 * for a token on every login instead of refreshing one itself.
 */
export const provisionCallback =
  (login: OAuth2Login) =>
  (_user: string, renew: boolean, callback: (error: Error | null, token?: string) => void) => {
    login.getAccessToken(renew).then(
      (token) => callback(null, token),
      // transientToken survives nodemailer's EAUTH wrapping: the classifier retries it, pausing nothing.
      (error) => callback(Object.assign(new AccessTokenError(String((error as Error)?.message ?? error)), { transientToken: Boolean((error as any)?.transientToken) }))
    );
  };

const provideTokens = (transporter: Transporter<any>, config: SmtpConfig) => {
  if (config.oauth2) transporter.set('oauth2_provision_cb', provisionCallback(config.oauth2));
};

/**
 * The relay refused the access token itself, even after nodemailer renewed it once: not a
 * password to check, but the mailbox's OAuth2 permission (the codes stay, for the queue's rules).
 */
const explainRefusedToken = (error: any, config: SmtpConfig) => {
  if (!config.oauth2 || error?.code !== 'EAUTH' || error?.accessTokenProblem) return error;
  return Object.assign(
    new AccessTokenError(
      `${config.host}:${config.port} refused the OAuth2 login of ${config.oauth2.user} (XOAUTH2): check that this mailbox may log in with OAuth2 (Microsoft 365: SMTP AUTH enabled for it), that the app was granted the mail scope, and the username.`
    ),
    { code: error.code, responseCode: error.responseCode, response: error.response }
  );
};

export interface SmtpTransport {
  send(message: OutgoingMessage): Promise<SendResult>;
  /** A prebuilt message (a campaign's), over the bulk connections (smtp-bulk.ts), signed here when DKIM is on. */
  sendRaw(envelope: Envelope, raw: Buffer): Promise<void>;
  close(): void;
}

/** One pooled nodemailer transport: reuse it for every send to this server. */
export const createSmtpTransport = (config: SmtpConfig, pool: PoolOptions): SmtpTransport => {
  const transporter: Transporter<SMTPPool.SentMessageInfo> = nodemailer.createTransport({
    ...transportOptions(config, { connection: pool.connectionTimeoutMs, socket: pool.socketTimeoutMs }),
    pool: true,
    maxConnections: pool.maxConnections,
    maxMessages: pool.maxMessages,
    maxRequeues: pool.maxRequeues ?? 1,
  } as SMTPPool.Options);
  provideTokens(transporter, config);
  // Opened on the first campaign mail: a server that only sends Strapi's mails never opens it.
  let bulk: BulkSender | null = null;

  return {
    async send(message) {
      try {
        return await sendWith(transporter, message);
      } catch (error) {
        throw explainRefusedToken(error, config);
      }
    },
    async sendRaw(envelope, raw) {
      bulk ??= createBulkSender({
        connection: transportOptions(config, { connection: pool.connectionTimeoutMs, socket: pool.socketTimeoutMs }),
        auth: config.auth,
        oauth2: config.oauth2 ? { user: config.oauth2.user, provision: provisionCallback(config.oauth2) } : null,
        dkim: config.dkim,
        maxConnections: pool.maxConnections,
        maxMessages: pool.maxMessages,
        maxRequeues: pool.maxRequeues ?? 1,
      });
      try {
        await bulk.send(envelope, raw);
      } catch (error) {
        throw explainRefusedToken(error, config);
      }
    },
    close() {
      transporter.close();
      bulk?.close();
    },
  };
};

/** The message as nodemailer and its MailComposer take it; files are read only when allowed. */
const mailOptions = (message: OutgoingMessage) => ({
  from: message.from,
  replyTo: message.replyTo,
  to: message.to,
  cc: message.cc,
  bcc: message.bcc,
  subject: message.subject,
  text: message.text,
  html: message.html,
  attachments: message.attachments,
  headers: message.headers,
  messageId: message.messageId,
  date: message.date,
  disableFileAccess: !message.allowFileAccess,
});

const sendWith = async (transporter: Transporter<SMTPPool.SentMessageInfo>, message: OutgoingMessage): Promise<SendResult> => {
  if (message.composeTo) {
    const envelope = await composeMime(message, message.composeTo);
    // Streamed from the file: a large attachment is never held whole in memory.
    // A stream, not `{ path }`: nodemailer reads a path into one buffer before sending it.
    await transporter.sendMail({ envelope, raw: fs.createReadStream(message.composeTo) });
    return { messageId: message.messageId ?? '' };
  }
  const info = await transporter.sendMail({
    ...mailOptions(message),
    // nodemailer's own guard, under the mailer's check: no file or URL is read unless allowed.
    disableUrlAccess: !message.allowFileAccess,
  });
  return { messageId: info.messageId };
};

/**
 * Writes the message as MIME into `file` (attachments streamed from their paths) and answers its
 * SMTP envelope, Bcc included, though the Bcc header is left out of the file.
 */
export const composeMime = async (message: OutgoingMessage, file: string) => {
  const node = new MailComposer({ ...mailOptions(message), disableUrlAccess: true } as any).compile();
  const envelope = node.getEnvelope() as { from: string; to: string[] };
  await pipeline(node.createReadStream(), fs.createWriteStream(file));
  return envelope;
};

/** Connects, says EHLO, upgrades TLS and logs in, with a throwaway transport. Sends nothing. */
export const verifySmtp = async (config: SmtpConfig, timeoutMs = 10_000): Promise<Check> => {
  const started = Date.now();
  const transporter = nodemailer.createTransport(
    transportOptions(config, { connection: timeoutMs, socket: timeoutMs })
  );
  provideTokens(transporter, config);
  try {
    await transporter.verify();
    return {
      ok: true,
      message: config.auth || config.oauth2 ? `Connected to ${config.host}:${config.port} and logged in.` : `Connected to ${config.host}:${config.port}.`,
      durationMs: Date.now() - started,
    };
  } catch (error) {
    return { ok: false, message: describeError(explainRefusedToken(error, config), config), durationMs: Date.now() - started };
  } finally {
    transporter.close();
  }
};
