import type { MailboxObject } from 'imapflow';
import { imapClient, type IncomingConfig } from './incoming';
import { Pop3Client } from './pop3-client';

/** One mail as it came off the server; `headersOnly` when it was over the size limit. */
export interface RawMail {
  /** IMAP UID, or the POP3 message number. */
  uid: number;
  uidl?: string;
  size: number;
  source: Buffer;
  headersOnly: boolean;
}

/** Where an IMAP mailbox was left: its UIDVALIDITY and the highest UID stored. */
export interface ImapCursor {
  uidValidity: string;
  lastUid: number;
}

export interface FetchOptions {
  afterFetch: 'keep' | 'seen' | 'delete';
  /** First sync (or an IMAP UIDVALIDITY change): only mails of the last N days, at most M. */
  initialSyncDays: number;
  initialSyncMax: number;
  /** Mails above this many bytes are stored with their headers only. */
  maxMessageBytes: number;
  batchSize: number;
  /** A batch also stops at this many bytes, so memory stays bounded whatever the mail sizes. */
  maxBatchBytes: number;
  timeoutMs: number;
  /** Checked between batches, so a stopping Strapi ends a fetch at a batch boundary. */
  shouldStop?: () => boolean;
}

export interface FetchSummary {
  fetched: number;
}

/** Batches of at most `count` mails and `bytes` bytes (a bigger mail goes alone). */
const batches = <T>(items: T[], size: (item: T) => number, count: number, bytes: number): T[][] => {
  const out: T[][] = [];
  let current: T[] = [];
  let total = 0;
  for (const item of items) {
    if (current.length && (current.length >= count || total + size(item) > bytes)) {
      out.push(current);
      current = [];
      total = 0;
    }
    current.push(item);
    total += size(item);
  }
  if (current.length) out.push(current);
  return out;
};

/** 1,2,3,7,8 → "1:3,7:8": keeps a FETCH for thousands of UIDs short. */
const uidSet = (uids: number[]) => {
  const parts: string[] = [];
  for (let i = 0; i < uids.length; i++) {
    let j = i;
    while (j + 1 < uids.length && uids[j + 1] === uids[j] + 1) j++;
    parts.push(i === j ? `${uids[i]}` : `${uids[i]}:${uids[j]}`);
    i = j;
  }
  return parts.join(',');
};

/**
 * Fetches the mails newer than `cursor` and hands them to `store` a batch at a time. A batch is
 * marked seen or deleted on the server only after `store` resolved, that is once it is committed;
 * a mail kept with its headers only is never deleted.
 */
export const fetchImap = async (
  config: IncomingConfig,
  cursor: ImapCursor | null,
  options: FetchOptions,
  store: (batch: RawMail[], next: ImapCursor, resync: boolean) => Promise<void>
): Promise<FetchSummary> => {
  const client = imapClient(config, options.timeoutMs);
  let fetched = 0;
  try {
    await client.connect();
    const lock = await client.getMailboxLock(config.folder || 'INBOX');
    try {
      const mailbox = client.mailbox as MailboxObject;
      const uidValidity = String(mailbox.uidValidity);
      // Every UID below this existed when the mailbox was opened: the cursor may move up to it.
      const highestUid = Math.max(0, Number(mailbox.uidNext ?? 1) - 1);
      const resync = !cursor || cursor.uidValidity !== uidValidity;
      let uids: number[] = [];
      if (mailbox.exists > 0) {
        if (resync) {
          const since = new Date(Date.now() - options.initialSyncDays * 86_400_000);
          uids = ((await client.search({ since }, { uid: true })) || []).slice(-options.initialSyncMax);
        } else {
          // "n:*" always matches the last message, even below n: filter.
          uids = ((await client.search({ uid: `${cursor.lastUid + 1}:*` }, { uid: true })) || []).filter(
            (uid) => uid > cursor.lastUid
          );
        }
      }
      uids.sort((a, b) => a - b);
      const sizes = new Map<number, number>();
      if (uids.length) {
        for await (const msg of client.fetch(uidSet(uids), { uid: true, size: true }, { uid: true })) {
          sizes.set(msg.uid, msg.size ?? 0);
        }
      }
      const plan = batches(uids, (uid) => Math.min(sizes.get(uid) ?? 0, options.maxMessageBytes), options.batchSize, options.maxBatchBytes);
      let lastUid = resync ? 0 : cursor.lastUid;
      if (plan.length === 0 && (resync || highestUid > lastUid)) {
        // Nothing to fetch (or nothing recent on a first sync): start after what is there now,
        // so the next poll does not fall back to the whole mailbox.
        await store([], { uidValidity, lastUid: Math.max(lastUid, highestUid) }, resync);
      }

      for (const [index, batch] of plan.entries()) {
        if (options.shouldStop?.()) break;
        const small = batch.filter((uid) => (sizes.get(uid) ?? 0) <= options.maxMessageBytes);
        const large = batch.filter((uid) => (sizes.get(uid) ?? 0) > options.maxMessageBytes);
        const mails: RawMail[] = [];
        if (small.length) {
          // `source` is fetched with BODY.PEEK[]: reading a mail does not mark it seen.
          for await (const msg of client.fetch(uidSet(small), { uid: true, source: true }, { uid: true })) {
            mails.push({ uid: msg.uid, size: sizes.get(msg.uid) ?? 0, source: msg.source ?? Buffer.alloc(0), headersOnly: false });
          }
        }
        if (large.length) {
          for await (const msg of client.fetch(uidSet(large), { uid: true, headers: true }, { uid: true })) {
            mails.push({ uid: msg.uid, size: sizes.get(msg.uid) ?? 0, source: msg.headers ?? Buffer.alloc(0), headersOnly: true });
          }
        }
        mails.sort((a, b) => a.uid - b.uid);
        lastUid = Math.max(lastUid, ...batch, index === plan.length - 1 ? highestUid : 0);
        await store(mails, { uidValidity, lastUid }, resync);
        fetched += mails.length;
        if (options.afterFetch === 'seen') await client.messageFlagsAdd(uidSet(batch), ['\\Seen'], { uid: true });
        if (options.afterFetch === 'delete' && small.length) await client.messageDelete(uidSet(small), { uid: true });
      }
    } finally {
      lock.release();
    }
    await client.logout();
  } finally {
    client.close();
  }
  return { fetched };
};

