/** Plain types the adapters share; they know nothing of Strapi. */
export type Security = 'tls' | 'starttls' | 'none';

export interface Endpoint {
  host: string;
  port: number;
  security: Security;
  /** Verify the server's certificate (off only for a trusted self-signed server). */
  rejectUnauthorized: boolean;
}

export interface Credentials {
  username: string;
  password: string;
}

export interface Address {
  address: string;
  name?: string;
}

export interface Attachment {
  filename?: string;
  content?: string | Buffer;
  /** Base64 content when `encoding` is 'base64'. */
  encoding?: string;
  path?: string;
  contentType?: string;
  cid?: string;
  contentDisposition?: 'attachment' | 'inline';
}

/** One message, already resolved: sender, recipients and content. */
export interface OutgoingMessage {
  from: Address;
  replyTo?: string | Address;
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject: string;
  text?: string;
  html?: string;
  attachments?: Attachment[];
  headers?: Record<string, string>;
  /** SendGrid categories; ignored over SMTP. */
  categories?: string[];
}

export interface SendResult {
  messageId: string;
}

/** The outcome of a connection test, shown to a person. */
export interface Check {
  ok: boolean;
  message: string;
  durationMs: number;
}
