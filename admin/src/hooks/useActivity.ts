import { useFetchClient } from '@strapi/strapi/admin';
import { useInfiniteQuery } from 'react-query';
import type { ActivityPage } from '../../../shared/contracts/activity';
import { PLUGIN_ID } from '../pluginId';

/** A server's recent activity, newest first; older pages on demand (keyset by id). */
export const useActivity = (documentId: string) => {
  const { get } = useFetchClient();
  return useInfiniteQuery(
    [PLUGIN_ID, 'servers', documentId, 'activity'],
    async ({ pageParam }: { pageParam?: number }) =>
      (await get<ActivityPage>(`/${PLUGIN_ID}/servers/${documentId}/activity${pageParam ? `?before=${pageParam}` : ''}`)).data,
    { getNextPageParam: (last) => last.meta.nextBefore ?? undefined }
  );
};
