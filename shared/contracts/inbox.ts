/** The inbox's routes (README "Inbox"): conversations, their messages and the servers that receive. */
import type { MailAddress } from './common';

export const CONVERSATION_STATUSES = ['open', 'closed'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** A note is written by an agent for the other agents and is never sent. */
export const MESSAGE_DIRECTIONS = ['inbound', 'outbound', 'note'] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];

/** An admin user as the inbox shows them: who owns a conversation, who wrote a reply or a note. */
export interface Agent {
  id: number;
  name: string;
  /** Absent in GET /inbox/agents for callers without inbox.assign. */
  email?: string;
}

export interface ConversationQuery {
  server?: string;
  status?: ConversationStatus;
  /** true: only conversations of automatic mail; false: only those a person wrote to. */
  automatic?: boolean;
  /** 'me': mine; 'none': nobody's; a number: that admin user's. */
  assignee?: 'me' | 'none' | number;
  /** true: the sender is an entry of a contact source (a known customer); false: not. */
  known?: boolean;
  /** Matches the subject, the addresses and the text of the mails. */
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
  /** For the agent asking: a person wrote since they last opened it. */
  unread: boolean;
  /** Every mail in it is automatic (auto-replies, bounces, bulk mail). */
  automatic: boolean;
  assignee: Agent | null;
  /** The campaign this is a reply to (its first mail answered a campaign mail). */
  campaign: { documentId: string; name: string } | null;
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
  /** Only on replies and forwards the agents sent; [] on received mail. */
  bcc: MailAddress[];
  subject: string;
  date: string;
  text: string | null;
  html: string | null;
  attachments: MessageAttachment[];
  /**
   * Why the mail could not be read in full (too large, unparseable), or, on a reply, what went
   * wrong after it was sent (not saved to the Sent folder); null when nothing did.
   */
  problem: string | null;
  /** No person wrote it (auto-reply, bounce, bulk mail, delivery report); false for replies. */
  automatic: boolean;
  /** The agent who sent a reply or wrote a note; null on received mail. */
  author: Agent | null;
}

/** GET /conversations/:documentId */
export interface ConversationDetail extends Conversation {
  messages: Message[];
  /** Who a reply-all goes to: the last inbound mail's Reply-To, else its From. */
  replyRecipients: MailAddress[];
  /** The reply-all's Cc: the last inbound mail's other To and Cc, minus our servers' addresses. */
  replyCc: MailAddress[];
  /** Config `inbox.maxAttachmentBytes`: the reply box checks the files' total before sending. */
  maxAttachmentBytes: number;
}

/**
 * POST /conversations/:documentId/reply, as JSON or multipart/form-data (files under `files`).
 * Addresses are plain addresses (`dan@example.com`); in a form, a field may repeat or hold
 * several separated by commas. Without `to` and `cc` the reply goes to everyone (reply-all).
 */
export interface ReplyInput {
  text: string;
  html?: string;
  to?: string[];
  cc?: string[];
  bcc?: string[];
}

/** POST /conversations/:documentId/forward: the last inbound mail, with its attachments. */
export interface ForwardInput {
  to: string[];
  text?: string;
}

/** PUT /conversations/:documentId */
export interface ConversationUpdate {
  status?: ConversationStatus;
  /** An admin user id, or null for nobody. Others than oneself need `inbox.assign`. */
  assignee?: number | null;
}

/** POST /conversations/:documentId/notes */
export interface NoteInput {
  text: string;
}

/** /saved-replies: canned answers with `{{ customer.name }}`-style fields (README "Inbox"). */
export interface SavedReply {
  documentId: string;
  name: string;
  text: string;
  updatedAt: string;
}
export interface SavedReplyInput {
  name: string;
  text: string;
}

/**
 * GET /inbox/changes?since=<cursor>: what the pages poll. `changed` are the conversations that
 * got mail, a reply, a note or a new owner or status after `since` (all of them when absent);
 * pass `cursor` as the next `since`.
 */
export interface InboxChanges {
  cursor: string;
  /** Open conversations unread by the agent asking (automatic mail excepted). */
  unread: number;
  changed: string[];
}

/** GET /conversations/:documentId/customer: the sender's entries in this Strapi app. */
export interface CustomerRecord {
  contentType: string;
  /** The content type's display name, e.g. "User". */
  contentTypeName: string;
  documentId: string;
  /** What the Content Manager would show as its title (its main field), else the email. */
  title: string;
  email: string;
  /** The admin's Content Manager path of the entry. */
  path: string;
}

/** GET /inbox/servers: the servers that receive mail, for the filter and "Fetch now". */
export interface InboxServer {
  documentId: string;
  name: string;
  enabled: boolean;
  incomingAttention: string | null;
}