export interface Pop3Known {
  /** Stored (or a duplicate of a stored mail): safe to delete from the server. */
  handled: Set<string>;
  /** Left out by the first sync's window: never fetched, never deleted. */
  skipped: Set<string>;
}

/**
 * Fetches the mails whose UIDL is not known yet, a batch at a time. DELE is sent after a batch is
 * committed and only takes effect at QUIT, so a fetch that fails midway deletes nothing; mails
 * handled by an earlier fetch whose QUIT never came are deleted by the next one.
 */
export const fetchPop3 = async (
  config: IncomingConfig,
  firstSync: boolean,
  options: FetchOptions,
  known: (uidls: string[]) => Promise<Pop3Known>,
  store: (batch: RawMail[], skipped: string[]) => Promise<void>
): Promise<FetchSummary> => {
  const client = new Pop3Client(config, options.timeoutMs);
  let fetched = 0;
  try {
    await client.connect(config.auth);
    const listing = await client.uidl();
    const sizes = await client.list();
    const { handled, skipped } = await known(listing.map((m) => m.uid));
    const deletable = (uidl: string) => options.afterFetch === 'delete' && handled.has(uidl);
    for (const m of listing) if (deletable(m.uid)) await client.dele(m.number);
    let fresh = listing.filter((m) => !handled.has(m.uid) && !skipped.has(m.uid));
    // POP3 has no dates before a mail is read: the first sync takes the newest N.
    let leftOut: string[] = [];
    if (firstSync && fresh.length > options.initialSyncMax) {
      leftOut = fresh.slice(0, fresh.length - options.initialSyncMax).map((m) => m.uid);
      fresh = fresh.slice(-options.initialSyncMax);
    }
    const plan = batches(fresh, (m) => Math.min(sizes.get(m.number) ?? 0, options.maxMessageBytes), options.batchSize, options.maxBatchBytes);
    if (plan.length === 0 && leftOut.length) await store([], leftOut);
    for (const [index, batch] of plan.entries()) {
      if (options.shouldStop?.()) break;
      const mails: RawMail[] = [];
      for (const { number, uid } of batch) {
        const size = sizes.get(number) ?? 0;
        const headersOnly = size > options.maxMessageBytes;
        const source = headersOnly ? await client.top(number, 0) : await client.retr(number);
        mails.push({ uid: number, uidl: uid, size, source, headersOnly });
      }
      await store(mails, index === 0 ? leftOut : []);
      fetched += mails.length;
      if (options.afterFetch === 'delete') for (const m of mails) if (!m.headersOnly) await client.dele(m.uid);
    }
    // Deletions only happen at QUIT, so only after every batch was committed.
    await client.quit();
  } finally {
    client.close();
  }
  return { fetched };
};
