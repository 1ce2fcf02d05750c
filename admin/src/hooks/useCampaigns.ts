import * as React from 'react';
import { FetchError, useAuth, useFetchClient } from '@strapi/strapi/admin';
import { useMutation, useQuery, useQueryClient } from 'react-query';
import type { Paged, Pagination } from '../../../shared/contracts/common';
import {
  CAMPAIGN_STATUSES,
  RECIPIENT_STATUSES,
  SUPPRESSION_REASONS,
  type Campaign,
  type CampaignCounts,
  type CampaignInput,
  type CampaignPreview,
  type CampaignServerOption,
  type CampaignStatus,
  type ImportResult,
  type Recipient,
  type RecipientInput,
  type RecipientSource,
  type RecipientSourceOption,
  type RecipientStatus,
  type PreviewInput,
  type TestSendInput,
  type Suppression,
  type SuppressionReason,
} from '../../../shared/contracts/campaigns';
import { PLUGIN_ID } from '../pluginId';
import { toQueryString } from '../utils/query';

export { CAMPAIGN_STATUSES, RECIPIENT_STATUSES, SUPPRESSION_REASONS };
export type { Campaign, CampaignCounts, CampaignInput, CampaignPreview, CampaignStatus, PreviewInput, RecipientSource, RecipientSourceOption, TestSendInput, ImportResult, Paged, Pagination, Recipient, RecipientInput, RecipientStatus, Suppression, SuppressionReason };

export interface RecipientFilters {
  status?: RecipientStatus | '';
  q?: string;
  page: number;
  pageSize: number;
}

export interface SuppressionFilters {
  q?: string;
  page: number;
  pageSize: number;
}

const POLL_MS = 1000;
const KEY = [PLUGIN_ID, 'campaigns'];
const SUPPRESSIONS_KEY = [PLUGIN_ID, 'suppressions'];
const base = `/${PLUGIN_ID}/campaigns`;
const suppressionsBase = `/${PLUGIN_ID}/suppressions`;

/** Progress only moves while the queue works on the campaign (or is about to). */
export const isLive = (status: CampaignStatus | undefined) => status === 'sending' || status === 'scheduled';
/** Every second while sending; a scheduled campaign only needs to notice that it started. */
const pollEvery = (status: CampaignStatus | undefined) => (status === 'sending' ? POLL_MS : status === 'scheduled' ? 10 * POLL_MS : false);

/** Recipients no longer waiting to be sent, as a whole percentage (0 for an empty campaign). */
export const percentDone = (counts: CampaignCounts) =>
  counts.total === 0 ? 0 : Math.round(((counts.total - counts.queued - counts.sending) / counts.total) * 100);

/** Recipients that reached a final state, for the list's "x / y". */
export const finishedCount = (counts: CampaignCounts) =>
  counts.sent + counts.failed + counts.bounced + counts.unsubscribed + counts.suppressed + counts.cancelled;

export const useCampaigns = () => {
  const { get } = useFetchClient();
  return useQuery(KEY, async () => (await get<{ data: Campaign[] }>(base)).data.data, {
    refetchInterval: (data) =>
      data?.some((c) => c.status === 'sending') ? POLL_MS : data?.some((c) => c.status === 'scheduled') ? 10 * POLL_MS : false,
  });
};

export const useCampaign = (documentId: string | undefined) => {
  const { get } = useFetchClient();
  return useQuery(
    [...KEY, documentId],
    async () => (await get<{ data: Campaign }>(`${base}/${documentId}`)).data.data,
    {
      enabled: Boolean(documentId),
      refetchInterval: (data) => pollEvery(data?.status),
    }
  );
};

export const useRecipients = (documentId: string, filters: RecipientFilters, campaignStatus: CampaignStatus) => {
  const { get } = useFetchClient();
  const live = isLive(campaignStatus);
  const result = useQuery(
    [...KEY, documentId, 'recipients', filters],
    async () =>
      (
        await get<Paged<Recipient>>(`${base}/${documentId}/recipients`, {
          params: toQueryString({ status: filters.status, q: filters.q, page: filters.page, pageSize: filters.pageSize }),
        })
      ).data,
    { keepPreviousData: true, refetchInterval: pollEvery(campaignStatus) }
  );
  // Polling stops with the campaign, possibly just before the last recipients changed: fetch once more.
  const wasLive = React.useRef(live);
  const { refetch } = result;
  React.useEffect(() => {
    if (wasLive.current && !live) refetch();
    wasLive.current = live;
  }, [live, refetch]);
  return result;
};

export const useCreateCampaign = () => {
  const { post } = useFetchClient();
  const client = useQueryClient();
  return useMutation(
    async (body: CampaignInput & { recipients?: RecipientInput[] }) =>
      (await post<{ data: Campaign; meta: ImportResult }>(base, body)).data,
    { onSuccess: () => client.invalidateQueries(KEY) }
  );
};

/**
 * POSTs a CSV file's text as it is. The fetch client JSON-encodes every body that is not
 * FormData, so this one request goes through fetch with the admin's token.
 */
