import { classifySmtpFailure } from '../../../adapters/classify-failure';
import { describeError, scrub } from '../../../adapters/describe-error';
import type { SmtpTransport } from '../../../adapters/smtp';
import { getService } from '../../../utils';
import type { StoredServer } from '../../servers/servers';
import type { StoredCampaign } from '../campaigns';
import { mapLimit, type ClaimedRow, type Outcome, type QueueContext } from './context';
import { renderMail } from './render';
import { skeletonFor } from './skeletons';

/** One mail per recipient over the server's bulk connections, `lanes` at once. */
export const sendSmtp = async (q: QueueContext, server: StoredServer, byId: Map<string, StoredCampaign>, rows: ClaimedRow[], lanes: number) => {
  const { transport, secrets } = getService(q.strapi, 'transports').get(server);
  const smtp = transport as SmtpTransport;
  return mapLimit(rows, lanes, async (row): Promise<Outcome> => {
    const campaign = byId.get(row.campaign)!;
    let mail;
    try {
      mail = renderMail(q, server, campaign, row);
    } catch (error) {
      // The template (a loop past the render limit, say), not the relay: no retry helps.
      const failure = { transient: false, serverFault: false, needsPerson: false };
      return { row, ok: false, failure, message: `This recipient's mail could not be prepared: ${String((error as Error)?.message).slice(0, 200)}` };
    }
    try {
      // The campaign's prebuilt message with this recipient filled in; composed in full only
      // where the skeleton cannot carry a value verbatim.
      const raw = (await skeletonFor(server, campaign, Boolean(mail.html))).fill({
        to: row.email,
        subject: mail.subject,
        text: mail.text ?? '',
        html: mail.html,
        messageId: mail.messageId!,
        date: new Date(),
        headers: mail.headers as Record<string, string>,
      });
      if (raw) await smtp.sendRaw({ from: server.senderEmail, to: [row.email] }, raw);
      else await smtp.send(mail);
      return { row, ok: true };
    } catch (error) {
      const message = scrub(describeError(error, { host: server.smtpHost!, port: server.smtpPort! }), secrets);
      return { row, ok: false, failure: classifySmtpFailure(error), message };
    }
  });
};
