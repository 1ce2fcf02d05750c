import type { Core } from '@strapi/strapi';
import { createSendgridTransport, type SendgridTransport } from '../../adapters/sendgrid';
import { createSmtpTransport, type SmtpTransport } from '../../adapters/smtp';
import { getService, pluginConfig } from '../../utils';
import { sendgridConfigOf, smtpConfigOf } from './server-config';
import type { StoredServer } from './servers';

type Transport = SmtpTransport | SendgridTransport;

const versionOf = (server: StoredServer) => new Date(server.updatedAt).toISOString();

export interface Entry {
  /** The server row's updatedAt: an edit anywhere (any Strapi instance) makes a new one. */
  version: string;
  transport: Transport;
  secrets: Array<string | undefined>;
}

/**
 * One long-lived transport per server (a nodemailer pool, or a SendGrid MailService), reused
 * across sends, rebuilt when the server was edited and closed when it is deleted, disabled or
 * Strapi stops.
 */
const transportsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const cache = new Map<string, Entry>();
  const config = () => pluginConfig(strapi);

  const build = (server: StoredServer): Entry => {
    const { decrypt } = getService(strapi, 'secrets');
    const version = versionOf(server);
    if (server.type === 'sendgrid') {
      const sendgrid = sendgridConfigOf(server, decrypt, config().sendgrid);
      return { version, transport: createSendgridTransport(sendgrid), secrets: [sendgrid.apiToken] };
    }
    const oauth = getService(strapi, 'oauth');
    const smtp = smtpConfigOf(server, decrypt, async (renew) => (await oauth.accessToken(server, { renew })).accessToken);
    return {
      version,
      // The server's own connection limit (its campaign throttle) sizes its pool.
      transport: createSmtpTransport(smtp, { ...config().smtp, maxConnections: server.maxConnections || config().smtp.maxConnections }),
      secrets: [smtp.auth?.password, smtp.dkim?.privateKey] };
  };

  return {
    /** The transport for this version of the server, with the secrets to scrub from its errors. */
    get(server: StoredServer): Entry {
      const cached = cache.get(server.documentId);
      if (cached && cached.version === versionOf(server)) return cached;
      // Sends already queued on the old pool finish before it closes.
      if (cached) setTimeout(() => cached.transport.close(), config().smtp.socketTimeoutMs).unref();
      const entry = build(server);
      cache.set(server.documentId, entry);
      return entry;
    },

    close(documentId: string) {
      cache.get(documentId)?.transport.close();
      cache.delete(documentId);
    },

    closeAll() {
      for (const entry of cache.values()) entry.transport.close();
      cache.clear();
    },

    size: () => cache.size,
  };
};

export type TransportsService = ReturnType<typeof transportsService>;
export default transportsService;
