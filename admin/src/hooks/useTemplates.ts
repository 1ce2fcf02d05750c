import { useFetchClient } from '@strapi/strapi/admin';
import { useMutation, useQuery, useQueryClient } from 'react-query';
import type { Template, TemplateInput } from '../../../shared/contracts/campaigns';
import { PLUGIN_ID } from '../pluginId';

export type { Template, TemplateInput };

const KEY = [PLUGIN_ID, 'templates'];
const base = `/${PLUGIN_ID}/templates`;

/** The layouts, by name; `enabled` false for someone without templates.read (the route would answer 403). */
export const useTemplates = (enabled = true) => {
  const { get } = useFetchClient();
  return useQuery(KEY, async () => (await get<{ data: Template[] }>(base)).data.data, { enabled });
};

export const useTemplate = (documentId: string | undefined) => {
  const { get } = useFetchClient();
  return useQuery([...KEY, documentId], async () => (await get<{ data: Template }>(`${base}/${documentId}`)).data.data, {
    enabled: Boolean(documentId),
  });
};

export const useTemplateActions = () => {
  const { post, put, del } = useFetchClient();
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries(KEY, { exact: true });
  return {
    create: useMutation(async (body: TemplateInput) => (await post<{ data: Template }>(base, body)).data.data, { onSuccess: refresh }),
    update: useMutation(
      async ({ documentId, ...body }: Partial<TemplateInput> & { documentId: string }) =>
        (await put<{ data: Template }>(`${base}/${documentId}`, body)).data.data,
      {
        onSuccess: (saved) => {
          client.setQueryData([...KEY, saved.documentId], saved);
          refresh();
        },
      }
    ),
    remove: useMutation(
      async (documentId: string) => {
        await del(`${base}/${documentId}`);
        return documentId;
      },
      { onSuccess: refresh }
    ),
  };
};
