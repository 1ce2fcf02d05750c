import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { EventWebhook } from '@sendgrid/eventwebhook';
import { errors } from '@strapi/utils';
import { newDocumentId } from '../../utils/ids';
import { UIDS, getService, pluginConfig } from '../../utils';
import type { StoredServer } from '../servers/servers';

export interface WebhookRequest {
  serverDocumentId: string;
  rawBody: string;
  signature?: string;
  timestamp?: string;
}

/** What each SendGrid event does to a recipient (and to the suppression list). */
const EFFECTS: Record<string, { status?: string; stamp?: 'deliveredAt' | 'openedAt' | 'clickedAt'; suppress?: 'bounced' | 'complained' | 'unsubscribed' }> = {
  processed: {},
  deferred: {},
  delivered: { stamp: 'deliveredAt' },
  open: { stamp: 'openedAt' },
  click: { stamp: 'clickedAt' },
  bounce: { status: 'bounced', suppress: 'bounced' },
  dropped: { status: 'failed' },
  spamreport: { status: 'unsubscribed', suppress: 'complained' },
  unsubscribe: { status: 'unsubscribed', suppress: 'unsubscribed' },
  group_unsubscribe: { status: 'unsubscribed', suppress: 'unsubscribed' },
};

const unauthorized = (message: string) => new errors.UnauthorizedError(message);

/**
 * SendGrid's Event Webhook: signed with ECDSA over timestamp + raw body, checked with
 * @sendgrid/eventwebhook against the server's verification key. A post older than
 * `webhookMaxAgeSeconds` is a replay; an event already applied (same sg_event_id) is skipped.
 */
const sendgridEventsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const webhook = new EventWebhook();

  const checkTimestamp = (timestamp?: string) => {
    const age = Math.abs(Date.now() / 1000 - Number(timestamp));
    if (!timestamp || !Number.isFinite(age) || age > pluginConfig(strapi).campaigns.webhookMaxAgeSeconds) {
      throw unauthorized('The signature timestamp is too old or invalid.');
    }
  };

  const verify = (publicKey: string, request: WebhookRequest) => {
    if (!request.signature || !request.timestamp) throw unauthorized('The request is not signed.');
    checkTimestamp(request.timestamp);
    let ok = false;
    try {
      const pem = publicKey.includes('BEGIN') ? publicKey : `-----BEGIN PUBLIC KEY-----\n${publicKey}\n-----END PUBLIC KEY-----`;
      ok = webhook.verifySignature(webhook.convertPublicKeyToECDSA(pem), request.rawBody, request.signature, request.timestamp);
    } catch {
      ok = false;
    }
    if (!ok) throw unauthorized('The signature does not match.');
  };

  /**
   * Records an event id; false when it was already there. Looked up first: inside a PostgreSQL
   * transaction a failed insert would abort the transaction. Two deliveries racing each other
   * meet the unique index; the loser's error makes SendGrid retry, and the retry is a duplicate.
   */
  const firstTime = async (eventId: string, event: string) => {
    if (await strapi.db.query(UIDS.webhookEvent).findOne({ where: { eventId } })) return false;
    await strapi.db.query(UIDS.webhookEvent).create({ data: { documentId: newDocumentId(), eventId, event } });
    return true;
  };

  /** Whether a campaign was sent through `server`: a server's key speaks only for its own mail. */
  const campaignsOf = (server: StoredServer) => {
    const known = new Map<string, Promise<boolean>>();
    return (campaign: string) => {
      if (!known.has(campaign)) {
        known.set(
          campaign,
          strapi.db
            .query(UIDS.campaign)
            .count({ where: { documentId: campaign, server: server.documentId } })
            .then((n: number) => n > 0)
        );
      }
      return known.get(campaign)!;
    };
  };

  return {
    /**
     * What can be checked before the body is read: the server exists, is SendGrid, has a key, and
     * the signature headers are there with a fresh timestamp. A post failing any of these is
     * refused unread, so an unknown id or a replay costs the server no body read.
     */
    async admit(request: Omit<WebhookRequest, 'rawBody'>): Promise<StoredServer> {
      if (!request.signature || !request.timestamp) throw unauthorized('The request is not signed.');
      const server = await getService(strapi, 'servers').findOne(request.serverDocumentId);
      // The same answer as a bad signature: an unknown id tells a prober nothing.
      if (!server || server.type !== 'sendgrid' || !server.webhookPublicKey) throw unauthorized('The request is not signed.');
      checkTimestamp(request.timestamp);
      return server;
    },

    async handle(server: StoredServer, request: WebhookRequest): Promise<{ applied: number; duplicates: number }> {
      if (server.type !== 'sendgrid' || !server.webhookPublicKey) throw unauthorized('The request is not signed.');
      verify(server.webhookPublicKey, request);
      const sentThrough = campaignsOf(server);
      let events: any[];
      try {
        events = JSON.parse(request.rawBody);
      } catch {
        throw new errors.ValidationError('The body is not JSON.');
      }
      if (!Array.isArray(events)) throw new errors.ValidationError('The body must be a list of events.');
      let applied = 0;
      let duplicates = 0;
      for (const event of events) {
        if (!event || typeof event !== 'object') continue;
        const effect = EFFECTS[String(event.event)];
        const campaign = typeof event.campaign === 'string' ? event.campaign : null;
        const recipientId = Number(event.recipient);
        if (!effect || !campaign || !Number.isInteger(recipientId)) continue;
        if (!(await sentThrough(campaign))) continue;
        const eventId = typeof event.sg_event_id === 'string' && event.sg_event_id ? event.sg_event_id : null;
        // Recorded and applied together: a failure leaves the event unrecorded for SendGrid's retry.
        const outcome = await strapi.db.transaction(async () => {
          if (eventId && !(await firstTime(eventId.slice(0, 255), String(event.event)))) return 'duplicate';
          const row = await strapi.db.query(UIDS.recipient).findOne({ where: { id: recipientId, campaign } });
          if (!row) return 'unknown';
          const at = Number.isFinite(Number(event.timestamp)) ? new Date(Number(event.timestamp) * 1000) : new Date();
          const data: Record<string, unknown> = {};
          if (effect.stamp && !row[effect.stamp]) data[effect.stamp] = at;
          if (effect.status) {
            data.status = effect.status;
            const reason = String(event.reason ?? event.response ?? event.type ?? event.event).slice(0, 400);
            data.lastError = `SendGrid: ${event.event}${reason && reason !== event.event ? `: ${reason}` : ''}`;
          }
          if (Object.keys(data).length > 0) await strapi.db.query(UIDS.recipient).update({ where: { id: row.id }, data });
          // A soft bounce ("blocked") is not a reason to stop mailing an address for good.
          if (effect.suppress && !(event.event === 'bounce' && event.type === 'blocked')) {
            await getService(strapi, 'suppressions').add(row.email, effect.suppress, `SendGrid ${event.event}, campaign ${campaign}`);
          }
          return 'applied';
        });
        if (outcome === 'duplicate') duplicates += 1;
        if (outcome !== 'applied') continue;
        applied += 1;
      }
      return { applied, duplicates };
    },
  };
};

export type SendgridEventsService = ReturnType<typeof sendgridEventsService>;
export default sendgridEventsService;
