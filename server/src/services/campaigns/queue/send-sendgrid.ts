import { classifySendgridFailure } from '../../../adapters/classify-failure';
import { scrub } from '../../../adapters/describe-error';
import { SENDGRID_LIMITS, describeSendgridError, type BatchRecipient, type SendgridTransport } from '../../../adapters/sendgrid';
import { getService, pluginConfig } from '../../../utils';
import type { StoredServer } from '../../servers/servers';
import type { StoredCampaign } from '../campaigns';
import { mapLimit, type ClaimedRow, type Outcome, type QueueContext } from './context';
import { compiledCampaign, renderPersonalization, sharedBody } from './render';

/** Recipients of one request and the body they share (with substitution keys, or one recipient's own). */
type Batch = { campaign: StoredCampaign; rows: ClaimedRow[]; recipients: BatchRecipient[]; html?: string; text?: string };

/** One request per campaign per chunk, split further to stay under SendGrid's limits. */
const toBatches = (q: QueueContext, byId: Map<string, StoredCampaign>, rows: ClaimedRow[]) => {
  const batches: Batch[] = [];
  const unprepared: Outcome[] = [];
  for (const campaign of byId.values()) {
    const own = rows.filter((r) => r.campaign === campaign.documentId);
    if (own.length === 0) continue;
    let shared: ReturnType<typeof sharedBody> = null;
    try {
      shared = sharedBody(compiledCampaign(campaign));
    } catch {
      // Does not parse any more: every recipient fails below with the reason.
    }
    const fixedBytes = Buffer.byteLength(shared?.html ?? '') + Buffer.byteLength(shared?.text ?? '') + 4096;
    let current: Batch | null = null;
    let bytes = fixedBytes;
    for (const row of own) {
      let recipient: ReturnType<typeof renderPersonalization>;
      try {
        recipient = renderPersonalization(q, campaign, row);
      } catch (error) {
        const failure = { transient: false, serverFault: false, needsPerson: false };
        unprepared.push({ row, ok: false, failure, message: `This recipient's mail could not be prepared: ${String((error as Error)?.message).slice(0, 200)}` });
        continue;
      }
      const { own: body, ...personalization } = recipient;
      if (body) {
        // Too much to substitute (or a body that cannot be shared): a request of its own.
        batches.push({ campaign, rows: [row], recipients: [personalization], html: body.html, text: body.text });
        continue;
      }
      const size = Buffer.byteLength(JSON.stringify(personalization)) + 64;
      if (!current || current.rows.length >= SENDGRID_LIMITS.personalizations || bytes + size > SENDGRID_LIMITS.bytes * 0.9) {
        current = { campaign, rows: [], recipients: [], html: shared?.html, text: shared?.text };
        batches.push(current);
        bytes = fixedBytes;
      }
      current.rows.push(row);
      current.recipients.push(personalization);
      bytes += size;
    }
  }
  return { batches, unprepared };
};

export const sendSendgrid = async (q: QueueContext, server: StoredServer, byId: Map<string, StoredCampaign>, rows: ClaimedRow[], lanes: number) => {
  const { transport, secrets } = getService(q.strapi, 'transports').get(server);
  const sendgrid = transport as SendgridTransport;
  const { batches, unprepared } = toBatches(q, byId, rows);
  /**
   * A 400 or 413 rejects the whole request, often for one personalization: halve the batch and
   * send the halves, so only the recipient SendGrid refuses fails.
   */
  const sendPart = async (campaign: StoredCampaign, part: Pick<Batch, 'rows' | 'recipients' | 'html' | 'text'>): Promise<Outcome[]> => {
    try {
      const { messageId } = await sendgrid.sendBatch({
        from: { address: server.senderEmail, name: server.senderName || undefined },
        replyTo: server.replyTo || undefined,
        html: part.html,
        text: part.text,
        recipients: part.recipients,
      });
      return part.rows.map((row) => ({ row, ok: true, messageId }));
    } catch (error) {
      const failure = classifySendgridFailure(error);
      const status = (error as any)?.code ?? (error as any)?.response?.statusCode;
      if (!failure.transient && !failure.needsPerson && (status === 400 || status === 413) && part.rows.length > 1) {
        const half = Math.ceil(part.rows.length / 2);
        return [
          ...(await sendPart(campaign, { ...part, rows: part.rows.slice(0, half), recipients: part.recipients.slice(0, half) })),
          ...(await sendPart(campaign, { ...part, rows: part.rows.slice(half), recipients: part.recipients.slice(half) })),
        ];
      }
      const message = scrub(describeSendgridError(error, pluginConfig(q.strapi).sendgrid.apiBaseUrl), secrets);
      return part.rows.map((row) => ({ row, ok: false, failure, message }));
    }
  };
  const results = await mapLimit(batches, lanes, (batch) => sendPart(batch.campaign, batch));
  return [...unprepared, ...results.flat()];
};
