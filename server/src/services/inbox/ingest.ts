import type { Core } from '@strapi/strapi';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { MailAddress } from '../../../../shared/contracts/common';
import type { ImapCursor, RawMail } from '../../adapters/fetch-mailbox';
import { newDocumentId } from '../../utils/ids';
import { UIDS, pluginConfig } from '../../utils';
import { VARCHAR, cut, cutOrNull, withoutNul } from '../../utils/fit';
import { sanitizeMailHtml } from '../../utils/mail-html';
import type { StoredServer } from '../servers/servers';

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
  /** Raw from the parser; sanitised by `storable` before it is written. */
  html: string | null;
  attachments: Array<{ filename: string; contentType: string; size: number; contentId?: string; content: Buffer }>;
  problem: string | null;
}

/** RFC 5322's line limit: no real Message-ID or reference is longer. */
const MAX_ID = 998;
/** References used (and kept) for threading: the newest ones name the thread; 70,000 name a flood. */
const MAX_REFERENCES = 50;

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

/** A Date in the future is taken for the arrival time: a forged date must not sort a mail first. */
const arrival = (date: Date | undefined) => {
  if (!date || Number.isNaN(date.getTime())) return null;
  const now = new Date();
  return date > now ? now : date;
};

const fromParsed = (mail: ParsedMail, problem: string | null): ParsedRow => ({
  messageId: cutOrNull(mail.messageId, MAX_ID),
  inReplyTo: cutOrNull(mail.inReplyTo, MAX_ID),
  references: ids(mail.references).slice(-MAX_REFERENCES).map((id) => cut(id, MAX_ID)),
  from: addresses(mail.from)[0] ?? null,
  to: addresses(mail.to),
  cc: addresses(mail.cc),
  replyTo: addresses(mail.replyTo),
  subject: oneLine(mail.subject ?? '').slice(0, 2000),
  date: arrival(mail.date),
  text: mail.text ?? null,
  html: typeof mail.html === 'string' ? mail.html : null,
  attachments: mail.attachments.map((a, i) => ({
    filename: cut(a.filename || `attachment-${i + 1}`, VARCHAR),
    contentType: cut(a.contentType || 'application/octet-stream', VARCHAR),
    size: a.size ?? a.content.length,
    contentId: a.cid,
    content: a.content,
  })),
  problem,
});

/**
 * The header block without the fields that are too long to be real (a flood of References is
 * what makes mailparser give up on a mail): the rest still names the sender, subject and id.
 */
const readableHeaders = (source: Buffer) => {
  const end = source.indexOf('\r\n\r\n');
  // latin1 keeps every byte as it was, so 8-bit UTF-8 headers survive the round trip.
  const block = source.subarray(0, end > 0 ? end : Math.min(source.length, 64 * 1024)).toString('latin1');
  const fields = block.split(/\r?\n(?![ \t])/).filter((field) => field.length <= 16 * 1024);
  return Buffer.from(`${fields.join('\r\n')}\r\n\r\n`, 'latin1');
};

const note = (...parts: Array<string | null>) => parts.filter(Boolean).join(' ') || null;

/**
 * The HTML is sanitised once, here, and stored so; an HTML part over `maxHtmlBytes` is not kept
 * (the text, mailparser's own when the mail has no text part, is). No NUL anywhere: PostgreSQL
 * refuses them in text and jsonb.
 */
const storable = (row: ParsedRow, maxHtmlBytes: number): ParsedRow => {
  let { html, problem } = row;
  const bytes = html ? Buffer.byteLength(html) : 0;
  if (html && bytes > maxHtmlBytes) {
    problem = note(problem, `The HTML part (${bytes} bytes) is over the limit of ${maxHtmlBytes} bytes: it is shown as text.`);
    html = null;
  } else if (html) {
    html = sanitizeMailHtml(html);
  }
  return withoutNul({ ...row, html, problem });
};

