import { useFetchClient } from '@strapi/strapi/admin';
import { useMutation } from 'react-query';
import type { DetectResult } from '../../../shared/contracts/detect';
import { PLUGIN_ID } from '../pluginId';

export type { DetectResult };

/** "Detect settings": asks the server what it finds for an address; nothing is saved. */
export const useDetectSettings = () => {
  const { post } = useFetchClient();
  return useMutation(async (email: string) => (await post<{ data: DetectResult }>(`/${PLUGIN_ID}/servers/detect`, { email })).data.data);
};
