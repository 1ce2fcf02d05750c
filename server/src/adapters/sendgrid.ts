import fs from 'node:fs/promises';
import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import { describeError } from './describe-error';
import type { Attachment, Check, OutgoingMessage, SendResult } from './types';

export interface SendgridConfig {
  apiToken: string;
  /** https://api.sendgrid.com, or the EU host https://api.eu.sendgrid.com. */
  apiBaseUrl: string;
  timeoutMs: number;
}

const toBase64 = async (attachment: Attachment, allowFileAccess: boolean): Promise<string> => {
  if (attachment.content !== undefined) {
    if (Buffer.isBuffer(attachment.content)) return attachment.content.toString('base64');
    return attachment.encoding === 'base64'
      ? attachment.content
      : Buffer.from(attachment.content, (attachment.encoding as BufferEncoding) || 'utf8').toString('base64');
  }
  if (attachment.path) {
    if (!allowFileAccess) throw new Error('Reading attachments from a file is not allowed for this message.');
    return (await fs.readFile(attachment.path)).toString('base64');
  }
  return '';
};

/** SendGrid's error body, first message: the part that says what to fix. */
export const describeSendgridError = (error: any, baseUrl: string): string => {
  const status = error?.code ?? error?.response?.statusCode;
  const detail = (error?.response?.body?.errors?.[0]?.message as string | undefined)?.replace(/\.+$/, '');
  if (status === 401 || status === 403) return 'SendGrid rejected the API token: check that it is valid and has the Mail Send permission.';
  if (status === 429) return 'SendGrid rate limit reached; try again later.';
  if (status === 400 || status === 413) return `SendGrid rejected the message: ${detail ?? 'invalid request'}.`;
  if (typeof status === 'number' && status >= 500) return `SendGrid is unavailable (HTTP ${status}); try again later.`;
  if (typeof status === 'number' && status >= 400) return `SendGrid refused the request (HTTP ${status}): ${detail ?? 'no details'}.`;
  const url = new URL(baseUrl);
  return describeError(error, { host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) });
};

const client = (config: SendgridConfig) => {
  const c = new Client();
  c.setApiKey(config.apiToken);
  // setApiKey picks the region's host, so the configured base URL is set after it.
  c.setDefaultRequest('baseUrl', config.apiBaseUrl);
  c.setDefaultRequest('timeout' as any, config.timeoutMs);
  return c;
};

/** One recipient of a batch: a personalization of its own. */
export interface BatchRecipient {
  to: string;
  subject: string;
  /** Keys without braces; the helper wraps them as {{key}}. */
  substitutions: Record<string, string>;
  headers: Record<string, string>;
  customArgs: Record<string, string>;
}

/** Many recipients of one message in one /v3/mail/send request (at most 1,000). */
export interface SendgridBatch {
  from: { address: string; name?: string };
  replyTo?: string;
  html?: string;
  text?: string;
  categories?: string[];
  recipients: BatchRecipient[];
}

/** SendGrid's documented ceilings for one request. */
export const SENDGRID_LIMITS = { personalizations: 1000, bytes: 20 * 1024 * 1024 };

export interface SendgridTransport {
  send(message: OutgoingMessage): Promise<SendResult>;
  sendBatch(batch: SendgridBatch): Promise<SendResult>;
  close(): void;
}

/** A MailService of its own per server: the package's default export is one global API key. */
export const createSendgridTransport = (config: SendgridConfig): SendgridTransport => {
  const mail = new MailService();
  mail.setClient(client(config));

  return {
    async send(message) {
      const attachments = message.attachments?.length
        ? await Promise.all(
            message.attachments.map(async (a) => ({
              content: await toBase64(a, message.allowFileAccess === true),
              filename: a.filename ?? 'attachment',
              type: a.contentType,
              disposition: a.contentDisposition ?? (a.cid ? 'inline' : 'attachment'),
              contentId: a.cid,
            }))
          )
        : undefined;
      const replyTo = typeof message.replyTo === 'string' ? { email: message.replyTo } : message.replyTo
        ? { email: message.replyTo.address, name: message.replyTo.name }
        : undefined;
      const [response] = await mail.send({
        from: { email: message.from.address, name: message.from.name },
        replyTo,
        to: message.to,
        cc: message.cc?.length ? message.cc : undefined,
        bcc: message.bcc?.length ? message.bcc : undefined,
        subject: message.subject,
        text: message.text,
        html: message.html,
        attachments,
        headers: message.headers,
        categories: message.categories,
      } as any);
      const id = (response.headers as Record<string, string>)['x-message-id'];
      return { messageId: id ?? '' };
    },
    async sendBatch(batch) {
      const [response] = await mail.send({
        from: { email: batch.from.address, name: batch.from.name },
        replyTo: batch.replyTo ? { email: batch.replyTo } : undefined,
        personalizations: batch.recipients.map((r) => ({
          to: [{ email: r.to }],
          subject: r.subject,
          substitutions: r.substitutions,
          headers: r.headers,
          customArgs: r.customArgs,
        })),
        // SendGrid wants text/plain first when both are present; the helper orders them.
        text: batch.text,
        html: batch.html,
        categories: batch.categories,
      } as any);
      return { messageId: (response.headers as Record<string, string>)['x-message-id'] ?? '' };
    },
    close() {},
  };
};

/** A read-only call (the token's scopes) that proves the token works; sends nothing. */
export const verifySendgrid = async (config: SendgridConfig): Promise<Check> => {
  const started = Date.now();
  try {
    const [response, body] = await client(config).request({ method: 'GET', url: '/v3/scopes' });
    const scopes: string[] = (body as any)?.scopes ?? [];
    if (response.statusCode === 200 && scopes.length > 0 && !scopes.includes('mail.send')) {
      return { ok: false, message: 'The SendGrid API token is valid but lacks the Mail Send permission.', durationMs: Date.now() - started };
    }
    return { ok: true, message: 'SendGrid accepted the API token.', durationMs: Date.now() - started };
  } catch (error) {
    return { ok: false, message: describeSendgridError(error, config.apiBaseUrl), durationMs: Date.now() - started };
  }
};
