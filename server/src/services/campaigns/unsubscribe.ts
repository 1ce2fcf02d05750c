import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { UIDS, getService, pluginConfig } from '../../utils';

export interface UnsubscribeTarget {
  campaign: string;
  recipient: number;
  email: string;
}

const PURPOSE = 'unsubscribe';

/**
 * RFC 8058 one-click unsubscribe. The link carries the campaign, the recipient and the address,
 * signed with an HMAC of the app's key material, so nobody can make a link for another address.
 */
const unsubscribeService = ({ strapi }: { strapi: Core.Strapi }) => {
  const secrets = () => getService(strapi, 'secrets');

  const baseUrl = () => {
    const configured = pluginConfig(strapi).campaigns.publicUrl || (strapi.config.get('server.absoluteUrl') as string | undefined);
    return String(configured || `http://localhost:${strapi.config.get('server.port') ?? 1337}`).replace(/\/+$/, '');
  };

  return {
    /** Unsubscribe links must reach this Strapi from the recipients' mail programs. */
    assertReachable() {
      const host = new URL(baseUrl()).hostname;
      if (host === '0.0.0.0' || host === '[::]' || host === '::') {
        throw new errors.ApplicationError(
          `Unsubscribe links would point at ${baseUrl()}, which nobody can open: set the public URL of this Strapi (server.url, or the email-server option campaigns.publicUrl).`
        );
      }
    },

    token(target: UnsubscribeTarget): string {
      const payload = Buffer.from(`${target.campaign}\n${target.recipient}\n${target.email}`, 'utf8').toString('base64url');
      return `${payload}.${secrets().sign(PURPOSE, payload)}`;
    },

    /** The address of one of the plugin's public routes (`path` under /api/email-server/) as recipients reach it. */
    publicUrl(path: string): string {
      // The content API lives under Strapi's REST prefix, which an app may move from /api.
      const prefix = String(strapi.config.get('api.rest.prefix') ?? '/api').replace(/\/+$/, '');
      return `${baseUrl()}${prefix}/email-server/${path}`;
    },

    url(target: UnsubscribeTarget): string {
      return this.publicUrl(`unsubscribe/${this.token(target)}`);
    },

    /** The target of a token, or null when it was not made here (or was altered). */
    verify(token: string): UnsubscribeTarget | null {
      const [payload, signature, extra] = String(token).split('.');
      if (!payload || !signature || extra !== undefined) return null;
      if (!secrets().verifySignature(PURPOSE, payload, signature)) return null;
      const [campaign, recipient, email] = Buffer.from(payload, 'base64url').toString('utf8').split('\n');
      if (!campaign || !email || !Number.isInteger(Number(recipient))) return null;
      return { campaign, recipient: Number(recipient), email };
    },

    /** Suppresses the address for every later campaign and marks this recipient unsubscribed. */
    async apply(target: UnsubscribeTarget) {
      await getService(strapi, 'suppressions').add(target.email, 'unsubscribed', `campaign ${target.campaign}`);
      await strapi.db.query(UIDS.recipient).updateMany({
        where: { id: target.recipient, campaign: target.campaign, status: { $in: ['queued', 'sent', 'sending'] } },
        data: { status: 'unsubscribed' },
      });
    },
  };
};

export type UnsubscribeService = ReturnType<typeof unsubscribeService>;
export default unsubscribeService;
