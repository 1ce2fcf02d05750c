import type { Core } from '@strapi/strapi';
import { getService } from '../../utils';
import type { StoredServer } from '../servers/servers';

/**
 * The next server along `from`'s fallback chain that may take mail: disabled servers are passed
 * over (their own fallback is tried), deleted ones end the chain, and `visited` (which the caller
 * keeps for the whole send) ends it at a server already tried, so a loop edited into the rows
 * behind the save check still cannot send for ever.
 */
export const nextFallback = async (strapi: Core.Strapi, from: StoredServer, visited: Set<string>): Promise<StoredServer | null> => {
  let ref = from.fallbackServer ?? null;
  while (ref && !visited.has(ref)) {
    visited.add(ref);
    const next = await getService(strapi, 'servers').findByRefCached(ref);
    if (!next || next.documentId !== ref) return null;
    if (next.enabled) return next;
    ref = next.fallbackServer ?? null;
  }
  return null;
};
