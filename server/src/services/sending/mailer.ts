import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { describeError, scrub } from '../../adapters/describe-error';
import { describeSendgridError } from '../../adapters/sendgrid';
import { classifySendgridFailure, classifySmtpFailure } from '../../adapters/classify-failure';
import { limitMessage } from '../campaigns/limit-windows';
import { nextFallback } from './fallback-chain';
import type { Address, Attachment, OutgoingMessage } from '../../adapters/types';
import { getService, pluginConfig } from '../../utils';
import type { StoredServer } from '../servers/servers';

export interface MailerSendOptions {
  /** A server's name or documentId; the default server when absent. */
  server?: string;
  to: string | string[];
  cc?: string | string[];
  bcc?: string | string[];
  subject: string;
  text?: string;
  html?: string;
  attachments?: Attachment[];
  headers?: Record<string, string>;
  replyTo?: string;
  /** Overrides the server's sender; most relays only accept their own sender addresses. */
  from?: string | Address;
  /** SendGrid categories (ignored over SMTP). */
  categories?: string[];
  /** A Message-ID of your own, e.g. to thread later replies; generated when absent. */
  messageId?: string;
  /**
   * Lets attachments name a file on this machine (`path`) or a URL (`href`) to read. Off unless
   * code turns it on: a caller passing on someone else's input must not make Strapi read its own
   * disk or network for them.
   */
  allowFileAccess?: boolean;
  /** The Date header; now when absent. */
  date?: Date;
  /**
   * SMTP servers: the message is written to this file as MIME and sent from it, so the caller
   * has the very bytes that went out (the inbox appends them to the Sent folder).
   */
  composeTo?: string;
}

export interface MailerResult {
  messageId: string;
  /** The name of the server that took the mail: the one asked for, or a fallback. */
  server: string;
}

/** A send that failed on one server, and whether its fallback may take the mail instead. */
class ServerFailure extends Error {
  constructor(message: string, readonly failsOver: boolean) {
    super(message);
  }
}

const LINE_BREAK = /[\r\n]/;
const list = (value?: string | string[]) =>
  (Array.isArray(value) ? value : value ? [value] : []).map((v) => String(v).trim()).filter(Boolean);

/** "Name <a@b>" or "a@b" into an address object. */
export const parseAddress = (value: string | Address): Address => {
  if (typeof value !== 'string') return value;
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(value);
  return match ? { name: match[1] || undefined, address: match[2].trim() } : { address: value.trim() };
};

const fail = (message: string) => new errors.ApplicationError(message);

const checkOptions = (options: MailerSendOptions) => {
  if (!options || typeof options !== 'object') throw fail('mailer.send needs an options object.');
  if (list(options.to).length + list(options.cc).length + list(options.bcc).length === 0) {
    throw fail('mailer.send needs at least one recipient in to, cc or bcc.');
  }
  if (typeof options.subject !== 'string') throw fail('mailer.send needs a subject.');
  if (LINE_BREAK.test(options.subject)) throw fail('The subject must not contain line breaks.');
  if (!options.text && !options.html) throw fail('mailer.send needs a text or an html body.');
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (LINE_BREAK.test(name) || LINE_BREAK.test(String(value))) {
      throw fail(`The header "${name}" must not contain line breaks.`);
    }
  }
  if (!options.allowFileAccess) {
    for (const [index, attachment] of (options.attachments ?? []).entries()) {
      const named = attachment as { path?: unknown; href?: unknown };
      if (named.path !== undefined || named.href !== undefined) {
        throw fail(
          `Attachment ${index + 1} names a file or URL to read (path/href): pass its content instead, or allowFileAccess: true from code you trust.`
        );
      }
    }
  }
  for (const address of [...list(options.to), ...list(options.cc), ...list(options.bcc), options.replyTo ?? '']) {
    if (LINE_BREAK.test(address)) throw fail('Addresses must not contain line breaks.');
  }
};

