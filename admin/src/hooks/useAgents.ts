import * as React from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import { useMutation, useQuery, useQueryClient } from 'react-query';
import type { Agent, InboxChanges, Message, SavedReply, SavedReplyInput } from '../../../shared/contracts/inbox';
import { PLUGIN_ID } from '../pluginId';
import { toQueryString } from '../utils/query';

export type { Agent, SavedReply };

/** How often the pages ask what changed (README "Inbox" → "Live updates"). */
export const POLL_MS = 5_000;

const KEY = [PLUGIN_ID, 'inbox'];
const CHANGES = [...KEY, 'changes'];

export const useAgents = () => {
  const { get } = useFetchClient();
  return useQuery([...KEY, 'agents'], async () => (await get<{ data: Agent[] }>(`/${PLUGIN_ID}/inbox/agents`)).data.data, { staleTime: 60_000 });
};

/**
 * One poll for the whole admin (the menu badge, the list, an open conversation share it): the
 * cursor lives here, so every answer says what changed since the previous one. The first answer
 * only sets the cursor. react-query stops the interval while the tab is hidden.
 */
let cursor: string | undefined;
export const useInboxChanges = () => {
  const { get } = useFetchClient();
  return useQuery(
    CHANGES,
    async () => {
      const data = (await get<{ data: InboxChanges }>(`/${PLUGIN_ID}/inbox/changes`, { params: toQueryString({ since: cursor }) })).data.data;
      const first = cursor === undefined;
      cursor = data.cursor;
      return { ...data, changed: first ? [] : data.changed };
    },
    { refetchInterval: POLL_MS, refetchIntervalInBackground: false, refetchOnWindowFocus: true }
  );
};

/** Refetches the list, or the open conversation, when the poll says it changed. */
export const useRefreshOnChange = (documentId?: string) => {
  const changes = useInboxChanges();
  const client = useQueryClient();
  const changed = changes.data?.changed;
  React.useEffect(() => {
    if (!changed?.length) return;
    if (!documentId) void client.invalidateQueries([...KEY, 'list']);
    else if (changed.includes(documentId)) void client.invalidateQueries([...KEY, 'conversation', documentId]);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [changes.dataUpdatedAt]);
};

export const useAgentActions = (documentId?: string) => {
  const { post, put } = useFetchClient();
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries(KEY);
  return {
    assign: useMutation(
      async (assignee: number | null) => (await put(`/${PLUGIN_ID}/conversations/${documentId}`, { assignee })).data,
      { onSuccess: refresh }
    ),
    note: useMutation(
      async (text: string) => (await post<{ data: Message }>(`/${PLUGIN_ID}/conversations/${documentId}/notes`, { text })).data.data,
      { onSuccess: refresh }
    ),
  };
};

const SAVED = [...KEY, 'saved-replies'];

export const useSavedReplies = (enabled = true) => {
  const { get } = useFetchClient();
  return useQuery(SAVED, async () => (await get<{ data: SavedReply[] }>(`/${PLUGIN_ID}/saved-replies`)).data.data, { enabled });
};

export const useSavedReplyActions = () => {
  const { post, put, del } = useFetchClient();
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries(SAVED);
  return {
    save: useMutation(
      async ({ documentId, ...input }: SavedReplyInput & { documentId?: string }) =>
        documentId ? (await put(`/${PLUGIN_ID}/saved-replies/${documentId}`, input)).data : (await post(`/${PLUGIN_ID}/saved-replies`, input)).data,
      { onSuccess: refresh }
    ),
    remove: useMutation(async (documentId: string) => (await del(`/${PLUGIN_ID}/saved-replies/${documentId}`)).data, { onSuccess: refresh }),
    render: async (documentId: string, conversation: string) =>
      (await post<{ data: { text: string } }>(`/${PLUGIN_ID}/saved-replies/${documentId}/render`, { conversation })).data.data.text,
  };
};
