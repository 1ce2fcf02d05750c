import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { describeError, scrub } from '../../adapters/describe-error';
import { loginSecret, usesToken } from '../../adapters/xoauth2';
import { fetchImap, fetchPop3, type FetchOptions } from '../../adapters/fetch-mailbox';
import type { IncomingConfig } from '../../adapters/incoming';
import { UIDS, getService, pluginConfig } from '../../utils';
import { instanceOwnerId, newDocumentId } from '../../utils/ids';
import { rawTable } from '../../utils/raw-table';
import { createTicker } from '../../utils/ticker';
import { liftAccountPauses, pauseForAttention } from './attention';
import { AccountNeededError, assertAccount, incomingLogin, refusedLogin } from './incoming-login';
import { UnreadableSecretError } from '../servers/server-config';
import type { StoredServer } from '../servers/servers';

export interface FetchResult {
  fetched: number;
  stored: number;
}

/** Polling of this server is paused until a person acts; nothing may log in meanwhile. */
export class NeedsAttentionError extends errors.ApplicationError {}

/** A failure to store what was fetched: the mail server is fine, the batch will be fetched again. */
class StoreError extends Error {
  constructor(readonly cause: unknown) {
    super('Storing the fetched mail failed; it will be fetched again at the next poll.');
  }
}

const mailboxId = (incoming: IncomingConfig) =>
  crypto
    .createHash('sha256')
    .update(`${incoming.protocol}:${incoming.auth.username}@${incoming.host}:${incoming.port}/${incoming.folder || 'INBOX'}`.toLowerCase())
    .digest('hex')
    .slice(0, 16);

const isAuthFailure = (error: any) => refusedLogin(error) || /Authentication failed/.test(describeError(error, ''));

/**
 * Polls every enabled server with an incoming protocol. A poll holds a lease row in the database
 * (`mailbox-state`), so one server is never fetched twice at once, in one process or across
 * several Strapi instances on the same database.
 */
