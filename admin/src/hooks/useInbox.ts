import { useFetchClient } from '@strapi/strapi/admin';
import { useMutation, useQuery, useQueryClient } from 'react-query';
import type { MailAddress, Paged } from '../../../shared/contracts/common';
import type { Conversation, ConversationDetail, ConversationStatus, CustomerRecord, InboxServer, Message } from '../../../shared/contracts/inbox';
import { PLUGIN_ID } from '../pluginId';
import { toQueryString } from '../utils/query';

export type { Conversation, MailAddress, Message };

export interface InboxFilters {
  server?: string;
  status?: string;
  /** true: only automatic mail; false: only mail from people; absent: both. */
  automatic?: boolean;
  /** true: the sender is a known customer (an entry of a contact source); false: not. */
  known?: boolean;
  q?: string;
  page: number;
  pageSize: number;
}

const KEY = [PLUGIN_ID, 'inbox'];

export const useInboxServers = () => {
  const { get } = useFetchClient();
  return useQuery([...KEY, 'servers'], async () =>
    (await get<{ data: InboxServer[] }>(`/${PLUGIN_ID}/inbox/servers`)).data.data
  );
};

export const useConversations = (filters: InboxFilters) => {
  const { get } = useFetchClient();
  return useQuery([...KEY, 'list', filters], async () => {
    const { server, status, q, page, pageSize } = filters;
    const automatic = filters.automatic === undefined ? undefined : String(filters.automatic);
    const known = filters.known === undefined ? undefined : String(filters.known);
    const res = await get<Paged<Conversation>>(`/${PLUGIN_ID}/conversations`, {
      params: toQueryString({ server, status, automatic, known, q, page, pageSize }),
    });
    return res.data;
  }, { keepPreviousData: true });
};

export const useConversation = (documentId: string | undefined, remote: boolean) => {
  const { get } = useFetchClient();
  const client = useQueryClient();
  return useQuery(
    [...KEY, 'conversation', documentId, remote],
    async () =>
      (await get<{ data: ConversationDetail }>(`/${PLUGIN_ID}/conversations/${documentId}`, {
        params: remote ? { remote: '1' } : {},
      })).data.data,
    // Opening a conversation marks it read: the list should show that.
    { enabled: Boolean(documentId), onSuccess: () => client.invalidateQueries([...KEY, 'list']) }
  );
};

/** The customer's entries in this Strapi app, for the panel beside the thread. */
export const useCustomerRecords = (documentId: string | undefined) => {
  const { get } = useFetchClient();
  return useQuery(
    [...KEY, 'customer', documentId],
    async () => (await get<{ data: CustomerRecord[] }>(`/${PLUGIN_ID}/conversations/${documentId}/customer`)).data.data,
    { enabled: Boolean(documentId) }
  );
};

export const useInboxActions = (documentId?: string) => {
  const { post, put, get } = useFetchClient();
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries(KEY);
  return {
    fetchNow: useMutation(
      async (servers: string[]) => {
        let stored = 0;
        for (const id of servers) stored += (await post<{ data: { stored: number } }>(`/${PLUGIN_ID}/servers/${id}/fetch`, {})).data.data.stored;
        return stored;
      },
      { onSuccess: refresh }
    ),
    reply: useMutation(
      async (body: { text: string }) => (await post(`/${PLUGIN_ID}/conversations/${documentId}/reply`, body)).data,
      { onSuccess: refresh }
    ),
    setStatus: useMutation(
      async (status: ConversationStatus) => (await put(`/${PLUGIN_ID}/conversations/${documentId}`, { status })).data,
      { onSuccess: refresh }
    ),
    /** Attachments need the admin token, so they are fetched and handed to the browser as a file. */
    download: async (url: string, filename: string) => {
      const res = await get(url, { responseType: 'blob' });
      const href = URL.createObjectURL(res.data as Blob);
      const a = document.createElement('a');
      a.href = href;
      a.download = filename;
      a.click();
      URL.revokeObjectURL(href);
    },
  };
};
