import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { scrub } from '../adapters/describe-error';
import { verifyIncoming } from '../adapters/incoming';
import { verifySendgrid } from '../adapters/sendgrid';
import { verifySmtp } from '../adapters/smtp';
import type { Check } from '../adapters/types';
import { SERVER_UID, getService, pluginConfig } from '../utils';
import { rawTable } from '../utils/raw-table';
import { incomingConfigOf, sendgridConfigOf, smtpConfigOf } from '../utils/server-config';
import type { StoredServer } from './servers';

export interface VerifyResult {
  outgoing: Check;
  incoming: Check | null;
}

/** "Test connection" and "Send test email". */
const checksService = ({ strapi }: { strapi: Core.Strapi }) => {
  const config = () => pluginConfig(strapi);

  return {
    async verify(server: StoredServer): Promise<VerifyResult> {
      const { decrypt } = getService(strapi, 'secrets');
      const timeout = config().verifyTimeoutMs;
      let outgoing: Check;
      let incoming: Check | null = null;
      let secrets: Array<string | null | undefined>;

      if (server.type === 'sendgrid') {
        const sendgrid = sendgridConfigOf(server, decrypt, config().sendgrid, timeout);
        secrets = [sendgrid.apiToken];
        outgoing = await verifySendgrid(sendgrid);
      } else {
        const smtp = smtpConfigOf(server, decrypt);
        const incomingConfig = server.incomingProtocol ? incomingConfigOf(server, decrypt) : null;
        secrets = [smtp.auth?.password, incomingConfig?.auth.password];
        [outgoing, incoming] = await Promise.all([
          verifySmtp(smtp, timeout),
          incomingConfig ? verifyIncoming(incomingConfig, timeout) : Promise.resolve(null),
        ]);
      }

      const clean = (check: Check | null) => check && { ...check, message: scrub(check.message, secrets) };
      const result = { outgoing: clean(outgoing)!, incoming: clean(incoming) };
      const ok = result.outgoing.ok && (result.incoming?.ok ?? true);
      const message = ok
        ? null
        : [result.outgoing, result.incoming].filter((c) => c && !c.ok).map((c) => c!.message).join(' ');
      // Below the query layer: a check is not an edit, so it must not move updatedAt.
      await rawTable(strapi, SERVER_UID).update(
        { id: server.id },
        { lastCheckAt: new Date(), lastCheckOk: ok, lastCheckMessage: message?.slice(0, 255) ?? null }
      );
      if (result.incoming?.ok && server.incomingAttention) {
        await getService(strapi, 'servers').markNeedsAttention(server, null);
        await getService(strapi, 'poller').resume(server.documentId);
      }
      return result;
    },

    async sendTestEmail(server: StoredServer, to: string) {
      if (!server.enabled) {
        throw new errors.ApplicationError(`The email server "${server.name}" is disabled: enable it to send a test email.`);
      }
      return getService(strapi, 'mailer').sendThrough(server, {
        to,
        subject: `Test email from Strapi through "${server.name}"`,
        text: `This is a test email sent through the email server "${server.name}" (${server.type === 'smtp' ? `SMTP ${server.smtpHost}:${server.smtpPort}` : 'SendGrid'}). If you can read it, sending works.`,
        html: `<p>This is a test email sent through the email server <strong>${escapeHtml(server.name)}</strong>.</p><p>If you can read it, sending works.</p>`,
      });
    },
  };
};

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export type ChecksService = ReturnType<typeof checksService>;
export default checksService;
