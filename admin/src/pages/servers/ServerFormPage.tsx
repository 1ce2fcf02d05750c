import { Page, useRBAC } from '@strapi/strapi/admin';
import { useParams } from 'react-router-dom';
import { useServer } from '../../hooks/useServers';
import { PERMISSIONS } from '../../permissions';
import { ServerForm } from './ServerForm';

export const CreateServerPage = () => {
  const { allowedActions, isLoading } = useRBAC({ create: PERMISSIONS.create });
  if (isLoading) return <Page.Loading />;
  if (!allowedActions.canCreate) return <Page.NoPermissions />;
  return <ServerForm />;
};

export const EditServerPage = () => {
  const { documentId } = useParams<{ documentId: string }>();
  const { data: server, isLoading, isError } = useServer(documentId);
  if (isLoading) return <Page.Loading />;
  if (isError || !server) return <Page.Error />;
  // A new updatedAt (after a save) starts the form over from what was stored.
  return <ServerForm key={server.updatedAt} server={server} />;
};
