import { createMimeSkeleton, type MimeSkeleton } from '../../../adapters/mime-skeleton';
import type { StoredServer } from '../../servers/servers';
import type { StoredCampaign } from '../campaigns';
import { CAMPAIGN_HEADERS } from './render';

// By server and campaign version: an edit of either is a new skeleton (sender, reply-to, parts).
// A handful of campaigns send at once; the bound keeps a long-running process from keeping all.
const skeletons = new Map<string, Promise<MimeSkeleton>>();

/** The campaign's message composed once for this server, with a marker wherever a recipient's value goes. */
export const skeletonFor = (server: StoredServer, campaign: StoredCampaign, html: boolean): Promise<MimeSkeleton> => {
  const key = [server.documentId, new Date(server.updatedAt).toISOString(), campaign.documentId, new Date(campaign.updatedAt).toISOString(), html].join('\n');
  let skeleton = skeletons.get(key);
  if (!skeleton) {
    skeleton = createMimeSkeleton({
      from: { address: server.senderEmail, name: server.senderName || undefined },
      replyTo: server.replyTo || undefined,
      html,
      headers: [...CAMPAIGN_HEADERS],
    });
    if (skeletons.size >= 100) skeletons.delete(skeletons.keys().next().value!);
    skeletons.set(key, skeleton);
  }
  return skeleton;
};
