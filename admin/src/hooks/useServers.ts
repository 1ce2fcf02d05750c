import { useFetchClient } from '@strapi/strapi/admin';
import { useMutation, useQuery, useQueryClient } from 'react-query';
import type { EmailServerInput, PublicServer } from '../../../shared/contracts/servers';
import { PLUGIN_ID } from '../pluginId';

export type { PublicServer };

const KEY = [PLUGIN_ID, 'servers'];
const base = `/${PLUGIN_ID}/servers`;

/**
 * The plugin's admin API, through Strapi's authenticated fetch client and react-query's cache.
 * Queries pass react-query's own abort signal: the list is shared by the list page and the form's
 * fallback select, and a refetch may run with the query function of a component that has since
 * unmounted, whose fetch client's signal (useFetchClient's) is already aborted ("Whoops").
 */
export const useServers = () => {
  const { get } = useFetchClient();
  return useQuery(KEY, async ({ signal }) => (await get<{ data: PublicServer[] }>(base, { signal })).data.data);
};

export const useServer = (documentId: string | undefined) => {
  const { get } = useFetchClient();
  return useQuery(
    [...KEY, documentId],
    async ({ signal }) => (await get<{ data: PublicServer }>(`${base}/${documentId}`, { signal })).data.data,
    { enabled: Boolean(documentId) }
  );
};

export const useSaveServer = (documentId?: string) => {
  const { post, put } = useFetchClient();
  const client = useQueryClient();
  return useMutation(
    async (body: Partial<EmailServerInput>) => {
      const res = documentId
        ? await put<{ data: PublicServer }>(`${base}/${documentId}`, body)
        : await post<{ data: PublicServer }>(base, body);
      return res.data.data;
    },
    { onSuccess: () => client.invalidateQueries(KEY) }
  );
};

export const useDeleteServer = () => {
  const { del } = useFetchClient();
  const client = useQueryClient();
  return useMutation(
    async (documentId: string) => {
      await del(`${base}/${documentId}`);
      return documentId;
    },
    { onSuccess: () => client.invalidateQueries(KEY) }
  );
};

export interface Check {
  ok: boolean;
  message: string;
  durationMs: number;
}

export const useVerifyServer = (documentId: string) => {
  const { post } = useFetchClient();
  const client = useQueryClient();
  return useMutation(
    async () =>
      (await post<{ data: { outgoing: Check; incoming: Check | null } }>(`${base}/${documentId}/verify`, {})).data
        .data,
    // The list shows the last check.
    { onSuccess: () => client.invalidateQueries(KEY) }
  );
};

export const useSendTestEmail = (documentId: string) => {
  const { post } = useFetchClient();
  return useMutation(
    async (to: string) =>
      (await post<{ data: { messageId: string } }>(`${base}/${documentId}/test-email`, { to })).data.data
  );
};
