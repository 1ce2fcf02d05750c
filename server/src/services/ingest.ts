import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { ImapCursor, RawMail } from '../adapters/fetch-mailbox';
import { UIDS } from '../utils';
import type { StoredServer } from './servers';

export interface MailAddress {
  address: string;
  name?: string;
}

interface ParsedRow {
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  subject: string;
  date: Date | null;
  text: string | null;
  html: string | null;
  attachments: Array<{ filename: string; contentType: string; size: number; contentId?: string; content: Buffer }>;
  problem: string | null;
}

const newDocumentId = () => crypto.randomBytes(12).toString('hex');

const addresses = (value?: AddressObject | AddressObject[]): MailAddress[] =>
  (Array.isArray(value) ? value : value ? [value] : [])
    .flatMap((group) => group.value)
    // A group ("undisclosed-recipients:;") has members instead of an address.
    .flatMap((a) => (a.group ? a.group : [a]))
    .filter((a) => a.address)
    .map((a) => ({ address: a.address!.toLowerCase(), ...(a.name ? { name: a.name } : {}) }));

const ids = (value?: string | string[]) =>
  (Array.isArray(value) ? value : value ? value.split(/\s+/) : []).map((v) => v.trim()).filter(Boolean);

/** Strips "Re:", "Fwd:" and the like so replies share their conversation's subject. */
export const baseSubject = (subject: string) =>
  oneLine(subject).replace(/^(\s*(re|fwd?|aw|wg|sv|tr)(\[\d+\])?\s*:\s*)+/i, '').trim();

/** Encoded words can decode to line breaks; a subject stays on one line (and stays answerable). */
export const oneLine = (value: string) => value.replace(/[\r\n\t]+/g, ' ');

const fromParsed = (mail: ParsedMail, problem: string | null): ParsedRow => ({
  messageId: mail.messageId ?? null,
  inReplyTo: mail.inReplyTo ?? null,
  references: ids(mail.references),
  from: addresses(mail.from)[0] ?? null,
  to: addresses(mail.to),
  cc: addresses(mail.cc),
  replyTo: addresses(mail.replyTo),
  subject: oneLine(mail.subject ?? '').slice(0, 2000),
  date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null,
  text: mail.text ?? null,
  html: typeof mail.html === 'string' ? mail.html : null,
  attachments: mail.attachments.map((a, i) => ({
    filename: a.filename || `attachment-${i + 1}`,
    contentType: a.contentType || 'application/octet-stream',
    size: a.size ?? a.content.length,
    contentId: a.cid,
    content: a.content,
  })),
  problem,
});

/**
 * Parses a raw mail as far as it goes. A mail mailparser cannot read, or one over the size limit
 * (fetched as headers only), is kept with what could be read and a `problem` that says why.
 */
export const parseRaw = async (raw: RawMail): Promise<ParsedRow> => {
  try {
    const mail = await simpleParser(raw.source, { skipImageLinks: true, skipTextToHtml: true });
    return fromParsed(mail, raw.headersOnly ? `Too large (${raw.size} bytes): only the headers were fetched.` : null);
  } catch (error) {
    const headerEnd = raw.source.indexOf('\r\n\r\n');
    const headers = raw.source.subarray(0, headerEnd > 0 ? headerEnd + 4 : Math.min(raw.source.length, 64 * 1024));
    let partial: ParsedRow;
    try {
      partial = fromParsed(await simpleParser(headers), null);
    } catch {
      partial = fromParsed({ attachments: [], headers: new Map(), headerLines: [] } as unknown as ParsedMail, null);
    }
    // The whole source is kept, so deleting the mail on the server loses nothing.
    return { ...partial, text: raw.source.toString('utf8'), problem: `Could not be parsed: ${(error as Error).message}`.slice(0, 255) };
  }
};

