import crypto from 'node:crypto';
import os from 'node:os';
import type { Core } from '@strapi/strapi';
import { classifySendgridFailure, classifySmtpFailure, type Failure } from '../../adapters/classify-failure';
import { describeError, scrub } from '../../adapters/describe-error';
import { SENDGRID_LIMITS, describeSendgridError, type BatchRecipient, type SendgridTransport } from '../../adapters/sendgrid';
import type { SmtpTransport } from '../../adapters/smtp';
import { render, toSubstitutionTemplate } from './template';
import { variablesOf } from '../../../../shared/validation/campaigns';
import { UIDS, getService, pluginConfig } from '../../utils';
import { rawTable } from '../../utils/raw-table';
import { fit } from '../../utils/fit';
import { createTicker } from '../../utils/ticker';
import type { StoredCampaign } from './campaigns';
import type { StoredServer } from '../servers/servers';

interface ClaimedRow {
  id: number;
  campaign: string;
  email: string;
  emailKey: string;
  data: Record<string, string> | null;
  attempts: number;
}

type Outcome = { row: ClaimedRow; ok: true; messageId?: string } | { row: ClaimedRow; ok: false; failure: Failure; message: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn` over `items` with at most `limit` at once; `fn` must not throw (outcomes are values). */
const mapLimit = async <T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> => {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  });
  await Promise.all(lanes);
  return out;
};

/** The size of `lastError` and `pauseReason` (text columns): a relay's reply fits, a flood does not. */
const ERROR_CHARS = 1000;

const domainOf = (address: string) => address.split('@')[1] || 'localhost';

/**
 * The durable campaign queue. Every recipient is a row; a worker claims a batch of rows by moving
 * them from `queued` to `sending` under a lease in one conditional UPDATE, sends them within the
 * server's shared throttle, and records each outcome. A worker that dies leaves its rows in
 * `sending`; once the lease runs out another worker claims them again. So a recipient gets a
 * second mail only if a worker died after the server accepted the mail and before the outcome
 * was written: at most `claimBatch` rows (1,000 for SendGrid) per worker at the instant of a crash.
 *
 * One worker per server per instance; several instances each run theirs, sharing rows, rate and
 * connection slots through the database.
 */
const campaignQueueService = ({ strapi }: { strapi: Core.Strapi }) => {
  const owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
  const workers = new Map<string, Promise<void>>();
  const consecutiveFailures = new Map<string, number>();
  let stopping = false;
  let prunedAt = 0;
  let batchNumber = 0;
  const config = () => pluginConfig(strapi).campaigns;
  const campaigns = () => strapi.db.query(UIDS.campaign);
  const recipients = () => strapi.db.query(UIDS.recipient);
  const table = () => rawTable(strapi, UIDS.recipient);

  /** Moves up to `limit` due rows of these campaigns to `sending` under a lease token of ours. */
  const claim = async (campaignIds: string[], limit: number): Promise<{ token: string; rows: ClaimedRow[]; due: number }> => {
    const token = `${owner}:${++batchNumber}`;
    const { knex, col } = table();
    const now = Date.now();
    const due = (w: any) =>
      w
        .where((q: any) => q.where(col('status'), 'queued').andWhere(col('nextAttemptAt'), '<=', now))
        .orWhere((q: any) => q.where(col('status'), 'sending').andWhere(col('leaseUntil'), '<', now));
    const ids = (
      await knex().select('id').whereIn(col('campaign'), campaignIds).andWhere(due).orderBy('id').limit(limit)
    ).map((r: any) => r.id);
    if (ids.length === 0) return { token, rows: [], due: 0 };
    // The condition is repeated: of two workers that picked the same ids, one update wins each row.
    await knex()
      .whereIn('id', ids)
      .andWhere(due)
      .update({
        [col('status')]: 'sending',
        [col('leaseOwner')]: token,
        [col('leaseUntil')]: now + config().leaseMs,
        [col('attempts')]: strapi.db.connection.raw('?? + 1', [col('attempts')]),
      });
    const rows = await recipients().findMany({
      select: ['id', 'campaign', 'email', 'emailKey', 'data', 'attempts'],
      where: { leaseOwner: token },
      orderBy: { id: 'asc' },
    });
    return { token, rows: rows as ClaimedRow[], due: ids.length };
  };

  /** Gives rows back to the queue untouched (stop, pause, cancel): the attempt did not happen. */
  const release = async (token: string, rows: ClaimedRow[], status: 'queued' | 'cancelled' = 'queued') => {
    if (rows.length === 0) return;
    const { knex, col } = table();
    await knex()
      .whereIn('id', rows.map((r) => r.id))
      .andWhere(col('leaseOwner'), token)
      .andWhere(col('status'), 'sending')
      .update({
        [col('status')]: status,
        [col('leaseOwner')]: null,
        [col('leaseUntil')]: null,
        [col('attempts')]: strapi.db.connection.raw('?? - 1', [col('attempts')]),
      });
  };

  /** Writes the outcomes of one chunk; returns the failure that should pause the server, if any. */
  const record = async (serverId: string, token: string, outcomes: Outcome[]): Promise<string | null> => {
    const { knex, col } = table();
    const now = Date.now();
    const mine = (ids: number[]) => knex().whereIn('id', ids).andWhere(col('leaseOwner'), token).andWhere(col('status'), 'sending');
    const sent = outcomes.filter((o) => o.ok);
    const failed = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
    const cleared = { [col('leaseOwner')]: null, [col('leaseUntil')]: null };
    if (sent.length > 0) {
      const messageId = (sent[0] as any).messageId ?? null;
      await mine(sent.map((o) => o.row.id)).update({
        ...cleared,
        [col('status')]: 'sent',
        [col('sentAt')]: new Date(now),
        [col('lastError')]: null,
        ...(messageId && outcomes.length > 1 && sent.every((o: any) => o.messageId === messageId) ? { [col('messageId')]: messageId } : {}),
      });
    }
    let pauseReason: string | null = null;
    // Rows with the same outcome are written together: a failed SendGrid request is 1,000 rows.
    const groups = new Map<string, { ids: number[]; patch: Record<string, unknown> }>();
    for (const { row, failure, message } of failed) {
      let patch: Record<string, unknown>;
      if (failure.needsPerson) {
        // Not the recipient's fault: give the row back and stop the campaign for a person.
        pauseReason = message;
        patch = { status: 'queued', lastError: fit(message, ERROR_CHARS), attempts: row.attempts - 1 };
      } else {
        const giveUp = !failure.transient || row.attempts >= config().maxAttempts;
        const delay = Math.min(config().retryBaseMs * 2 ** Math.max(0, row.attempts - 1), config().maxRetryDelayMs);
        patch = {
          status: giveUp ? 'failed' : 'queued',
          nextAttemptAt: giveUp ? 0 : now + delay,
          lastError: fit(failure.transient && giveUp ? `Gave up after ${row.attempts} attempts: ${message}` : message, ERROR_CHARS),
        };
      }
      const key = JSON.stringify(patch);
      const group = groups.get(key) ?? { ids: [], patch };
      group.ids.push(row.id);
      groups.set(key, group);
    }
    for (const { ids, patch } of groups.values()) {
      await mine(ids).update({ ...cleared, ...Object.fromEntries(Object.entries(patch).map(([k, v]) => [col(k), v])) });
    }
    // Every failure counts, permanent ones too: a relay refusing everything (quota, sender) must
    // not burn through the list. One failed send counts once: the recipients of a failed SendGrid
    // request share one Failure.
    const failures = new Set(failed.map((o) => o.failure)).size;
    const streak = sent.length > 0 ? 0 : (consecutiveFailures.get(serverId) ?? 0) + failures;
    consecutiveFailures.set(serverId, streak);
    if (!pauseReason && streak >= config().pauseAfterFailures && failed.length > 0) {
      pauseReason = `${streak} sends in a row failed: ${failed[failed.length - 1].message}`;
    }
    return pauseReason;
  };

  const pauseServerCampaigns = async (serverId: string, reason: string) => {
    consecutiveFailures.set(serverId, 0);
    await campaigns().updateMany({
      where: { server: serverId, status: 'sending' },
      data: { status: 'paused', pauseReason: fit(`Paused: ${reason}`, ERROR_CHARS) },
    });
    strapi.log.warn(`[email-server] Campaigns of server ${serverId} paused: ${reason}`);
  };

  const completeFinished = async (active: StoredCampaign[]) => {
    for (const campaign of active) {
      const open = await recipients().count({ where: { campaign: campaign.documentId, status: { $in: ['queued', 'sending'] } } });
      if (open === 0) {
        await campaigns().updateMany({
          where: { id: campaign.id, status: 'sending' },
          data: { status: 'completed', completedAt: new Date() },
        });
      }
    }
  };

  /** What every mail of a campaign carries; per recipient only the variables differ. */
  const personal = (server: StoredServer, campaign: StoredCampaign, row: ClaimedRow) => {
    const unsubscribeUrl = getService(strapi, 'unsubscribe').url({ campaign: campaign.documentId, recipient: row.id, email: row.email });
    return {
      vars: { ...(row.data ?? {}), email: row.email, unsubscribeUrl },
      headers: {
        'X-Campaign-Recipient': `${campaign.documentId}/${row.id}`,
        'List-Unsubscribe': `<${unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    };
  };

  const sendSmtp = async (server: StoredServer, byId: Map<string, StoredCampaign>, rows: ClaimedRow[], lanes: number) => {
    const { transport, secrets } = getService(strapi, 'transports').get(server);
    const smtp = transport as SmtpTransport;
    return mapLimit(rows, lanes, async (row): Promise<Outcome> => {
      const campaign = byId.get(row.campaign)!;
      try {
        const { vars, headers } = personal(server, campaign, row);
        await smtp.send({
          from: { address: server.senderEmail, name: server.senderName || undefined },
          replyTo: server.replyTo || undefined,
          to: [row.email],
          subject: render(campaign.subject, vars, 'header')!,
          html: render(campaign.html, vars, 'html'),
          text: render(campaign.text, vars, 'text'),
          headers,
          messageId: `<${campaign.documentId}.${row.id}@${domainOf(server.senderEmail)}>`,
        });
        return { row, ok: true };
      } catch (error) {
        const message = scrub(describeError(error, { host: server.smtpHost!, port: server.smtpPort! }), secrets);
        return { row, ok: false, failure: classifySmtpFailure(error), message };
      }
    });
  };

  const sendSendgrid = async (server: StoredServer, byId: Map<string, StoredCampaign>, rows: ClaimedRow[], lanes: number) => {
    const { transport, secrets } = getService(strapi, 'transports').get(server);
    const sendgrid = transport as SendgridTransport;
    // One request per campaign per batch, split further to stay under SendGrid's limits.
    const batches: Array<{ campaign: StoredCampaign; rows: ClaimedRow[]; recipients: BatchRecipient[] }> = [];
    const unprepared: Outcome[] = [];
    for (const campaign of byId.values()) {
      const own = rows.filter((r) => r.campaign === campaign.documentId);
      const names = variablesOf(campaign.subject, campaign.html, campaign.text);
      const fixedBytes = Buffer.byteLength(campaign.html ?? '') + Buffer.byteLength(campaign.text ?? '') + 4096;
      let current: (typeof batches)[number] | null = null;
      let bytes = fixedBytes;
      for (const row of own) {
        let recipient: BatchRecipient;
        try {
          const { vars, headers } = personal(server, campaign, row);
          const substitutions: Record<string, string> = {};
          for (const name of names) {
            substitutions[`h:${name}`] = render(`{{${name}}}`, vars, 'html')!;
            substitutions[`t:${name}`] = render(`{{${name}}}`, vars, 'text')!;
          }
          recipient = {
            to: row.email,
            subject: render(campaign.subject, vars, 'header')!,
            substitutions,
            headers,
            customArgs: { campaign: campaign.documentId, recipient: String(row.id) },
          };
        } catch (error) {
          const failure = { transient: false, serverFault: false, needsPerson: false };
          unprepared.push({ row, ok: false, failure, message: `This recipient's mail could not be prepared: ${String((error as Error)?.message).slice(0, 200)}` });
          continue;
        }
        const size = Buffer.byteLength(JSON.stringify(recipient)) + 64;
        if (!current || current.rows.length >= SENDGRID_LIMITS.personalizations || bytes + size > SENDGRID_LIMITS.bytes * 0.9) {
          current = { campaign, rows: [], recipients: [] };
          batches.push(current);
          bytes = fixedBytes;
        }
        current.rows.push(row);
        current.recipients.push(recipient);
        bytes += size;
      }
    }
    /**
     * A 400 or 413 rejects the whole request, often for one personalization: halve the batch and
     * send the halves, so only the recipient SendGrid refuses fails.
     */
    const sendPart = async (campaign: StoredCampaign, part: { rows: ClaimedRow[]; recipients: BatchRecipient[] }): Promise<Outcome[]> => {
      try {
        const { messageId } = await sendgrid.sendBatch({
          from: { address: server.senderEmail, name: server.senderName || undefined },
          replyTo: server.replyTo || undefined,
          html: toSubstitutionTemplate(campaign.html, 'h'),
          text: toSubstitutionTemplate(campaign.text, 't'),
          recipients: part.recipients,
        });
        return part.rows.map((row) => ({ row, ok: true, messageId }));
      } catch (error) {
        const failure = classifySendgridFailure(error);
        const status = (error as any)?.code ?? (error as any)?.response?.statusCode;
        if (!failure.transient && !failure.needsPerson && (status === 400 || status === 413) && part.rows.length > 1) {
          const half = Math.ceil(part.rows.length / 2);
          return [
            ...(await sendPart(campaign, { rows: part.rows.slice(0, half), recipients: part.recipients.slice(0, half) })),
            ...(await sendPart(campaign, { rows: part.rows.slice(half), recipients: part.recipients.slice(half) })),
          ];
        }
        const message = scrub(describeSendgridError(error, pluginConfig(strapi).sendgrid.apiBaseUrl), secrets);
        return part.rows.map((row) => ({ row, ok: false, failure, message }));
      }
    };
    const results = await mapLimit(batches, lanes, (batch) => sendPart(batch.campaign, batch));
    return [...unprepared, ...results.flat()];
  };

  /** Sends claimed rows in chunks the rate allows, recording each chunk as it completes. */
  const sendClaimed = async (server: StoredServer, byId: Map<string, StoredCampaign>, token: string, rows: ClaimedRow[], lanes: number) => {
    const throttle = getService(strapi, 'throttle');
    // While this worker holds rows and slots, it keeps their leases: a slow relay must not make
    // another worker take them over and send them a second time.
    const heartbeat = setInterval(() => {
      const { knex, col } = table();
      Promise.all([
        knex()
          .where(col('leaseOwner'), token)
          .andWhere(col('status'), 'sending')
          .update({ [col('leaseUntil')]: Date.now() + config().leaseMs }),
        throttle.acquireSlots(server.documentId, server.maxConnections ?? 5, owner),
      ]).catch((error) => strapi.log.warn(`[email-server] renewing a campaign lease failed: ${String(error?.message).slice(0, 200)}`));
    }, Math.max(1000, Math.floor(Math.min(config().leaseMs, throttle.slotLeaseMs) / 3)));
    try {
      await sendChunks(server, byId, token, rows, lanes);
    } finally {
      clearInterval(heartbeat);
    }
    await completeFinished([...byId.values()].filter((c) => rows.some((r) => r.campaign === c.documentId)));
  };

  /** Gives back the rows of campaigns that are no longer sending; returns the rest. */
  const keepSending = async (token: string, rest: ClaimedRow[]) => {
    const statuses = new Map(
      (await campaigns().findMany({ select: ['documentId', 'status'], where: { documentId: { $in: [...new Set(rest.map((r) => r.campaign))] } } })).map(
        (c: any) => [c.documentId, c.status]
      )
    );
    const stopped = rest.filter((r) => statuses.get(r.campaign) !== 'sending');
    await release(token, stopped.filter((r) => statuses.get(r.campaign) === 'cancelled'), 'cancelled');
    await release(token, stopped.filter((r) => statuses.get(r.campaign) !== 'cancelled'), 'queued');
    return rest.filter((r) => statuses.get(r.campaign) === 'sending');
  };

  /** Marks the rows whose address is on the suppression list now; returns the others. */
  const skipSuppressed = async (token: string, rows: ClaimedRow[]) => {
    if (rows.length === 0) return rows;
    const suppressed = await getService(strapi, 'suppressions').suppressedAmong(rows.map((r) => r.emailKey));
    if (suppressed.size === 0) return rows;
    const { knex, col } = table();
    await knex()
      .whereIn('id', rows.filter((r) => suppressed.has(r.emailKey)).map((r) => r.id))
      .andWhere(col('leaseOwner'), token)
      .update({ [col('status')]: 'suppressed', [col('leaseOwner')]: null, [col('lastError')]: 'On the suppression list.' });
    return rows.filter((r) => !suppressed.has(r.emailKey));
  };

  const sendChunks = async (server: StoredServer, byId: Map<string, StoredCampaign>, token: string, rows: ClaimedRow[], lanes: number) => {
    const throttle = getService(strapi, 'throttle');
    let rest = rows;
    while (rest.length > 0) {
      // A person may have paused or cancelled a campaign since the claim.
      rest = await keepSending(token, rest);
      if (rest.length === 0 || stopping) break;

      const granted = await throttle.take(server.documentId, rest.length, server.rateLimitPerSecond ?? 50, () => stopping);
      if (granted === 0) break;
      // Waiting for the rate may have taken a while: a pause, a cancel or a suppression (an
      // unsubscribe, a bounce) since then still holds, checked right before the mails go out.
      const chunk = await skipSuppressed(token, await keepSending(token, rest.slice(0, granted)));
      rest = rest.slice(granted);
      if (chunk.length === 0) continue;
      const outcomes =
        server.type === 'sendgrid' ? await sendSendgrid(server, byId, chunk, lanes) : await sendSmtp(server, byId, chunk, lanes);
      const pauseReason = await record(server.documentId, token, outcomes);
      if (pauseReason) {
        await pauseServerCampaigns(server.documentId, pauseReason);
        await release(token, rest);
        return;
      }
    }
    await release(token, rest);
  };

  const work = async (serverId: string) => {
    const throttle = getService(strapi, 'throttle');
    try {
      while (!stopping) {
        const active = (await campaigns().findMany({ where: { server: serverId, status: 'sending' }, orderBy: { id: 'asc' } })) as StoredCampaign[];
        if (active.length === 0) return;
        const server = await getService(strapi, 'servers').findOne(serverId);
        if (!server || !server.enabled) {
          await pauseServerCampaigns(serverId, server ? `the email server "${server.name}" is disabled.` : 'the email server was deleted.');
          return;
        }
        const problem = await getService(strapi, 'servers').connectionProblem(server, 'outgoing');
        if (problem) {
          await pauseServerCampaigns(serverId, problem);
          return;
        }
        const lanes = await throttle.acquireSlots(serverId, server.maxConnections ?? 5, owner);
        if (lanes === 0) {
          // Every connection slot is another instance's: wait for one.
          await sleep(200);
          continue;
        }
        const limit = server.type === 'sendgrid' ? SENDGRID_LIMITS.personalizations : Math.max(lanes, config().claimBatch);
        const { token, rows, due } = await claim(
          active.map((c) => c.documentId),
          Math.min(limit, Math.max(lanes, server.rateLimitPerSecond ?? 50))
        );
        // Another instance won every row this claim picked: there is more, look again.
        if (rows.length === 0 && due > 0) continue;
        if (rows.length === 0) {
          await throttle.releaseSlots(serverId, owner);
          await completeFinished(active);
          return;
        }
        await sendClaimed(server, new Map(active.map((c) => [c.documentId, c])), token, rows, lanes);
      }
    } finally {
      await throttle.releaseSlots(serverId, owner).catch(() => undefined);
    }
  };

  const service = {
    /** One pass: start due scheduled campaigns, and a worker per server with sending campaigns. */
    async tick() {
      if (stopping) return;
      await campaigns().updateMany({
        where: { status: 'scheduled', scheduledAt: { $lte: new Date() } },
        data: { status: 'sending', startedAt: new Date() },
      });
      // Applied webhook event ids matter only while SendGrid may still redeliver them (72 hours).
      if (Date.now() - prunedAt > 3600_000) {
        prunedAt = Date.now();
        await strapi.db.query(UIDS.webhookEvent).deleteMany({ where: { createdAt: { $lt: new Date(Date.now() - 30 * 24 * 3600_000) } } });
      }
      // Rows a cancel could not reach: written back by a send in flight, or left by a dead worker.
      const { knex, col } = table();
      const cancelled = (await campaigns().findMany({ select: ['documentId'], where: { status: 'cancelled', completedAt: { $gt: new Date(Date.now() - 24 * 3600_000) } } })).map(
        (c: any) => c.documentId
      );
      if (cancelled.length > 0) {
        await knex()
          .whereIn(col('campaign'), cancelled)
          .andWhere((w: any) => w.where(col('status'), 'queued').orWhere((q: any) => q.where(col('status'), 'sending').andWhere(col('leaseUntil'), '<', Date.now())))
          .update({ [col('status')]: 'cancelled', [col('leaseOwner')]: null });
      }
      const active = await campaigns().findMany({ select: ['server'], where: { status: 'sending' } });
      for (const serverId of new Set<string>(active.map((c: any) => c.server))) {
        if (workers.has(serverId) || stopping) continue;
        const job = work(serverId)
          .catch((error) => {
            strapi.log.error(`[email-server] campaign worker: ${String(error?.message ?? error).slice(0, 300)}`);
          })
          .finally(() => workers.delete(serverId));
        workers.set(serverId, job);
      }
    },

    start() {
      if (!config().sending) return;
      stopping = false;
      ticker.start();
    },

    /** Stops claiming; sends in flight finish and unsent claimed rows go back to the queue. */
    async stop() {
      stopping = true;
      await ticker.stop();
      await Promise.allSettled([...workers.values()]);
    },
  };
  const ticker = createTicker(service.tick, () => config().tickMs, (error) => {
    strapi.log.error(`[email-server] campaign queue: ${String(error?.message ?? error).slice(0, 300)}`);
  });
  return service;
};

export type CampaignQueueService = ReturnType<typeof campaignQueueService>;
export default campaignQueueService;
