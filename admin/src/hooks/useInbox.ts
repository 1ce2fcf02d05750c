import { useFetchClient } from '@strapi/strapi/admin';
import { useMutation, useQuery, useQueryClient } from 'react-query';
import type { MailAddress, Paged } from '../../../shared/contracts/common';
import type { Conversation, ConversationDetail, ConversationStatus, CustomerRecord, ForwardInput, InboxServer, Message, ReplyInput } from '../../../shared/contracts/inbox';
import { PLUGIN_ID } from '../pluginId';
import { toQueryString } from '../utils/query';

export type { Conversation, MailAddress, Message };

export interface InboxFilters {
  server?: string;
  status?: string;
  /** true: only automatic mail; false: only mail from people; absent: both. */
  automatic?: boolean;
  /** 'me', 'none' or an admin user id; absent: anyone's. */
  assignee?: string;
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
    const { server, status, assignee, q, page, pageSize } = filters;
    const automatic = filters.automatic === undefined ? undefined : String(filters.automatic);
    const known = filters.known === undefined ? undefined : String(filters.known);
    const res = await get<Paged<Conversation>>(`/${PLUGIN_ID}/conversations`, {
      params: toQueryString({ server, status, automatic, assignee, known, q, page, pageSize }),
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
    // Opening a conversation marks it read: the list and the unread count should show that.
    {
      enabled: Boolean(documentId),
      onSuccess: () => {
        void client.invalidateQueries([...KEY, 'list']);
        void client.invalidateQueries([...KEY, 'changes']);
      },
    }
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
    /** JSON, or multipart/form-data when there are files (the server streams them to disk). */
    reply: useMutation(
      async ({ body, files = [] }: { body: ReplyInput; files?: File[] }) => {
        const url = `/${PLUGIN_ID}/conversations/${documentId}/reply`;
        if (!files.length) return (await post(url, body)).data;
        const form = new FormData();
        form.append('text', body.text);
        for (const key of ['to', 'cc', 'bcc'] as const) form.append(key, (body[key] ?? []).join(', '));
        files.forEach((file) => form.append('files', file, file.name));
        return (await post(url, form)).data;
      },
      { onSuccess: refresh }
    ),
    forward: useMutation(
      async (body: ForwardInput) => (await post(`/${PLUGIN_ID}/conversations/${documentId}/forward`, body)).data,
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
