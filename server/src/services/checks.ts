import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { scrub } from '../adapters/describe-error';
import { verifyIncoming } from '../adapters/incoming';
import { verifySendgrid } from '../adapters/sendgrid';
import { verifySmtp } from '../adapters/smtp';
import type { Check } from '../adapters/types';
import type { PluginConfig } from '../config';
import { SERVER_UID, getService } from '../utils';
import type { StoredServer } from './servers';

export interface VerifyResult {
  outgoing: Check;
  incoming: Check | null;
}

/** "Test connection" and "Send test email". */
const checksService = ({ strapi }: { strapi: Core.Strapi }) => {
  const config = () => strapi.config.get('plugin::email-server') as PluginConfig;

  return {
    async verify(server: StoredServer): Promise<VerifyResult> {
      const { decrypt } = getService(strapi, 'secrets');
      const timeout = config().verifyTimeoutMs;
      const secrets: Array<string | null> = [];
      let outgoing: Check;
      let incoming: Check | null = null;

      if (server.type === 'sendgrid') {
        const apiToken = decrypt(server.apiToken) ?? '';
        secrets.push(apiToken);
        outgoing = await verifySendgrid({ apiToken, apiBaseUrl: config().sendgrid.apiBaseUrl, timeoutMs: timeout });
      } else {
        const endpoint = {
          rejectUnauthorized: server.tlsRejectUnauthorized !== false,
        };
        const smtpPassword = server.smtpUsername ? decrypt(server.smtpPassword) ?? '' : '';
        secrets.push(smtpPassword);
        const incomingPassword = server.incomingProtocol ? decrypt(server.incomingPassword) ?? '' : '';
        secrets.push(incomingPassword);
        [outgoing, incoming] = await Promise.all([
          verifySmtp(
            {
              ...endpoint,
              host: server.smtpHost!,
              port: server.smtpPort!,
              security: server.smtpSecurity ?? 'starttls',
              auth: server.smtpUsername ? { username: server.smtpUsername, password: smtpPassword } : null,
            },
            timeout
          ),
          server.incomingProtocol
            ? verifyIncoming(
                {
                  ...endpoint,
                  protocol: server.incomingProtocol,
                  host: server.incomingHost!,
                  port: server.incomingPort!,
                  security: server.incomingSecurity ?? 'starttls',
                  auth: { username: server.incomingUsername!, password: incomingPassword },
                  folder: server.incomingFolder,
                },
                timeout
              )
            : Promise.resolve(null),
        ]);
      }

      const clean = (check: Check | null) => check && { ...check, message: scrub(check.message, secrets) };
      const result = { outgoing: clean(outgoing)!, incoming: clean(incoming) };
      const ok = result.outgoing.ok && (result.incoming?.ok ?? true);
      const message = ok
        ? null
        : [result.outgoing, result.incoming].filter((c) => c && !c.ok).map((c) => c!.message).join(' ');
      // Written below the query layer: a check is not an edit, so it must not move updatedAt.
      const meta = strapi.db.metadata.get(SERVER_UID);
      const column = (attribute: string) => (meta.attributes[attribute] as { columnName?: string }).columnName ?? attribute;
      await strapi.db
        .connection(meta.tableName)
        .where({ id: server.id })
        .update({
          [column('lastCheckAt')]: new Date(),
          [column('lastCheckOk')]: ok,
          [column('lastCheckMessage')]: message?.slice(0, 255) ?? null,
        });
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
