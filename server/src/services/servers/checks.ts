import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { scrub } from '../../adapters/describe-error';
import { verifySendgrid } from '../../adapters/sendgrid';
import { verifySmtp } from '../../adapters/smtp';
import type { Check } from '../../adapters/types';
import { SERVER_UID, getService, pluginConfig } from '../../utils';
import { rawTable } from '../../utils/raw-table';
import { escapeHtml } from '../../utils/html';
import { resumeAfterFix } from '../inbox/attention';
import { verifyIncomingLogin } from '../inbox/incoming-login';
import { sendgridConfigOf, smtpConfigOf } from './server-config';
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

      // A secret that no longer decrypts, or a refused host, fails its side's check without
      // connecting anywhere.
      const servers = getService(strapi, 'servers');
      const attempt = async <T>(
        side: 'outgoing' | 'incoming',
        configOf: () => T,
        run: (config: T) => Promise<Check>
      ): Promise<[Check, T | null]> => {
        const problem = await servers.connectionProblem(server, side);
        if (problem) return [{ ok: false, message: problem, durationMs: 0 }, null];
        const config = configOf();
        return [await run(config), config];
      };

      if (server.type === 'sendgrid') {
        const [check, sendgrid] = await attempt('outgoing', () => sendgridConfigOf(server, decrypt, config().sendgrid, timeout), verifySendgrid);
        secrets = [sendgrid?.apiToken];
        outgoing = check;
      } else {
        const [[out, smtp], inc] = await Promise.all([
          attempt(
            'outgoing',
            () => smtpConfigOf(server, decrypt, async (renew) => (await getService(strapi, 'oauth').accessToken(server, { renew })).accessToken),
            (c) => verifySmtp(c, timeout)
          ),
          server.incomingProtocol
            ? attempt('incoming', () => null, () => verifyIncomingLogin(strapi, server, timeout))
            : Promise.resolve(null),
        ]);
        // The incoming check scrubs its own login (a password or the tokens it used).
        secrets = [smtp?.auth?.password, smtp?.dkim?.privateKey];
        outgoing = out;
        incoming = inc?.[0] ?? null;
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
      if (result.incoming?.ok && server.incomingAttention) await resumeAfterFix(strapi, server);
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

export type ChecksService = ReturnType<typeof checksService>;
export default checksService;
