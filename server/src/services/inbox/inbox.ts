import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { UIDS, getService } from '../../utils';
import { sanitizeMailHtml, withRemoteImages } from '../../utils/mail-html';
import type { MailAddress } from '../../../../shared/contracts/common';
import type { Conversation, ConversationQuery, ConversationStatus, InboxServer, Message, MessageDirection } from '../../../../shared/contracts/inbox';
import { newDocumentId } from '../../utils/ids';
import { unreadableSecretMessage } from '../servers/server-config';
import { baseSubject } from './threading';

/** Inbound HTML was sanitised when stored; older rows and agents' replies are sanitised here. */
const safeHtml = (row: any, remote: boolean) => {
  if (!row.html) return null;
  const html = row.htmlSafe ? row.html : sanitizeMailHtml(row.html);
  return remote ? withRemoteImages(html) : html;
};

const toMessage = (row: any, direction: MessageDirection, remote: boolean): Message => ({
  documentId: row.documentId,
  direction,
  messageId: row.messageId ?? null,
  inReplyTo: row.inReplyTo ?? null,
  from: row.from ?? null,
  to: row.to ?? [],
  cc: row.cc ?? [],
  bcc: row.bcc ?? [],
  subject: row.subject ?? '',
  date: row.date,
  text: row.text ?? null,
  html: safeHtml(row, remote),
  attachments: (row.attachments ?? []).map((a: any) => ({
    filename: a.filename,
    contentType: a.contentType,
    size: a.size,
    url: `/email-server/messages/${row.documentId}/attachments/${a.index}`,
  })),
  problem: row.problem ?? null,
  automatic: Boolean(row.automatic),
  author: null,
});

/**
 * Oldest first by Date, except that an answer never shows before the message it answers: Date
 * headers have one-second precision and senders' clocks drift.
 */
const inThreadOrder = <M extends { messageId: string | null; inReplyTo: string | null; date: any }>(messages: M[]) => {
  const at = new Map(messages.map((m) => [m, new Date(m.date).getTime() || 0]));
  const byId = new Map(messages.filter((m) => m.messageId).map((m) => [m.messageId!, m]));
  for (let pass = 0; pass < messages.length; pass++) {
    let moved = false;
    for (const m of messages) {
      const parent = m.inReplyTo ? byId.get(m.inReplyTo) : undefined;
      if (parent && parent !== m && at.get(m)! <= at.get(parent)!) {
        at.set(m, at.get(parent)! + 1);
        moved = true;
      }
    }
    if (!moved) break;
  }
  return [...messages].sort((a, b) => at.get(a)! - at.get(b)!);
};

