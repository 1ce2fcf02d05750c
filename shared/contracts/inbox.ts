/** The inbox's routes (README "Inbox"): conversations, their messages and the servers that receive. */
import type { MailAddress } from './common';

export const CONVERSATION_STATUSES = ['open', 'closed'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

export type MessageDirection = 'inbound' | 'outbound';

export interface ConversationQuery {
  server?: string;
  status?: ConversationStatus;
  /** true: only conversations of automatic mail; false: only those a person wrote to. */
  automatic?: boolean;
  q?: string;
  page: number;
  pageSize: number;
}

export interface Conversation {
  documentId: string;
  subject: string;
  status: ConversationStatus;
  server: { documentId: string; name: string | null };
  participants: MailAddress[];
  lastMessageAt: string;
  unread: boolean;
  /** Every mail in it is automatic (auto-replies, bounces, bulk mail). */
  automatic: boolean;
}

export interface MessageAttachment {
  filename: string;
  contentType: string;
  size: number;
  url: string;
}

export interface Message {
  documentId: string;
  direction: MessageDirection;
  messageId: string | null;
  inReplyTo: string | null;
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  subject: string;
  date: string;
  text: string | null;
  html: string | null;
  attachments: MessageAttachment[];
  /** Why the mail could not be read in full (too large, unparseable); null when it could. */
  problem: string | null;
  /** No person wrote it (auto-reply, bounce, bulk mail, delivery report); false for replies. */
  automatic: boolean;
}

/** GET /conversations/:documentId */
export interface ConversationDetail extends Conversation {
  messages: Message[];
  /** Who a reply goes to: the last inbound mail's Reply-To, else its From. */
  replyRecipients: MailAddress[];
}

/** GET /inbox/servers: the servers that receive mail, for the filter and "Fetch now". */
export interface InboxServer {
  documentId: string;
  name: string;
  enabled: boolean;
  incomingAttention: string | null;
}
