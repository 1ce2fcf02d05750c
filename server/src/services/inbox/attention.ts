import type { Core } from '@strapi/strapi';
import { UIDS, getService } from '../../utils';
import type { StoredServer } from '../servers/servers';

/**
 * "Needs attention": polling of a server stops until a person acts, because logging in again after
 * repeated failures gets accounts locked and addresses banned. The rule has one home here:
 * a pause writes the server's `incomingAttention`; a fix (an edit, a good connection test)
 * clears it first, then forgets the failures so the next tick polls again. A pause for want of
 * a connected OAuth2 account is also lifted by connecting it (`liftAccountPauses`).
 */
export const pauseForAttention = async (strapi: Core.Strapi, server: StoredServer, message: string, options: { untilConnected?: boolean } = {}) => {
  // Remembered first: a Connect finishing between the two writes still finds a pause to lift.
  if (options.untilConnected) await strapi.db.query(UIDS.mailboxState).updateMany({ where: { server: server.documentId }, data: { accountPause: true } });
  await getService(strapi, 'servers').markNeedsAttention(server, message);
};

/**
 * A pause that waits for the OAuth2 account (never connected, or its refresh refused for good)
 * ends once the account is connected again: the Connect callback is the person's fix, and it
 * knows nothing of polling. Each poller tick looks (one query while nothing waits).
 */
export const liftAccountPauses = async (strapi: Core.Strapi) => {
  const waiting = await strapi.db.query(UIDS.mailboxState).findMany({ where: { accountPause: true }, select: ['server'] });
  if (!waiting.length) return;
  const connected = (await strapi.db.query(UIDS.server).findMany({
    where: {
      documentId: { $in: waiting.map((w: { server: string }) => w.server) },
      incomingAttention: { $notNull: true },
      oauthRefreshToken: { $notNull: true },
      oauthAttention: { $null: true },
    },
  })) as StoredServer[];
  for (const server of connected) await resumeAfterFix(strapi, server);
};

/**
 * After a person's fix. Given a documentId, the flag is already gone (an edit writes it away, a
 * delete removes the row); given a server, a flag it still carries is cleared here.
 */
export const resumeAfterFix = async (strapi: Core.Strapi, server: StoredServer | string) => {
  if (typeof server !== 'string' && server.incomingAttention) await getService(strapi, 'servers').markNeedsAttention(server, null);
  await getService(strapi, 'poller').resume(typeof server === 'string' ? server : server.documentId);
};
