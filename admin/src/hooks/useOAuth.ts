import { useFetchClient } from '@strapi/strapi/admin';
import { useMutation, useQuery, useQueryClient } from 'react-query';
import type { OAuthCallback, OAuthRedirectUri, OAuthStartResult } from '../../../shared/contracts/oauth';
import type { PublicServer } from '../../../shared/contracts/servers';
import { PLUGIN_ID } from '../pluginId';

const SERVERS = [PLUGIN_ID, 'servers'];
const base = `/${PLUGIN_ID}`;

/** What the provider redirects back to: the URL to register in its console. */
export const useRedirectUri = (enabled: boolean) => {
  const { get } = useFetchClient();
  return useQuery(
    [PLUGIN_ID, 'oauth', 'redirect-uri'],
    async () => (await get<{ data: OAuthRedirectUri }>(`${base}/oauth/redirect-uri`)).data.data.redirectUri,
    { enabled, staleTime: Infinity }
  );
};

/**
 * Connect (or Reconnect) account: the server opens a single-use state and answers the provider's
 * authorization URL, which the whole window then goes to; the provider comes back to the callback page.
 */
export const useStartOAuth = (documentId: string) => {
  const { post } = useFetchClient();
  return useMutation(async () => {
    const res = await post<{ data: OAuthStartResult }>(`${base}/servers/${documentId}/oauth/start`, {});
    window.location.assign(res.data.data.authorizeUrl);
  });
};

/** What the provider put on the callback URL, handed to the server as it came. */
export type OAuthCallbackBody = OAuthCallback;

export const useFinishOAuth = () => {
  const { post } = useFetchClient();
  const client = useQueryClient();
  return useMutation(
    async (body: OAuthCallbackBody) => (await post<{ data: PublicServer }>(`${base}/oauth/callback`, body)).data.data,
    { onSuccess: () => client.invalidateQueries(SERVERS) }
  );
};

export const useDisconnectOAuth = (documentId: string) => {
  const { post } = useFetchClient();
  const client = useQueryClient();
  return useMutation(
    async () => (await post<{ data: PublicServer }>(`${base}/servers/${documentId}/oauth/disconnect`, {})).data.data,
    { onSuccess: () => client.invalidateQueries(SERVERS) }
  );
};
