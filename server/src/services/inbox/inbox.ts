import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { UIDS, getService, pluginConfig } from '../../utils';
import { sanitizeMailHtml, withRemoteImages } from '../../utils/mail-html';
import type { Agent, Conversation, ConversationQuery, ForwardInput, InboxServer, Message, MessageDirection, ReplyInput } from '../../../../shared/contracts/inbox';
import type { UploadedFile } from '../../utils/multipart';
import type { SendingAgent } from './reply';
import { unreadableSecretMessage } from '../servers/server-config';
import { noteToMessage } from './notes';

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

  /** The campaigns conversations answer (README "Bounces and replies"), by documentId; a deleted one is left out. */
  const campaignNames = async (rows: any[]) => {
    const ids = [...new Set(rows.map((r) => r.campaign).filter(Boolean))] as string[];
    const found = ids.length ? await q(UIDS.campaign).findMany({ select: ['documentId', 'name'], where: { documentId: { $in: ids } } }) : [];
    return new Map(found.map((c: any) => [c.documentId, c.name as string]));
  };

  /** Owners of a page of conversations, in one query. */
  const owners = (rows: any[]) => getService(strapi, 'agents').resolve(rows.map((r) => r.assignee));

  const toConversation = (row: any, names: Map<string, string>, owner: Agent | null, campaigns: Map<string, string>): Conversation => ({
    documentId: row.documentId,
    subject: row.subject,
    status: row.status,
    server: { documentId: row.server, name: names.get(row.server) ?? null },
    participants: row.participants ?? [],
    lastMessageAt: row.lastMessageAt,
    unread: Boolean(row.unread),
    automatic: Boolean(row.automatic),
    assignee: owner,
    campaign: row.campaign && campaigns.has(row.campaign) ? { documentId: row.campaign, name: campaigns.get(row.campaign)! } : null,
  });

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

    /** `viewer`: the admin user asking; `unread` and `assignee=me` are theirs; `ability` says which contact sources they may read. */
    async list(query: ConversationQuery, viewer?: number, ability?: unknown) {
      const where: Record<string, unknown> = {};
      if (query.server) where.server = query.server;
      if (query.status) where.status = query.status;
      // Rows stored before the flag existed are null: a person's mail as far as anyone knows.
      if (query.automatic === true) where.automatic = true;
      if (query.automatic === false) where.$or = [{ automatic: false }, { automatic: { $null: true } }];
      if (query.assignee === 'me') where.assignee = viewer ?? -1;
      else if (query.assignee === 'none') where.assignee = { $null: true };
      else if (typeof query.assignee === 'number') where.assignee = query.assignee;
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
      const [names, agents, unread, campaigns] = await Promise.all([
        serverNames([...new Set(rows.map((r: any) => r.server as string))]),
        owners(rows),
        getService(strapi, 'read-state').unreadOf(rows, viewer),
        campaignNames(rows),
      ]);
      return {
        data: rows.map((r: any) => toConversation({ ...r, unread: unread.has(r.documentId) }, names, agents.byId(r.assignee), campaigns)),
        meta: {
          pagination: { page: query.page, pageSize: query.pageSize, total, pageCount: Math.ceil(total / query.pageSize) },
        },
      };
    },

    /** The conversation with its messages in order; opening it marks it read. */
    async get(documentId: string, { remote = false, viewer }: { remote?: boolean; viewer?: number } = {}) {
      const row = await getRow(documentId);
      const [inbound, outbound, notes] = await Promise.all([
        q(UIDS.inbound).findMany({ where: { conversation: documentId }, orderBy: [{ date: 'asc' }, { id: 'asc' }] }),
        q(UIDS.outbound).findMany({ where: { conversation: documentId }, orderBy: [{ date: 'asc' }, { id: 'asc' }] }),
        getService(strapi, 'notes').rows(documentId),
      ]);
      // Read for the viewer only, up to the mail loaded above.
      await getService(strapi, 'read-state').markRead(row, viewer);
      const agents = await getService(strapi, 'agents').resolve(
        [row.assignee, ...outbound.map((m: any) => m.sentById), ...notes.map((n: any) => n.author)],
        [...outbound.map((m: any) => m.sentBy), ...notes.map((n: any) => n.authorEmail)]
      );
      const author = (id: number | null, email: string | null) => agents.byId(id) ?? agents.byEmail(email);
      const messages = inThreadOrder([
        ...inbound.map((m: any) => toMessage(m, 'inbound', remote)),
        ...outbound.map((m: any) => ({ ...toMessage(m, 'outbound', remote), author: author(m.sentById, m.sentBy) })),
        ...notes.map((n: any) => noteToMessage(n, author(n.author, n.authorEmail))),
      ]);
      const [names, campaigns] = await Promise.all([serverNames([row.server]), campaignNames([row])]);
      const { to, cc } = await getService(strapi, 'reply').recipients(documentId);
      // Shown in the reply box, so the agent sees where a reply goes before sending it.
      return {
        ...toConversation({ ...row, unread: false }, names, agents.byId(row.assignee), campaigns),
        replyRecipients: to,
        replyCc: cc,
        maxAttachmentBytes: pluginConfig(strapi).inbox.maxAttachmentBytes,
        messages,
      };
    },

    /** One conversation as the list shows it to `viewer`. */
    async conversation(documentId: string, viewer?: number): Promise<Conversation> {
      const row = await getRow(documentId);
      const [names, agents, unread, campaigns] = await Promise.all([
        serverNames([row.server]),
        owners([row]),
        getService(strapi, 'read-state').unreadOf([row], viewer),
        campaignNames([row]),
      ]);
      return toConversation({ ...row, unread: unread.has(row.documentId) }, names, agents.byId(row.assignee), campaigns);
    },

    /** The agent's reply (services/inbox/reply.ts), as the thread shows it. */
    async reply(documentId: string, body: ReplyInput, files: UploadedFile[] = [], agent: SendingAgent = {}) {
      return toMessage(await getService(strapi, 'reply').reply(documentId, body, files, agent), 'outbound', false);
    },

    /** The last inbound mail, with its attachments, to someone new (services/inbox/reply.ts). */
    async forward(documentId: string, body: ForwardInput, agent: SendingAgent = {}) {
      return toMessage(await getService(strapi, 'reply').forward(documentId, body, agent), 'outbound', false);
    },

    async attachment(messageDocumentId: string, index: number) {
      // A sent file is stored in parts (services/inbox/reply.ts); a received one in one row.
      const rows = await q(UIDS.attachment).findMany({ where: { message: messageDocumentId, index }, orderBy: [{ part: 'asc' }, { id: 'asc' }] });
      if (!rows.length) throw new errors.NotFoundError('Attachment not found.');
      return {
        filename: rows[0].filename as string,
        contentType: rows[0].contentType as string,
        content: Buffer.concat(rows.map((row: any) => Buffer.from(row.content ?? '', 'base64'))),
      };
    },
  };
};

export type InboxService = ReturnType<typeof inboxService>;
export default inboxService;