/** Stores fetched mails once each, threads them into conversations, and moves the cursor. */
const ingestService = ({ strapi }: { strapi: Core.Strapi }) => {
  const q = (uid: string) => strapi.db.query(uid as any);

  /** The conversation a mail belongs to: by In-Reply-To/References, else null (a new one). */
  const findThread = async (server: string, row: ParsedRow, inBatch: Map<string, string>): Promise<string | null> => {
    const refs = [row.inReplyTo, ...row.references].filter(Boolean) as string[];
    for (const ref of refs) if (inBatch.has(ref)) return inBatch.get(ref)!;
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

  const addPeople = (participants: MailAddress[], people: MailAddress[]) => {
    for (const p of people) if (!participants.some((x) => x.address === p.address)) participants.push(p);
    return participants;
  };

  return {
    /**
     * One transaction per batch: the rows and the cursor are committed together, so a crash
     * either keeps both or neither, and a refetch finds the rows by their dedupe key.
     */
    async storeBatch(
      server: StoredServer,
      mails: RawMail[],
      position:
        | { protocol: 'imap'; mailbox: string; folder: string; cursor: ImapCursor; resync: boolean }
        | { protocol: 'pop3'; mailbox: string }
    ): Promise<{ stored: number; duplicates: string[] }> {
      const keyOf = (mail: RawMail) =>
        position.protocol === 'imap'
          ? `imap:${server.documentId}:${position.mailbox}:${position.cursor.uidValidity}:${mail.uid}`
          : `pop3:${server.documentId}:${position.mailbox}:${mail.uidl}`;
      // Parsed outside the transaction (it needs no lock) and one at a time (bounded memory).
      const parsed: Array<{ mail: RawMail; key: string; row: ParsedRow }> = [];
      for (const mail of mails) parsed.push({ mail, key: keyOf(mail), row: await parseRaw(mail) });
      let stored = 0;
      const duplicates: string[] = [];
      await strapi.db.transaction(async () => {
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
        const touched = new Map<string, { people: MailAddress[]; at: Date }>();
        const messages: Array<Record<string, unknown>> = [];
        const attachments: Array<Record<string, unknown>> = [];
        const inBatch = new Map<string, string>();
        for (const { mail, key, row } of parsed) {
          // The mailbox position first, the Message-ID second (an IMAP re-sync renumbers UIDs).
          if (known.has(key) || (row.messageId && knownIds.has(row.messageId))) {
            if (mail.uidl) duplicates.push(mail.uidl);
            continue;
          }
          known.add(key);
          if (row.messageId) knownIds.add(row.messageId);
          const at = row.date ?? new Date();
          const people = [row.from, ...row.replyTo].filter(Boolean) as MailAddress[];
          let conversation = await findThread(server.documentId, row, inBatch);
          if (conversation && newConversations.has(conversation)) {
            const c = newConversations.get(conversation)!;
            addPeople(c.participants, people);
            c.searchText = searchText(c.subject, c.participants);
            if (at > c.lastMessageAt) c.lastMessageAt = at;
          } else if (conversation) {
            const t = touched.get(conversation) ?? { people: [], at };
            addPeople(t.people, people);
            if (at > t.at) t.at = at;
            touched.set(conversation, t);
          } else {
            conversation = newDocumentId();
            const subject = baseSubject(row.subject) || '(no subject)';
            newConversations.set(conversation, {
              documentId: conversation,
              server: server.documentId,
              subject,
              status: 'open',
              participants: [...people],
              searchText: searchText(subject, people),
              lastMessageAt: at,
              unread: true,
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
            attachments: row.attachments.map(({ content: _content, ...meta }, index) => ({ ...meta, index })),
            size: mail.size,
            rawSize: mail.source.length,
            problem: row.problem,
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
        for (const [documentId, { people, at }] of touched) {
          const existing = await q(UIDS.conversation).findOne({ where: { documentId } });
          if (!existing) continue;
          const participants = addPeople(existing.participants ?? [], people);
          await q(UIDS.conversation).update({
            where: { id: existing.id },
            data: {
              participants,
              searchText: searchText(existing.subject ?? '', participants),
              lastMessageAt: at > new Date(existing.lastMessageAt ?? 0) ? at : existing.lastMessageAt,
              unread: true,
              status: 'open',
            },
          });
        }
        if (messages.length) await q(UIDS.inbound).createMany({ data: messages });
        // Attachments can be large: a few per statement.
        for (let i = 0; i < attachments.length; i += 5) {
          await q(UIDS.attachment).createMany({ data: attachments.slice(i, i + 5) });
        }
        stored = messages.length;
        if (position.protocol === 'imap') {
          await q(UIDS.mailboxState).update({
            where: { server: server.documentId },
            data: {
              folder: position.folder,
              mailbox: position.mailbox,
              uidValidity: position.cursor.uidValidity,
              lastUid: position.cursor.lastUid,
            },
          });
        }
      });
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

const searchText = (subject: string, people: MailAddress[]) =>
  [subject, ...people.flatMap((p) => [p.address, p.name ?? ''])].join(' ').toLowerCase().slice(0, 4000);

export { newDocumentId };
export type IngestService = ReturnType<typeof ingestService>;
export default ingestService;
