import { Page } from '@strapi/strapi/admin';
import { Route, Routes } from 'react-router-dom';
import { PERMISSIONS } from '../../permissions';
import { OAuthCallbackPage } from './OAuthCallbackPage';
import { CreateServerPage, EditServerPage } from './ServerFormPage';
import { ServerListPage } from './ServerListPage';

const ServerRoutes = () => (
  <Page.Protect permissions={PERMISSIONS.read}>
    <Routes>
      <Route index element={<ServerListPage />} />
      <Route path="create" element={<CreateServerPage />} />
      <Route path="oauth/callback" element={<OAuthCallbackPage />} />
      <Route path=":documentId" element={<EditServerPage />} />
      <Route path="*" element={<Page.Error />} />
    </Routes>
  </Page.Protect>
);

export default ServerRoutes;