export interface ParseLimits {
  maxHtmlBytes: number;
}

/**
 * Parses a raw mail as far as it goes. A mail mailparser cannot read, or one over the size limit
 * (fetched as headers only), is kept with what could be read and a `problem` that says why.
 */
export const parseRaw = async (raw: RawMail, limits: ParseLimits): Promise<ParsedRow> => storable(await parseAll(raw), limits.maxHtmlBytes);

const parseAll = async (raw: RawMail): Promise<ParsedRow> => {
  try {
    const mail = await simpleParser(raw.source, { skipImageLinks: true, skipTextToHtml: true });
    return fromParsed(mail, raw.headersOnly ? `Too large (${raw.size} bytes): only the headers were fetched.` : null);
  } catch (error) {
    let partial: ParsedRow;
    try {
      partial = fromParsed(await simpleParser(readableHeaders(raw.source)), null);
    } catch {
      partial = fromParsed({ attachments: [], headers: new Map(), headerLines: [] } as unknown as ParsedMail, null);
    }
    // The whole source is kept, so deleting the mail on the server loses nothing.
    return { ...partial, text: raw.source.toString('utf8'), problem: `Could not be parsed: ${(error as Error).message}`.slice(0, VARCHAR) };
  }
};

/** The database's error code (never its message, which can quote the mail). */
const errorCode = (error: unknown) => {
  const code = (error as any)?.code;
  return typeof code === 'string' && /^[0-9A-Z_]{1,16}$/.test(code) ? `database error ${code}` : 'database error';
};

const fitAddress = (a: MailAddress): MailAddress => ({ address: cut(a.address, VARCHAR), ...(a.name ? { name: cut(a.name, VARCHAR) } : {}) });

/**
 * What is kept of a mail the database refused: headers cut to a `string` column each, no body,
 * and the original mail as an attachment, so nothing is lost even when the server deletes it.
 */
const stubOf = ({ mail, row }: { mail: RawMail; row: ParsedRow }, error: unknown): ParsedRow =>
  withoutNul({
    messageId: cutOrNull(row.messageId, VARCHAR),
    inReplyTo: cutOrNull(row.inReplyTo, VARCHAR),
    references: row.references.slice(-10).map((id) => cut(id, VARCHAR)),
    from: row.from ? fitAddress(row.from) : null,
    to: row.to.slice(0, 20).map(fitAddress),
    cc: [],
    replyTo: row.replyTo.slice(0, 5).map(fitAddress),
    subject: cut(row.subject, VARCHAR),
    date: row.date,
    text: null,
    html: null,
    attachments: [{ filename: 'original.eml', contentType: 'message/rfc822', size: mail.source.length, content: mail.source }],
    problem: `Could not be stored (${errorCode(error)}): only some headers are shown; the original mail is attached.`,
  });

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

  type Position =
    | { protocol: 'imap'; mailbox: string; folder: string; cursor: ImapCursor; resync: boolean }
    | { protocol: 'pop3'; mailbox: string };
  type Item = { mail: RawMail; key: string; row: ParsedRow };

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
        htmlSafe: true,
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
    return { stored: messages.length, duplicates };
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
      for (const mail of mails) parsed.push({ mail, key: keyOf(mail), row: await parseRaw(mail, limits) });
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
          strapi.log.warn(`[email-server] A mail for "${server.name}" could not be stored (${errorCode(error)}): kept as a stub with the original attached.`);
          // A stub the database refuses too fails the batch: the cursor stays, nothing is lost.
          result = await strapi.db.transaction(() => write(server, [{ ...item, row: stubOf(item, error) }], position));
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

const searchText = (subject: string, people: MailAddress[]) =>
  [subject, ...people.flatMap((p) => [p.address, p.name ?? ''])].join(' ').toLowerCase().slice(0, 4000);

export type IngestService = ReturnType<typeof ingestService>;
export default ingestService;
