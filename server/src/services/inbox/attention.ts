import type { Core } from '@strapi/strapi';
import { getService } from '../../utils';
import type { StoredServer } from '../servers/servers';

/**
 * "Needs attention": polling of a server stops until a person acts, because logging in again after
 * repeated failures gets accounts locked and addresses banned. The rule has one home here:
 * a pause writes the server's `incomingAttention`; a fix (an edit, a good connection test)
 * clears it first, then forgets the failures so the next tick polls again.
 */
export const pauseForAttention = (strapi: Core.Strapi, server: StoredServer, message: string) =>
  getService(strapi, 'servers').markNeedsAttention(server, message);

/**
 * After a person's fix. Given a documentId, the flag is already gone (an edit writes it away, a
 * delete removes the row); given a server, a flag it still carries is cleared here.
 */
export const resumeAfterFix = async (strapi: Core.Strapi, server: StoredServer | string) => {
  if (typeof server !== 'string' && server.incomingAttention) await getService(strapi, 'servers').markNeedsAttention(server, null);
  await getService(strapi, 'poller').resume(typeof server === 'string' ? server : server.documentId);
};