const inboxService = ({ strapi }: { strapi: Core.Strapi }) => {
  const q = (uid: string) => strapi.db.query(uid as any);

  const serverNames = async (ids: string[]) => {
    const rows = ids.length
      ? await q(UIDS.server).findMany({ select: ['documentId', 'name'], where: { documentId: { $in: ids } } })
      : [];
    return new Map(rows.map((r: any) => [r.documentId, r.name as string]));
  };

  const toConversation = (row: any, names: Map<string, string>): Conversation => ({
    documentId: row.documentId,
    subject: row.subject,
    status: row.status,
    server: { documentId: row.server, name: names.get(row.server) ?? null },
    participants: row.participants ?? [],
    lastMessageAt: row.lastMessageAt,
    unread: Boolean(row.unread),
    automatic: Boolean(row.automatic),
    assignee: null,
  });

  /**
   * What a reply answers: the newest inbound mail by arrival (the order we stored them in), not
   * by its Date header, which the sender writes; and who it goes to.
   */
  const replyTarget = async (documentId: string) => {
    const last = await q(UIDS.inbound).findOne({ where: { conversation: documentId }, orderBy: [{ id: 'desc' }] });
    const to: MailAddress[] = last?.replyTo?.length ? last.replyTo : last?.from ? [last.from] : [];
    return { last, to };
  };

  const getRow = async (documentId: string) => {
    const row = await q(UIDS.conversation).findOne({ where: { documentId } });
    if (!row) throw new errors.NotFoundError('Conversation not found.');
    return row;
  };

  return {
    /** The servers that receive mail, for the inbox's filter and its "Fetch now". */
    async servers(): Promise<InboxServer[]> {
      const servers = getService(strapi, 'servers');
      return (await servers.list())
        .filter((s) => s.type === 'smtp' && s.incomingProtocol)
        .map((s) => ({
          documentId: s.documentId,
          name: s.name,
          enabled: s.enabled,
          incomingAttention:
            s.incomingAttention ?? (servers.unreadableSecrets(s).includes('incomingPassword') ? unreadableSecretMessage(s, 'incomingPassword') : null),
        }));
    },

    async list(query: ConversationQuery, { ability }: { ability?: unknown } = {}) {
      const where: Record<string, unknown> = {};
      if (query.server) where.server = query.server;
      if (query.status) where.status = query.status;
      // Rows stored before the flag existed are null: a person's mail as far as anyone knows.
      if (query.automatic === true) where.automatic = true;
      if (query.automatic === false) where.$or = [{ automatic: false }, { automatic: { $null: true } }];
      const and: Array<Record<string, unknown>> = [];
      if (query.q) and.push(getService(strapi, 'inbox-search').where(query.q));
      if (query.known !== undefined) and.push(getService(strapi, 'inbox-customer').knownWhere(query.known, ability));
      if (and.length) where.$and = and;
      const [rows, total] = await Promise.all([
        q(UIDS.conversation).findMany({
          where,
          orderBy: [{ lastMessageAt: 'desc' }, { id: 'desc' }],
          offset: (query.page - 1) * query.pageSize,
          limit: query.pageSize,
        }),
        q(UIDS.conversation).count({ where }),
      ]);
      const names = await serverNames([...new Set(rows.map((r: any) => r.server as string))]);
      return {
        data: rows.map((r: any) => toConversation(r, names)),
        meta: {
          pagination: { page: query.page, pageSize: query.pageSize, total, pageCount: Math.ceil(total / query.pageSize) },
        },
      };
    },

    /** The conversation with its messages in order; opening it marks it read. */
    async get(documentId: string, { remote = false } = {}) {
      const row = await getRow(documentId);
      const [inbound, outbound] = await Promise.all([
        q(UIDS.inbound).findMany({ where: { conversation: documentId }, orderBy: [{ date: 'asc' }, { id: 'asc' }] }),
        q(UIDS.outbound).findMany({ where: { conversation: documentId }, orderBy: [{ date: 'asc' }, { id: 'asc' }] }),
      ]);
      if (row.unread) await q(UIDS.conversation).update({ where: { id: row.id }, data: { unread: false } });
      const messages = inThreadOrder([
        ...inbound.map((m: any) => toMessage(m, 'inbound', remote)),
        ...outbound.map((m: any) => toMessage(m, 'outbound', remote)),
      ]);
      const names = await serverNames([row.server]);
      const { to } = await replyTarget(documentId);
      // Shown in the reply box, so the agent sees where a reply goes before sending it.
      return { ...toConversation({ ...row, unread: false }, names), replyRecipients: to, replyCc: [], messages };
    },

    async setStatus(documentId: string, status: ConversationStatus) {
      const row = await getRow(documentId);
      await q(UIDS.conversation).update({ where: { id: row.id }, data: { status } });
      const names = await serverNames([row.server]);
      return toConversation({ ...row, status }, names);
    },

    /**
     * Sends the agent's reply through the conversation's server, threaded to the last inbound
     * mail (by arrival), and stores it once the server accepted it. A failure stores nothing.
     */
    async reply(documentId: string, body: { text: string; html?: string }, agent?: string) {
      const conversation = await getRow(documentId);
      const { last, to } = await replyTarget(documentId);
      if (!last) throw new errors.ApplicationError('This conversation has no message to reply to.');
      const server = await q(UIDS.server).findOne({ where: { documentId: conversation.server } });
      if (!server) throw new errors.ApplicationError('The email server of this conversation was deleted.');
      if (!server.enabled) throw new errors.ApplicationError(`The email server "${server.name}" is disabled.`);

      if (to.length === 0) throw new errors.ApplicationError('The last message has no sender address to reply to.');
      const subject = `Re: ${baseSubject(last.subject ?? '') || conversation.subject || ''}`.trim();
      const references = [...(last.references ?? []), last.messageId].filter(Boolean).slice(-20);
      const domain = String(server.senderEmail).split('@')[1] ?? 'localhost';
      const messageId = `<${crypto.randomUUID()}@${domain}>`;
      const headers: Record<string, string> = {};
      if (last.messageId) headers['In-Reply-To'] = last.messageId;
      if (references.length) headers.References = references.join(' ');

      await getService(strapi, 'mailer').sendThrough(server, {
        to: to.map((a) => a.address),
        subject,
        text: body.text,
        html: body.html,
        headers,
        messageId,
      });
      const now = new Date();
      const stored = await q(UIDS.outbound).create({
        data: {
          documentId: newDocumentId(),
          server: server.documentId,
          messageId,
          inReplyTo: last.messageId ?? null,
          references,
          from: { address: server.senderEmail, ...(server.senderName ? { name: server.senderName } : {}) },
          to,
          cc: [],
          subject,
          date: now,
          text: body.text,
          html: body.html ?? null,
          conversation: documentId,
          sentBy: agent ?? null,
        },
      });
      await q(UIDS.conversation).update({ where: { id: conversation.id }, data: { lastMessageAt: now } });
      return toMessage(stored, 'outbound', false);
    },

    async attachment(messageDocumentId: string, index: number) {
      const row = await q(UIDS.attachment).findOne({ where: { message: messageDocumentId, index } });
      if (!row) throw new errors.NotFoundError('Attachment not found.');
      return {
        filename: row.filename as string,
        contentType: row.contentType as string,
        content: Buffer.from(row.content ?? '', 'base64'),
      };
    },
  };
};

export type InboxService = ReturnType<typeof inboxService>;
export default inboxService;
