import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { appendToSent } from '../../adapters/sent-folder';
import { scrub } from '../../adapters/describe-error';
import { loginSecret } from '../../adapters/xoauth2';
import type { Attachment } from '../../adapters/types';
import { UIDS, getService, pluginConfig } from '../../utils';
import { newDocumentId } from '../../utils/ids';
import type { UploadedFile } from '../../utils/multipart';
import { fieldError } from '../../utils/validate';
import { fit } from '../../utils/fit';
import type { MailAddress } from '../../../../shared/contracts/common';
import type { ForwardInput, ReplyInput } from '../../../../shared/contracts/inbox';
import type { StoredServer } from '../servers/servers';
import { withIncomingLogin } from './incoming-login';
import { baseSubject } from './threading';

export interface SendingAgent {
  id?: number;
  email?: string;
}

/** A file to send: uploaded (a temp file) or the bytes of a stored attachment (a forward). */
type OutgoingFile = { filename: string; contentType: string; size: number } & ({ path: string } | { content: Buffer });

/** As many as the reply box may give in To or Cc (shared/validation/inbox.ts `addressList`). */
const MAX_RECIPIENTS = 50;

const key = (a: MailAddress) => a.address.trim().toLowerCase();

/** Addresses not yet in `seen`, case-insensitively, each once; `seen` grows. */
const fresh = (list: MailAddress[], seen: Set<string>) =>
  list.filter((a) => {
    if (!a?.address || seen.has(key(a))) return false;
    seen.add(key(a));
    return true;
  });

const PART_BYTES = 1024 * 1024;

/** A file in parts of PART_BYTES: an uploaded one read from disk a part at a time. */
async function* partsOf(file: OutgoingFile): AsyncGenerator<Buffer> {
  if ('content' in file) {
    for (let at = 0; at < file.content.length || at === 0; at += PART_BYTES) yield file.content.subarray(at, at + PART_BYTES);
    return;
  }
  let empty = true;
  for await (const chunk of fs.createReadStream(file.path, { highWaterMark: PART_BYTES })) {
    empty = false;
    yield chunk as Buffer;
  }
  if (empty) yield Buffer.alloc(0);
}

const listLine = (list: MailAddress[] | null | undefined) =>
  (list ?? []).map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');

