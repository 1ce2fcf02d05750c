/** The Inbox's browser tests share one setup: a Strapi process, a Helpdesk on Dovecot, Chromium logged in. */
import type { Browser, Page } from 'playwright-core';
import { openAdmin } from './browser';
import { incomingFrom, startDovecot, type Dovecot } from './dovecot';
import { api, firstAdminWithToken, startStrapiProcess, type RunningStrapi } from './server-process';
import { startSmtpServer, type ScriptedSmtp } from './smtp-server';

export interface BrowserHelpdesk {
  strapi: RunningStrapi;
  /** The admin API as the super admin who is logged in. */
  call: ReturnType<typeof api>;
  browser: Browser;
  page: Page;
  /** Where the Helpdesk sends: every reply arrives here. */
  relay: ScriptedSmtp;
  dovecot: Dovecot;
  /** The Helpdesk's mailbox on `dovecot`. */
  box: string;
  /** The Helpdesk server as the API created it. */
  server: { documentId: string; [key: string]: unknown };
  stop(): Promise<void>;
}

/**
 * A Strapi process (polling off unless `env` says otherwise) with one "Helpdesk" server
 * (help@example.com, IMAP on a fresh Dovecot mailbox, sending to a loopback smtp-server), and
 * Chromium logged in to its admin. `server` overrides fields of the Helpdesk.
 */
export const helpdeskInChromium = async (
  options: { env?: Record<string, string>; server?: Record<string, unknown>; beforeLogIn?: (page: Page) => void } = {}
): Promise<BrowserHelpdesk> => {
  const [relay, dovecot] = await Promise.all([startSmtpServer(), startDovecot()]);
  const started: Partial<BrowserHelpdesk> = { relay, dovecot };
  const stop = async () => {
    await started.browser?.close();
    await started.strapi?.stop();
    await relay.stop();
    await dovecot.stop();
  };
  try {
    const box = dovecot.newMailbox();
    const strapi = (started.strapi = await startStrapiProcess({ EMAIL_SERVER_POLLING: 'false', ...options.env }));
    const admin = await firstAdminWithToken(strapi.url);
    const call = api(strapi.url, admin.token);
    const created = await call('POST', '/email-server/servers', {
      name: 'Helpdesk',
      type: 'smtp',
      senderEmail: 'help@example.com',
      smtpHost: '127.0.0.1',
      smtpPort: relay.port,
      smtpSecurity: 'none',
      ...incomingFrom(dovecot, box),
      ...options.server,
    });
    if (created.status !== 201) throw new Error(`creating the Helpdesk failed: ${JSON.stringify(created.body)}`);
    const { browser, page } = await openAdmin(strapi.url, admin.email, admin.password, options.beforeLogIn);
    started.browser = browser;
    return { strapi, call, browser, page, relay, dovecot, box, server: created.body.data, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};
