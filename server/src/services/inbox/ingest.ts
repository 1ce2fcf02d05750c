import type { Core } from '@strapi/strapi';
import type { MailAddress } from '../../../../shared/contracts/common';
import type { ImapCursor, RawMail } from '../../adapters/fetch-mailbox';
import { newDocumentId } from '../../utils/ids';
import { UIDS, getService, pluginConfig } from '../../utils';
import { customerAddress } from './customer-address';
import type { StoredServer } from '../servers/servers';
import { errorCode, parseRaw, stubOf, type ParsedRow } from './parse';
import { addPeople, conversationSubject, parentIds, searchText, threadInBatch } from './threading';
import { classifySafely, type CampaignMail } from '../campaigns/reports/classify';

/**
 * Read marks copy this value, so it never moves back, even when the instance storing it has a
 * clock behind the one that stored the previous mail.
 */
const laterThan = (previous: unknown, now: Date) => {
  const before = previous == null ? NaN : new Date(previous as any).getTime();
  return Number.isNaN(before) || before < now.getTime() ? now : new Date(before + 1);
};

/** Stores fetched mails once each, threads them into conversations, and moves the cursor. */
const ingestService = ({ strapi }: { strapi: Core.Strapi }) => {
  const q = (uid: string) => strapi.db.query(uid as any);

  /** The conversation a mail belongs to: by In-Reply-To/References, else null (a new one). */
  const findThread = async (server: string, row: ParsedRow, inBatch: Map<string, string>): Promise<string | null> => {
    const refs = parentIds(row);
    const batched = threadInBatch(refs, inBatch);
    if (batched) return batched;
    if (refs.length === 0) return null;
    for (const uid of [UIDS.inbound, UIDS.outbound]) {
      const hit = await q(uid).findOne({
        select: ['conversation'],
        where: { server, messageId: { $in: refs }, conversation: { $notNull: true } },
        orderBy: { id: 'desc' },
      });
      if (hit?.conversation) return hit.conversation;
    }
    return null;
  };

  type Position =
    | { protocol: 'imap'; mailbox: string; folder: string; cursor: ImapCursor; resync: boolean }
    | { protocol: 'pop3'; mailbox: string };
  /** `campaign`: what the mail says about a campaign mail (a report, reply or auto-reply), if anything. */
  type Item = { mail: RawMail; key: string; row: ParsedRow; campaign: CampaignMail | null };

  /** Writes the rows of these mails (and their conversations); the caller holds the transaction. */
  const write = async (server: StoredServer, parsed: Item[], position: Position): Promise<{ stored: number; duplicates: string[] }> => {
    const duplicates: string[] = [];
    const keys = parsed.map((p) => p.key);
    const known = new Set(
      keys.length
        ? (await q(UIDS.inbound).findMany({ select: ['dedupeKey'], where: { dedupeKey: { $in: keys } } })).map((r: any) => r.dedupeKey)
        : []
    );
    const messageIds = parsed.map((p) => p.row.messageId).filter(Boolean) as string[];
    const knownIds = new Set(
      messageIds.length
        ? (await q(UIDS.inbound).findMany({ select: ['messageId'], where: { server: server.documentId, messageId: { $in: messageIds } } })).map((r: any) => r.messageId)
        : []
    );
    // Rows are collected and written with one multi-row insert per table: one INSERT per
    // mail and table made ingest three times slower than fetching and parsing.
    const newConversations = new Map<string, Record<string, any>>();
    const touched = new Map<string, { people: MailAddress[]; at: Date; byPerson: boolean; customer?: string | null; campaign?: string | null }>();
    const messages: Array<Record<string, unknown>> = [];
    const attachments: Array<Record<string, unknown>> = [];
    const inBatch = new Map<string, string>();
    // When we stored it, not its Date header: a mail that comes late is still news to agents.
    const storedAt = new Date();
    let consumed = 0;
    for (const { mail, key, row, campaign: about } of parsed) {
      // The mailbox position first, the Message-ID second (an IMAP re-sync renumbers UIDs).
      if (known.has(key) || (row.messageId && knownIds.has(row.messageId))) {
        if (mail.uidl) duplicates.push(mail.uidl);
        continue;
      }
      known.add(key);
      if (row.messageId) knownIds.add(row.messageId);
      // Reports and auto-replies about campaign mails are recorded on the campaign, not in the
      // inbox; a reply is linked to its campaign. Mail about nothing of ours is ordinary mail.
      const applied = about ? await getService(strapi, 'campaign-reports').apply(about, storedAt) : null;
      if (applied?.consumed) {
        // Counted as stored when recorded now; POP3 keeps no row of it, so its UIDL is
        // remembered (as a duplicate's is) and it is not fetched again.
        if (applied.recorded) consumed += 1;
        if (mail.uidl) duplicates.push(mail.uidl);
        continue;
      }
      const linked = applied?.campaign ?? null;
      const at = row.date ?? new Date();
      const people = [row.from, ...row.replyTo].filter(Boolean) as MailAddress[];
      let conversation = await findThread(server.documentId, row, inBatch);
      if (conversation && newConversations.has(conversation)) {
        const c = newConversations.get(conversation)!;
        addPeople(c.participants, people);
        c.searchText = searchText(c.subject, c.participants);
        if (at > c.lastMessageAt) c.lastMessageAt = at;
        c.campaign ??= linked;
        if (!row.automatic) Object.assign(c, { unread: true, automatic: false, lastPersonMailAt: storedAt, customerEmail: c.customerEmail ?? customerAddress(row.from, [server]) });
      } else if (conversation) {
        const t = touched.get(conversation) ?? { people: [], at, byPerson: false };
        addPeople(t.people, people);
        if (at > t.at) t.at = at;
        t.byPerson ||= !row.automatic;
        t.campaign ??= linked;
        if (!row.automatic) t.customer ??= customerAddress(row.from, [server]);
        touched.set(conversation, t);
      } else {
        conversation = newDocumentId();
        const subject = conversationSubject(row.subject);
        newConversations.set(conversation, {
          documentId: conversation,
          server: server.documentId,
          subject,
          status: 'open',
          participants: [...people],
          searchText: searchText(subject, people),
          lastMessageAt: at,
          unread: !row.automatic,
          automatic: row.automatic,
          lastPersonMailAt: row.automatic ? null : storedAt,
          customerEmail: row.automatic ? null : customerAddress(row.from, [server]),
          campaign: linked,
        });
      }
      if (row.messageId) inBatch.set(row.messageId, conversation);
      const documentId = newDocumentId();
      messages.push({
        documentId,
        server: server.documentId,
        folder: position.protocol === 'imap' ? position.folder : null,
        uidValidity: position.protocol === 'imap' ? position.cursor.uidValidity : null,
        uid: position.protocol === 'imap' ? mail.uid : null,
        uidl: mail.uidl ?? null,
        dedupeKey: key,
        messageId: row.messageId,
        inReplyTo: row.inReplyTo,
        references: row.references,
        from: row.from,
        to: row.to,
        cc: row.cc,
        replyTo: row.replyTo,
        subject: row.subject,
        date: at,
        text: row.text,
        html: row.html,
        htmlSafe: true,
        attachments: row.attachments.map(({ content: _content, ...meta }, index) => ({ ...meta, index })),
        size: mail.size,
        rawSize: mail.source.length,
        problem: row.problem,
        automatic: row.automatic,
        conversation,
      });
      row.attachments.forEach((a, index) =>
        attachments.push({
          documentId: newDocumentId(),
          message: documentId,
          index,
          filename: a.filename,
          contentType: a.contentType,
          size: a.size,
          content: a.content.toString('base64'),
        })
      );
    }
    if (newConversations.size) await q(UIDS.conversation).createMany({ data: [...newConversations.values()] });
    for (const [documentId, { people, at, byPerson, customer, campaign }] of touched) {
      const existing = await q(UIDS.conversation).findOne({ where: { documentId } });
      if (!existing) continue;
      const participants = addPeople(existing.participants ?? [], people);
      await q(UIDS.conversation).update({
        where: { id: existing.id },
        data: {
          participants,
          searchText: searchText(existing.subject ?? '', participants),
          lastMessageAt: at > new Date(existing.lastMessageAt ?? 0) ? at : existing.lastMessageAt,
          ...(campaign && !existing.campaign ? { campaign } : {}),
          // Only a person's mail reopens a conversation: an auto-reply to a closed one stays closed.
          ...(byPerson ? { unread: true, status: 'open', automatic: false, lastPersonMailAt: laterThan(existing.lastPersonMailAt, storedAt), customerEmail: existing.customerEmail ?? customer ?? null } : {}),
        },
      });
    }
    if (messages.length) await q(UIDS.inbound).createMany({ data: messages });
    await getService(strapi, 'inbox-search').index(messages as any);
    // Attachments can be large: a few per statement.
    for (let i = 0; i < attachments.length; i += 5) {
      await q(UIDS.attachment).createMany({ data: attachments.slice(i, i + 5) });
    }
    return { stored: messages.length + consumed, duplicates };
  };

  const moveCursor = async (server: StoredServer, position: Position) => {
    if (position.protocol !== 'imap') return;
    await q(UIDS.mailboxState).update({
      where: { server: server.documentId },
      data: {
        folder: position.folder,
        mailbox: position.mailbox,
        uidValidity: position.cursor.uidValidity,
        lastUid: position.cursor.lastUid,
      },
    });
  };

  /**
   * A mail the database refused in its own transaction: a campaign report is kept as an ordinary
   * mail (its report not recorded), anything else as a stub with the original attached. A stub
   * the database refuses too fails the batch: the cursor stays, nothing is lost.
   */
  const storeRefused = async (server: StoredServer, item: Item, position: Position, error: unknown) => {
    let failure = error;
    if (item.campaign) {
      try {
        const result = await strapi.db.transaction(() => write(server, [{ ...item, campaign: null }], position));
        strapi.log.warn(`[email-server] A campaign report for "${server.name}" could not be recorded (${errorCode(error)}): kept as an ordinary mail.`);
        return result;
      } catch (again) {
        failure = again;
      }
    }
    strapi.log.warn(`[email-server] A mail for "${server.name}" could not be stored (${errorCode(failure)}): kept as a stub with the original attached.`);
    return strapi.db.transaction(() => write(server, [{ ...item, campaign: null, row: stubOf(item, failure) }], position));
  };

  return {
    /**
     * One transaction per batch: the rows and the cursor are committed together, so a crash
     * either keeps both or neither, and a refetch finds the rows by their dedupe key.
     *
     * A batch the database refuses is stored again one mail at a time, and a mail it still
     * refuses is kept as a stub (the headers that fit, the original as an attachment, a
     * `problem`): one hostile mail must not stop the mailbox. The cursor moves once every mail
     * of the batch is stored.
     */
    async storeBatch(server: StoredServer, mails: RawMail[], position: Position): Promise<{ stored: number; duplicates: string[] }> {
      const keyOf = (mail: RawMail) =>
        position.protocol === 'imap'
          ? `imap:${server.documentId}:${position.mailbox}:${position.cursor.uidValidity}:${mail.uid}`
          : `pop3:${server.documentId}:${position.mailbox}:${mail.uidl}`;
      const limits = { maxHtmlBytes: pluginConfig(strapi).incoming.maxHtmlBytes };
      // Parsed outside the transaction (it needs no lock) and one at a time (bounded memory).
      const parsed: Item[] = [];
      for (const mail of mails) {
        const row = await parseRaw(mail, limits);
        parsed.push({ mail, key: keyOf(mail), row, campaign: classifySafely(mail.source, { from: row.from?.address ?? null, subject: row.subject, automatic: row.automatic }) });
      }
      try {
        return await strapi.db.transaction(async () => {
          const result = await write(server, parsed, position);
          await moveCursor(server, position);
          return result;
        });
      } catch (error) {
        if (parsed.length === 0) throw error;
        strapi.log.warn(`[email-server] Storing a batch of ${parsed.length} mails for "${server.name}" failed (${errorCode(error)}): storing them one by one.`);
      }
      let stored = 0;
      const duplicates: string[] = [];
      for (const item of parsed) {
        let result: { stored: number; duplicates: string[] };
        try {
          result = await strapi.db.transaction(() => write(server, [item], position));
        } catch (error) {
          result = await storeRefused(server, item, position, error);
        }
        stored += result.stored;
        duplicates.push(...result.duplicates);
      }
      await strapi.db.transaction(() => moveCursor(server, position));
      return { stored, duplicates };
    },

    /** POP3: which of these UIDLs are already stored for this server's mailbox. */
    async knownUidls(server: StoredServer, mailbox: string, uidls: string[]): Promise<Set<string>> {
      const known = new Set<string>();
      for (let i = 0; i < uidls.length; i += 500) {
        const keys = uidls.slice(i, i + 500).map((u) => `pop3:${server.documentId}:${mailbox}:${u}`);
        const rows = await q(UIDS.inbound).findMany({ select: ['uidl'], where: { dedupeKey: { $in: keys } } });
        for (const r of rows) known.add(r.uidl);
      }
      return known;
    },
  };
};

export type IngestService = ReturnType<typeof ingestService>;
export default ingestService;