const replyService = ({ strapi }: { strapi: Core.Strapi }) => {
  const q = (uid: string) => strapi.db.query(uid as any);

  /**
   * The addresses of every server of ours (sender, reply-to, the incoming login when it is an
   * address): a reply-all never writes to ourselves.
   */
  const ownAddresses = async () => {
    const rows = await q(UIDS.server).findMany({ select: ['senderEmail', 'replyTo', 'incomingUsername'] });
    const own = new Set<string>();
    for (const row of rows) {
      for (const value of [row.senderEmail, row.replyTo, row.incomingUsername]) {
        if (typeof value === 'string' && value.includes('@')) own.add(value.trim().toLowerCase());
      }
    }
    return own;
  };

  /** The newest inbound mail by arrival (the order we stored them in), not by its Date header. */
  const lastInbound = (documentId: string) =>
    q(UIDS.inbound).findOne({ where: { conversation: documentId }, orderBy: [{ id: 'desc' }] });

  /**
   * A reply-all to `last`: its Reply-To (else From), and in Cc its other To and Cc addresses,
   * without ours and without the To again.
   */
  const replyAllOf = (last: any, own: Set<string>) => {
    const seen = new Set<string>();
    const to = fresh(last?.replyTo?.length ? last.replyTo : last?.from ? [last.from] : [], seen);
    own.forEach((a) => seen.add(a));
    const cc = fresh([...(last?.to ?? []), ...(last?.cc ?? [])], seen);
    return { to, cc };
  };

  const serverOf = async (conversation: any) => {
    const server = (await q(UIDS.server).findOne({ where: { documentId: conversation.server } })) as StoredServer | null;
    if (!server) throw new errors.ApplicationError('The email server of this conversation was deleted.');
    if (!server.enabled) throw new errors.ApplicationError(`The email server "${server.name}" is disabled.`);
    return server;
  };

  const conversationOf = async (documentId: string) => {
    const row = await q(UIDS.conversation).findOne({ where: { documentId } });
    if (!row) throw new errors.NotFoundError('Conversation not found.');
    return row;
  };

  /**
   * IMAP servers keep a copy of what was sent in their Sent folder, so the mailbox opened in
   * another mail client shows the answer. Answers why it could not, or null.
   */
  const saveToSent = async (server: StoredServer, rawFile: string, date: Date): Promise<string | null> => {
    if (server.incomingProtocol !== 'imap' || server.sentFolder === '' || !fs.existsSync(rawFile)) return null;
    const wanted = server.sentFolder ?? null;
    const note = (folder: string, reason: string) => `Sent, but not saved to the Sent folder "${folder}": ${reason}`;
    const secrets: Array<string | undefined> = [];
    // Polling paused after failed logins: one more login per reply could lock the account.
    if (server.incomingAttention) return note(wanted ?? 'Sent', `the incoming server needs attention (${server.incomingAttention})`);
    try {
      const problem = await getService(strapi, 'servers').connectionProblem(server, 'incoming');
      if (problem) return note(wanted ?? 'Sent', problem);
      const raw = await fs.promises.readFile(rawFile);
      // A password, or an OAuth2 token renewed once if the server refuses it.
      const result = await withIncomingLogin(strapi, server, (config) => {
        secrets.push(loginSecret(config.auth));
        return appendToSent(config, raw, date, wanted, pluginConfig(strapi).incoming.timeoutMs);
      });
      return result.error ? note(result.folder, scrub(result.error, secrets).slice(0, 500)) : null;
    } catch (error: any) {
      return note(wanted ?? 'Sent', scrub(String(error?.message ?? error), secrets).slice(0, 500));
    }
  };

  /**
   * Sends one mail of an agent through the conversation's server and stores it in the thread once
   * the server accepted it (a failure stores nothing). The MIME message is built once, in a temp
   * file: the same bytes go to SMTP and to the Sent folder, and attachments stream from disk.
   */
  const deliver = async (
    conversation: any,
    server: StoredServer,
    mail: {
      to: MailAddress[];
      cc: MailAddress[];
      bcc: MailAddress[];
      subject: string;
      text: string;
      html?: string | null;
      inReplyTo: string | null;
      references: string[];
      headers: Record<string, string>;
      files: OutgoingFile[];
    },
    agent: SendingAgent
  ) => {
    const domain = String(server.senderEmail).split('@')[1] ?? 'localhost';
    const messageId = `<${crypto.randomUUID()}@${domain}>`;
    const date = new Date();
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'email-server-mail-'));
    const rawFile = path.join(dir, 'message.eml');
    try {
      const attachments: Attachment[] = mail.files.map((f) =>
        'path' in f ? { filename: f.filename, contentType: f.contentType, path: f.path } : { filename: f.filename, contentType: f.contentType, content: f.content }
      );
      // The server that took it: the conversation's, or its fallback when that one could not.
      const { server: took } = await getService(strapi, 'mailer').deliver(server, {
        to: mail.to.map((a) => a.address),
        cc: mail.cc.map((a) => a.address),
        bcc: mail.bcc.map((a) => a.address),
        subject: mail.subject,
        text: mail.text,
        html: mail.html ?? undefined,
        headers: mail.headers,
        messageId,
        date,
        attachments,
        // Only our own temp files are named by path.
        allowFileAccess: true,
        composeTo: rawFile,
      });
      const documentId = newDocumentId();
      const stored = await q(UIDS.outbound).create({
        data: {
          documentId,
          server: took.documentId,
          messageId,
          inReplyTo: mail.inReplyTo,
          references: mail.references,
          from: { address: took.senderEmail, ...(took.senderName ? { name: took.senderName } : {}) },
          to: mail.to,
          cc: mail.cc,
          bcc: mail.bcc,
          subject: mail.subject,
          date,
          text: mail.text,
          html: mail.html ?? null,
          attachments: mail.files.map((f, index) => ({ filename: f.filename, contentType: f.contentType, size: f.size, index })),
          problem: null,
          conversation: conversation.documentId,
          sentBy: agent.email ?? null,
          sentById: agent.id ?? null,
        },
      });
      for (const [index, f] of mail.files.entries()) {
        const row = { message: documentId, index, filename: fit(f.filename, 1000), contentType: fit(f.contentType, 255), size: f.size };
        let part = 0;
        for await (const chunk of partsOf(f)) await q(UIDS.attachment).create({ data: { ...row, part: part++, content: chunk.toString('base64') } });
      }
      await q(UIDS.conversation).update({ where: { id: conversation.id }, data: { lastMessageAt: date } });
      // Stored first: a failed or slow append (or a restart meanwhile) must not lose the record of a sent mail.
      // The conversation's mailbox keeps the copy, whichever server took the mail.
      const problem = await saveToSent(server, rawFile, date);
      if (!problem) return stored;
      strapi.log.warn(`[email-server] "${server.name}": ${problem}`);
      return q(UIDS.outbound).update({ where: { id: stored.id }, data: { problem } });
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  };

  /** Explicit addresses keep the names the thread already knows for them. */
  const named = (addresses: string[], last: any): MailAddress[] => {
    const known = new Map<string, MailAddress>();
    for (const a of [last?.from, ...(last?.replyTo ?? []), ...(last?.to ?? []), ...(last?.cc ?? [])]) if (a?.address) known.set(key(a), a);
    return fresh(
      addresses.map((address) => known.get(address.toLowerCase()) ?? { address }),
      new Set()
    );
  };

  return {
    /** Who a reply-all to the conversation goes to, for the reply box. */
    async recipients(documentId: string) {
      const last = await lastInbound(documentId);
      return replyAllOf(last, await ownAddresses());
    },

    /**
     * The agent's reply, threaded to the last inbound mail. Without `to` and `cc` it goes to
     * everyone (reply-all); files are the uploaded attachments.
     */
    async reply(documentId: string, input: ReplyInput, files: UploadedFile[], agent: SendingAgent) {
      const conversation = await conversationOf(documentId);
      const last = await lastInbound(documentId);
      if (!last) throw new errors.ApplicationError('This conversation has no message to reply to.');
      const server = await serverOf(conversation);

      const all = input.to === undefined && input.cc === undefined;
      const seen = new Set<string>();
      const { to, cc } = all ? replyAllOf(last, await ownAddresses()) : { to: named(input.to ?? [], last), cc: named(input.cc ?? [], last) };
      fresh(to, seen);
      const ccOnly = fresh(cc, seen);
      const bcc = fresh(named(input.bcc ?? [], last), seen);
      if (all && to.length + ccOnly.length > MAX_RECIPIENTS) {
        throw fieldError('cc', `Answering everyone would write to ${to.length + ccOnly.length} addresses; a reply takes at most ${MAX_RECIPIENTS}: choose who to answer.`);
      }
      if (to.length + ccOnly.length + bcc.length === 0) {
        throw fieldError('to', all ? 'The last message has no sender address to reply to: give an address.' : 'Give at least one recipient.');
      }
      const subject = `Re: ${baseSubject(last.subject ?? '') || conversation.subject || ''}`.trim();
      const references = [...(last.references ?? []), last.messageId].filter(Boolean).slice(-20);
      const headers: Record<string, string> = {};
      if (last.messageId) headers['In-Reply-To'] = last.messageId;
      if (references.length) headers.References = references.join(' ');
      return deliver(
        conversation,
        server,
        { to, cc: ccOnly, bcc, subject, text: input.text, html: input.html, inReplyTo: last.messageId ?? null, references, headers, files },
        agent
      );
    },

    /** The conversation's last inbound mail, with its attachments, to someone new. */
    async forward(documentId: string, input: ForwardInput, agent: SendingAgent) {
      const conversation = await conversationOf(documentId);
      const last = await lastInbound(documentId);
      if (!last) throw new errors.ApplicationError('This conversation has no message to forward.');
      const server = await serverOf(conversation);
      const to = named(input.to, last);
      const stored = await q(UIDS.attachment).findMany({ where: { message: last.documentId }, orderBy: [{ index: 'asc' }, { part: 'asc' }, { id: 'asc' }] });
      const byIndex = new Map<number, any[]>();
      for (const row of stored) byIndex.set(row.index, [...(byIndex.get(row.index) ?? []), row]);
      const files: OutgoingFile[] = [...byIndex.values()].map((rows) => {
        const content = Buffer.concat(rows.map((row) => Buffer.from(row.content ?? '', 'base64')));
        return { filename: rows[0].filename ?? 'attachment', contentType: rows[0].contentType ?? 'application/octet-stream', size: content.length, content };
      });
      const quoted = [
        '---------- Forwarded message ---------',
        `From: ${listLine(last.from ? [last.from] : [])}`,
        `Date: ${last.date ? new Date(last.date).toUTCString() : ''}`,
        `Subject: ${last.subject ?? ''}`,
        `To: ${listLine(last.to)}`,
        ...(last.cc?.length ? [`Cc: ${listLine(last.cc)}`] : []),
        '',
        last.text ?? '',
      ].join('\n');
      const text = input.text ? `${input.text}\n\n${quoted}` : quoted;
      const subject = `Fwd: ${baseSubject(last.subject ?? '') || conversation.subject || ''}`.trim();
      // Thread the forward with the original for mail clients, without claiming to answer it.
      const references = [...(last.references ?? []), last.messageId].filter(Boolean).slice(-20);
      const headers: Record<string, string> = references.length ? { References: references.join(' ') } : {};
      return deliver(conversation, server, { to, cc: [], bcc: [], subject, text, inReplyTo: null, references, headers, files }, agent);
    },
  };
};

export type ReplyService = ReturnType<typeof replyService>;
export default replyService;