const mailerService = ({ strapi }: { strapi: Core.Strapi }) => {
  const servers = () => getService(strapi, 'servers');
  const throttle = () => getService(strapi, 'throttle');

  const service = {
    /** The default enabled server, or null when there is none (Strapi's provider applies then). */
    findDefault: (): Promise<StoredServer | null> => servers().findDefaultCached(),

    /** A server by documentId or name (any case), the default when `ref` is absent. */
    async resolveServer(ref?: string): Promise<StoredServer> {
      if (!ref) {
        const server = await service.findDefault();
        if (!server) {
          throw fail('No default email server is enabled: mark one as default in Settings → Email servers.');
        }
        return server;
      }
      const server = await servers().findByRefCached(ref);
      if (!server) throw fail(`No email server is named "${ref}".`);
      if (!server.enabled) throw fail(`The email server "${server.name}" is disabled.`);
      return server;
    },

    /** Sends one message through exactly this server, with its sender and reply-to unless given. */
    async sendOnce(server: StoredServer, options: MailerSendOptions): Promise<{ messageId: string }> {
      const message: OutgoingMessage = {
        from: options.from
          ? parseAddress(options.from)
          : { address: server.senderEmail, name: server.senderName || undefined },
        replyTo: options.replyTo || server.replyTo || undefined,
        to: list(options.to),
        cc: list(options.cc),
        bcc: list(options.bcc),
        subject: options.subject,
        text: options.text,
        html: options.html,
        attachments: options.attachments,
        headers: options.headers,
        categories: options.categories,
        messageId: options.messageId,
        allowFileAccess: options.allowFileAccess === true,
        date: options.date,
        composeTo: options.composeTo,
      };
      const problem = await servers().refusedHost(server, 'outgoing');
      if (problem) throw new ServerFailure(`Sending through "${server.name}" is not possible: ${problem}`, true);
      let built;
      try {
        built = getService(strapi, 'transports').get(server);
      } catch (error) {
        // A secret that no longer decrypts: this server cannot send until a person fixes it.
        throw new ServerFailure(String((error as Error)?.message ?? error), true);
      }
      const { transport, secrets } = built;
      try {
        return { messageId: (await transport.send(message)).messageId };
      } catch (error) {
        const sendgrid = server.type === 'sendgrid';
        const reason = sendgrid
          ? describeSendgridError(error, pluginConfig(strapi).sendgrid.apiBaseUrl)
          : describeError(error, { host: server.smtpHost!, port: server.smtpPort! });
        const failure = sendgrid ? classifySendgridFailure(error) : classifySmtpFailure(error);
        throw new ServerFailure(scrub(`Sending through "${server.name}" failed: ${reason}`, secrets), failure.failsOver === true);
      }
    },

    /**
     * Sends one message through this server, or along its fallback chain when it cannot take the
     * mail (no connection, TLS, login, a session-level refusal, or its hourly/daily limit
     * reached). Every try counts in the servers' limits; one that did not go out is given back.
     * Returns the server that took it.
     */
    async deliver(first: StoredServer, options: MailerSendOptions): Promise<{ messageId: string; server: StoredServer }> {
      checkOptions(options);
      const visited = new Set([first.documentId]);
      const problems: string[] = [];
      for (let server: StoredServer | null = first; server; server = await nextFallback(strapi, server, visited)) {
        const quota = await throttle().takeQuota(server, 1);
        if (quota.granted === 0) {
          problems.push(limitMessage(server, quota.limitedBy!));
          continue;
        }
        try {
          const { messageId } = await service.sendOnce(server, options);
          await servers().recordSend(server, null);
          return { messageId, server };
        } catch (error) {
          await throttle().giveBack(server.documentId, quota, 1);
          const message = String((error as Error)?.message ?? error);
          await servers().recordSend(server, message);
          problems.push(message);
          if (!(error instanceof ServerFailure && error.failsOver)) break;
        }
      }
      throw fail(problems.join(' '));
    },

    /** Sends one message through this server (or its fallback chain); `server` names the one that took it. */
    async sendThrough(server: StoredServer, options: MailerSendOptions): Promise<MailerResult> {
      const { messageId, server: took } = await service.deliver(server, options);
      return { messageId, server: took.name };
    },

    /** For other plugins: `strapi.plugin('email-server').service('mailer').send({...})`. */
    async send(options: MailerSendOptions): Promise<MailerResult> {
      checkOptions(options);
      const server = await service.resolveServer(options.server);
      return service.sendThrough(server, options);
    },
  };
  return service;
};

export type MailerService = ReturnType<typeof mailerService>;
export default mailerService;