const usePostCsv = () => {
  const token = useAuth('useCampaignActions', (auth) => auth.token);
  return async <T>(url: string, csv: string): Promise<T> => {
    const backendURL = (window as unknown as { strapi: { backendURL: string } }).strapi.backendURL;
    const response = await fetch(`${backendURL}${url}`, {
      method: 'POST',
      credentials: 'include',
      headers: { Accept: 'application/json', 'Content-Type': 'text/csv', Authorization: `Bearer ${token}` },
      body: csv,
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      // The same error the fetch client throws, so useAPIErrorHandler can read it.
      const error = new FetchError(body?.error?.message ?? response.statusText, { data: body });
      error.status = response.status;
      throw error;
    }
    return body as T;
  };
};

/** The answer to a change is the campaign as it now is: show it at once, then refresh the lists. */
const useShowCampaign = (documentId: string) => {
  const client = useQueryClient();
  return (campaign: Campaign) => {
    client.setQueryData([...KEY, documentId], campaign);
    client.invalidateQueries(KEY);
  };
};

const useStatusChange = (documentId: string, action: 'pause' | 'resume' | 'cancel') => {
  const { post } = useFetchClient();
  const show = useShowCampaign(documentId);
  return useMutation(
    async () => (await post<{ data: Campaign }>(`${base}/${documentId}/${action}`, {})).data.data,
    { onSuccess: show }
  );
};

export const useCampaignActions = (documentId: string) => {
  const { post, put, del } = useFetchClient();
  const postCsv = usePostCsv();
  const client = useQueryClient();
  const show = useShowCampaign(documentId);
  const url = `${base}/${documentId}`;

  return {
    update: useMutation(
      async (body: Partial<CampaignInput>) => (await put<{ data: Campaign }>(url, body)).data.data,
      { onSuccess: show }
    ),
    remove: useMutation(
      async () => {
        await del(url);
        return documentId;
      },
      // Only the list: refetching the deleted campaign itself would answer 404 before the page leaves.
      { onSuccess: () => client.invalidateQueries(KEY, { exact: true }) }
    ),
    addRecipients: useMutation(
      async (recipients: RecipientInput[]) =>
        (await post<{ data: ImportResult }>(`${url}/recipients`, recipients)).data.data,
      { onSuccess: () => client.invalidateQueries(KEY) }
    ),
    /** Every entry of a content type that matches the filters; 403 when the admin may not read it. */
    importSource: useMutation(
      async (source: RecipientSource) =>
        (await post<{ data: ImportResult }>(`${url}/recipients`, { source })).data.data,
      { onSuccess: () => client.invalidateQueries(KEY) }
    ),
    countSource: useMutation(
      async (source: RecipientSource) =>
        (await post<{ data: { count: number } }>(`${url}/recipients/count`, { source })).data.data.count
    ),
    /** The stored campaign, rendered, to up to 10 addresses; subject prefixed `[Test] `. */
    testSend: useMutation(async (body: TestSendInput) => (await post<{ data: { sent: number } }>(`${url}/test`, body)).data.data),
    importCsv: useMutation(
      async (csv: string) => (await postCsv<{ data: ImportResult }>(`${url}/recipients`, csv)).data,
      { onSuccess: () => client.invalidateQueries(KEY) }
    ),
    /** Without `at` it starts now; with a future ISO time it schedules. */
    send: useMutation(
      async (at?: string) => (await post<{ data: Campaign }>(`${url}/send`, at ? { at } : {})).data.data,
      { onSuccess: show }
    ),
    pause: useStatusChange(documentId, 'pause'),
    resume: useStatusChange(documentId, 'resume'),
    cancel: useStatusChange(documentId, 'cancel'),
  };
};

export const useSuppressions = (filters: SuppressionFilters) => {
  const { get } = useFetchClient();
  return useQuery(
    [...SUPPRESSIONS_KEY, filters],
    async () =>
      (
        await get<Paged<Suppression>>(suppressionsBase, {
          params: toQueryString({ q: filters.q, page: filters.page, pageSize: filters.pageSize }),
        })
      ).data,
    { keepPreviousData: true }
  );
};

export const useSuppressionActions = () => {
  const { post, del } = useFetchClient();
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries(SUPPRESSIONS_KEY);
  return {
    add: useMutation(
      async (body: { email: string; reason?: SuppressionReason }) =>
        (await post<{ data: Suppression }>(suppressionsBase, body)).data.data,
      { onSuccess: refresh }
    ),
    remove: useMutation(
      async (documentId: string) => {
        await del(`${suppressionsBase}/${documentId}`);
        return documentId;
      },
      { onSuccess: refresh }
    ),
  };
};

/** The servers a campaign can use; needs only campaigns.read, not the server-management actions. */
export const useCampaignServers = () => {
  const { get } = useFetchClient();
  return useQuery([...KEY, 'servers'], async () => (await get<{ data: CampaignServerOption[] }>(`${base}/servers`)).data.data);
};

/** Collection types the admin may read that have an email attribute (needs campaigns.create). */
export const useRecipientSources = (enabled = true) => {
  const { get } = useFetchClient();
  return useQuery([...KEY, 'sources'], async () => (await get<{ data: RecipientSourceOption[] }>(`${base}/sources`)).data.data, {
    enabled,
  });
};

/**
 * Renders the form's unsaved subject and bodies: for one recipient of a saved campaign
 * (documentId), or with sample values for a new one.
 */
export const usePreviewRequest = (documentId?: string) => {
  const { post } = useFetchClient();
  return React.useCallback(
    async (body: PreviewInput) =>
      (await post<{ data: CampaignPreview }>(documentId ? `${base}/${documentId}/preview` : `${base}/preview`, body)).data.data,
    [post, documentId]
  );
};
