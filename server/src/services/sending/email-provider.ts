import type { Core } from '@strapi/strapi';
import { getService } from '../../utils';
import { parseAddress, type MailerSendOptions } from './mailer';

/**
 * Strapi ships its email templates (users-permissions, admin) with this sender. It is a
 * placeholder, never an address a relay accepts, so mail through a server uses the server's sender.
 */
const PLACEHOLDER_SENDERS = new Set(['no-reply@strapi.io']);

interface StrapiEmailOptions extends Omit<MailerSendOptions, 'server'> {
  [key: string]: unknown;
}

interface EmailProvider {
  send(options: StrapiEmailOptions): Promise<unknown>;
}

/**
 * Puts this plugin in front of the email plugin's provider: `send` and `sendTemplatedEmail`
 * (and so users-permissions and admin mails) go through the default enabled server, or through
 * the configured provider, unchanged, when there is none. The email service itself is untouched.
 */
const emailProviderService = ({ strapi }: { strapi: Core.Strapi }) => {
  let original: EmailProvider | null = null;

  return {
    install() {
      const plugin = strapi.plugin('email') as unknown as { provider: EmailProvider } | undefined;
      if (!plugin || original) return;
      original = plugin.provider;
      const fallback = original;
      plugin.provider = {
        async send(options: StrapiEmailOptions) {
          const mailer = getService(strapi, 'mailer');
          const server = await mailer.findDefault();
          if (!server) return fallback.send(options);
          const from =
            options.from && !PLACEHOLDER_SENDERS.has(parseAddress(options.from).address.toLowerCase())
              ? options.from
              : undefined;
          return mailer.sendThrough(server, {
            to: options.to,
            cc: options.cc,
            bcc: options.bcc,
            replyTo: options.replyTo,
            subject: options.subject,
            text: options.text,
            html: options.html,
            attachments: options.attachments,
            headers: options.headers,
            from,
          });
        },
      };
    },

    uninstall() {
      const plugin = strapi.plugin('email') as unknown as { provider: EmailProvider } | undefined;
      if (plugin && original) plugin.provider = original;
      original = null;
    },
  };
};

export type EmailProviderService = ReturnType<typeof emailProviderService>;
export default emailProviderService;
