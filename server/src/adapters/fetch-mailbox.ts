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
  timeoutMs: number;
  /** Checked between batches, so a stopping Strapi ends a fetch at a batch boundary. */
  shouldStop?: () => boolean;
}

export interface FetchSummary {
  fetched: number;
}

const chunk = <T>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Fetches the mails newer than `cursor` and hands them to `store` a batch at a time. A batch is
 * marked seen or deleted on the server only after `store` resolved, that is once it is committed.
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
      let lastUid = resync ? 0 : cursor.lastUid;

      for (const batch of chunk(uids, options.batchSize)) {
        if (options.shouldStop?.()) break;
        const sizes = new Map<number, number>();
        for await (const msg of client.fetch(batch.join(','), { uid: true, size: true }, { uid: true })) {
          sizes.set(msg.uid, msg.size ?? 0);
        }
        const small = batch.filter((uid) => (sizes.get(uid) ?? 0) <= options.maxMessageBytes);
        const large = batch.filter((uid) => (sizes.get(uid) ?? 0) > options.maxMessageBytes);
        const mails: RawMail[] = [];
        if (small.length) {
          // `source` is fetched with BODY.PEEK[]: reading a mail does not mark it seen.
          for await (const msg of client.fetch(small.join(','), { uid: true, source: true }, { uid: true })) {
            mails.push({ uid: msg.uid, size: sizes.get(msg.uid) ?? 0, source: msg.source ?? Buffer.alloc(0), headersOnly: false });
          }
        }
        if (large.length) {
          for await (const msg of client.fetch(large.join(','), { uid: true, headers: true }, { uid: true })) {
            mails.push({ uid: msg.uid, size: sizes.get(msg.uid) ?? 0, source: msg.headers ?? Buffer.alloc(0), headersOnly: true });
          }
        }
        mails.sort((a, b) => a.uid - b.uid);
        lastUid = Math.max(lastUid, ...batch);
        await store(mails, { uidValidity, lastUid }, resync);
        fetched += mails.length;
        if (options.afterFetch === 'seen') await client.messageFlagsAdd(batch.join(','), ['\\Seen'], { uid: true });
        if (options.afterFetch === 'delete') await client.messageDelete(batch.join(','), { uid: true });
      }
      if (uids.length === 0 && resync) await store([], { uidValidity, lastUid }, resync);
    } finally {
      lock.release();
    }
    await client.logout();
  } finally {
    client.close();
  }
  return { fetched };
};

/**
 * Fetches the mails whose UIDL `known` does not report, a batch at a time. DELE is sent after a
 * batch is committed, and only takes effect at QUIT: a fetch that fails midway deletes nothing.
 */
export const fetchPop3 = async (
  config: IncomingConfig,
  firstSync: boolean,
  options: FetchOptions,
  known: (uidls: string[]) => Promise<Set<string>>,
  store: (batch: RawMail[]) => Promise<void>
): Promise<FetchSummary> => {
  const client = new Pop3Client(config, options.timeoutMs);
  let fetched = 0;
  try {
    await client.connect(config.auth);
    const listing = await client.uidl();
    const sizes = await client.list();
    const seen = await known(listing.map((m) => m.uid));
    let fresh = listing.filter((m) => !seen.has(m.uid));
    // POP3 has no dates before a mail is read: the first sync takes the newest N.
    if (firstSync) fresh = fresh.slice(-options.initialSyncMax);
    for (const batch of chunk(fresh, options.batchSize)) {
      if (options.shouldStop?.()) break;
      const mails: RawMail[] = [];
      for (const { number, uid } of batch) {
        const size = sizes.get(number) ?? 0;
        const headersOnly = size > options.maxMessageBytes;
        const source = headersOnly ? await client.top(number, 0) : await client.retr(number);
        mails.push({ uid: number, uidl: uid, size, source, headersOnly });
      }
      await store(mails);
      fetched += mails.length;
      if (options.afterFetch === 'delete') for (const { number } of batch) await client.dele(number);
    }
    // Deletions only happen at QUIT, so only after every batch was committed.
    await client.quit();
  } finally {
    client.close();
  }
  return { fetched };
};