const pollerService = ({ strapi }: { strapi: Core.Strapi }) => {
  const owner = instanceOwnerId();
  const running = new Map<string, Promise<FetchResult>>();
  let stopping = false;
  const config = () => pluginConfig(strapi).incoming;
  const states = () => strapi.db.query(UIDS.mailboxState);

  const table = () => rawTable(strapi, UIDS.mailboxState);

  const ensureState = async (server: string) => {
    if (await states().findOne({ where: { server } })) return;
    try {
      await states().create({ data: { documentId: newDocumentId(), server, failures: 0, authFailures: 0 } });
    } catch {
      // Another instance created it first: the unique index on server said so.
    }
  };

  const acquire = async (server: string): Promise<boolean> => {
    await ensureState(server);
    const { knex, col } = table();
    const now = Date.now();
    const taken = await knex()
      .where(col('server'), server)
      .andWhere((w) => w.whereNull(col('leaseUntil')).orWhere(col('leaseUntil'), '<', now))
      .update({ [col('leaseOwner')]: owner, [col('leaseUntil')]: now + config().leaseMs });
    return Number(taken) === 1;
  };

  /** Extends our lease; false when another poller took it (ours expired). */
  const renew = async (server: string) => {
    const updated = await table().update({ server, leaseOwner: owner }, { leaseUntil: Date.now() + config().leaseMs });
    return Number(updated) === 1;
  };

  const release = (server: string, patch: Record<string, unknown>) =>
    table().update({ server, leaseOwner: owner }, { leaseOwner: null, leaseUntil: null, ...patch });

  /** Waits for a person; an account to connect (again) lifts it by itself. Written before the lease goes. */
  const pauseAndRelease = async (server: StoredServer, error: Error) => {
    await pauseForAttention(strapi, server, error.message, { untilConnected: error instanceof AccountNeededError });
    await release(server.documentId, {});
    // The list shows why polling stopped, not the last good poll.
    await getService(strapi, 'servers').recordPoll(server, false, error.message).catch(() => undefined);
    return new NeedsAttentionError(error.message);
  };

  /** After a failed attempt: the next one waits longer each time (a down provider or mail server is not hammered). */
  const backoff = (server: StoredServer, state: any, message: string, auth: boolean) => {
    const failures = (state?.failures ?? 0) + 1;
    const authFailures = auth ? (state?.authFailures ?? 0) + 1 : 0;
    const seconds = Math.min((server.pollIntervalSeconds ?? 60) * 2 ** Math.min(failures, 10), config().maxBackoffSeconds);
    return { failures, authFailures, lastError: message, nextPollAt: Date.now() + seconds * 1000 };
  };

  const fetchLeased = async (server: StoredServer): Promise<FetchResult> => {
    let state: any;
    let incoming: IncomingConfig;
    try {
      // A secret that does not decrypt, or a host in a refused network: nothing connects, and
      // polling waits for a person (an edit clears the flag; connecting the account, its own pause).
      assertAccount(server);
      const problem = await getService(strapi, 'servers').connectionProblem(server, 'incoming');
      if (problem) throw new NeedsAttentionError(problem);
      state = await states().findOne({ where: { server: server.documentId } });
      incoming = await incomingLogin(strapi, server);
    } catch (error) {
      if (error instanceof UnreadableSecretError || error instanceof NeedsAttentionError || error instanceof AccountNeededError) {
        throw await pauseAndRelease(server, error);
      }
      // The token endpoint failed for now: tried again after the usual backoff, not at every tick.
      const message = String((error as Error)?.message ?? error).slice(0, 255);
      await release(server.documentId, state ? backoff(server, state, message, false) : {});
      await getService(strapi, 'servers').recordPoll(server, false, message).catch(() => undefined);
      throw new errors.ApplicationError(`Fetching mail for "${server.name}" failed: ${message}`);
    }
    const ingest = getService(strapi, 'ingest');
    const options: FetchOptions = {
      afterFetch: (server.afterFetch as FetchOptions['afterFetch']) ?? 'keep',
      initialSyncDays: config().initialSyncDays,
      initialSyncMax: config().initialSyncMax,
      maxMessageBytes: config().maxMessageBytes,
      batchSize: config().batchSize,
      maxBatchBytes: config().maxBatchBytes,
      timeoutMs: config().timeoutMs,
      shouldStop: () => stopping,
    };
    // The cursor and the dedupe keys belong to one mailbox: another user, host or folder on the
    // same server entry starts over instead of skipping mail below an unrelated UID.
    const mailbox = mailboxId(incoming);
    const sameMailbox = state?.mailbox === mailbox;
    const skipped = new Set<string>(sameMailbox ? state?.skippedUidls ?? [] : []);
    const duplicates = new Set<string>(sameMailbox ? state?.duplicateUidls ?? [] : []);
    let stored = 0;
    const storing = async (fn: () => Promise<{ stored: number; duplicates: string[] }>) => {
      try {
        const result = await fn();
        result.duplicates.forEach((u) => duplicates.add(u));
        return result.stored;
      } catch (error) {
        throw new StoreError(error);
      }
    };
    const keepLease = async () => {
      if (!(await renew(server.documentId))) throw new Error('The poll lease was lost to another poller.');
    };
    try {
      const fetchFrom = (config: IncomingConfig) =>
        config.protocol === 'imap'
          ? fetchImap(
              config,
              sameMailbox && state?.uidValidity ? { uidValidity: state.uidValidity, lastUid: Number(state.lastUid ?? 0) } : null,
              options,
              async (batch, cursor, resync) => {
                await keepLease();
                stored += await storing(() =>
                  ingest.storeBatch(server, batch, { protocol: 'imap', mailbox, folder: incoming.folder || 'INBOX', cursor, resync })
                );
              }
            )
          : fetchPop3(
              config,
              !(sameMailbox && state?.lastFetchAt),
              options,
              async (uidls) => {
                const handled = await ingest.knownUidls(server, mailbox, uidls);
                duplicates.forEach((u) => handled.add(u));
                return { handled, skipped };
              },
              async (batch, leftOut) => {
                await keepLease();
                leftOut.forEach((u) => skipped.add(u));
                stored += await storing(() => ingest.storeBatch(server, batch, { protocol: 'pop3', mailbox }));
              }
            );
      let fetched: number;
      try {
        ({ fetched } = await fetchFrom(incoming));
      } catch (error) {
        if (!usesToken(incoming.auth) || !isAuthFailure(error)) throw error;
        // A token refused before its time (revoked, a clock apart): renewed once, then the usual failure path.
        incoming = await incomingLogin(strapi, server, true);
        ({ fetched } = await fetchFrom(incoming));
      }
      await release(server.documentId, {
        mailbox,
        // Bounded: a UIDL that left the maildrop long ago no longer matters.
        skippedUidls: [...skipped].slice(-50_000),
        duplicateUidls: [...duplicates].slice(-10_000),
        failures: 0,
        authFailures: 0,
        lastError: null,
        lastFetchAt: new Date(),
        nextPollAt: Date.now() + (server.pollIntervalSeconds ?? 60) * 1000,
      });
      await getService(strapi, 'servers').recordPoll(server, true, `Fetched ${fetched}, stored ${stored}.`);
      return { fetched, stored };
    } catch (error) {
      if (error instanceof AccountNeededError) throw await pauseAndRelease(server, error);
      if (error instanceof StoreError) {
        // The database's own message can quote mail content: it goes to the log, not the admin.
        strapi.log.error(`[email-server] Storing mail for "${server.name}" failed: ${String((error.cause as Error)?.message).slice(0, 200)}`);
      }
      const message = error instanceof StoreError ? error.message : scrub(describeError(error, incoming), [loginSecret(incoming.auth)]).slice(0, 255);
      const failed = backoff(server, state, message, isAuthFailure(error));
      const { authFailures } = failed;
      // The pause is written before the lease goes: no other instance may log in between.
      if (authFailures > 0 && authFailures >= config().maxAuthFailures) {
        await pauseForAttention(
          strapi,
          server,
          `Polling paused after ${authFailures} failed logins: ${message} Edit the server or test its connection to resume.`
        );
      }
      await release(server.documentId, failed);
      await getService(strapi, 'servers').recordPoll(server, false, message).catch(() => undefined);
      strapi.log.warn(`[email-server] Fetching mail for "${server.name}" failed: ${message}`);
      throw new errors.ApplicationError(`Fetching mail for "${server.name}" failed: ${message}`);
    }
  };

  const service = {
    /** Fetches one server now; refuses when another poll of it holds the lease. */
    async fetchNow(server: StoredServer): Promise<FetchResult> {
      if (server.type !== 'smtp' || !server.incomingProtocol) {
        throw new errors.ApplicationError(`The email server "${server.name}" has no incoming mail server.`);
      }
      if (!server.enabled) throw new errors.ApplicationError(`The email server "${server.name}" is disabled.`);
      // Logging in again after repeated failures gets accounts locked and addresses banned.
      if (server.incomingAttention) throw new NeedsAttentionError(server.incomingAttention);
      const inFlight = running.get(server.documentId);
      if (inFlight) return inFlight;
      if (!(await acquire(server.documentId))) {
        throw new errors.ApplicationError(`Mail for "${server.name}" is being fetched right now; try again in a moment.`);
      }
      // Read again under the lease: another instance may have paused it since `server` was read.
      const fresh = await getService(strapi, 'servers').findOne(server.documentId);
      if (!fresh || fresh.incomingAttention || !fresh.enabled) {
        await release(server.documentId, {});
        if (fresh?.incomingAttention) throw new NeedsAttentionError(fresh.incomingAttention);
        throw new errors.ApplicationError(`The email server "${server.name}" is ${fresh ? 'disabled' : 'deleted'}.`);
      }
      const job = fetchLeased(fresh).finally(() => running.delete(server.documentId));
      running.set(server.documentId, job);
      return job;
    },

    /** One pass: every due server whose lease is free. */
    async tick() {
      if (stopping) return;
      await liftAccountPauses(strapi);
      const servers = (await strapi.db.query(UIDS.server).findMany({
        where: { type: 'smtp', enabled: true, incomingProtocol: { $notNull: true }, incomingAttention: { $null: true } },
      })) as StoredServer[];
      const due = await states().findMany({ where: { server: { $in: servers.map((s) => s.documentId) } } });
      const nextPoll = new Map(due.map((s: any) => [s.server, Number(s.nextPollAt ?? 0)]));
      for (const server of servers) {
        if (stopping) return;
        if ((nextPoll.get(server.documentId) ?? 0) > Date.now() || running.has(server.documentId)) continue;
        await service.fetchNow(server).catch(() => undefined);
      }
    },

    /** After an edit or a good connection test: forget failures and poll at the next tick. */
    async resume(server: string) {
      await states().updateMany({ where: { server }, data: { failures: 0, authFailures: 0, nextPollAt: 0, lastError: null, accountPause: false } });
    },

    start() {
      if (!config().polling) return;
      stopping = false;
      ticker.start();
    },

    /** Stops polling and waits for running fetches to reach a batch boundary. */
    async stop() {
      stopping = true;
      // A tick may be between taking a lease and registering its fetch: wait for it first.
      await ticker.stop();
      await Promise.allSettled([...running.values()]);
    },
  };
  const ticker = createTicker(service.tick, () => config().tickMs, (error) => {
    strapi.log.error(`[email-server] poller: ${error?.message}`);
  });
  return service;
};

export type PollerService = ReturnType<typeof pollerService>;
export default pollerService;
