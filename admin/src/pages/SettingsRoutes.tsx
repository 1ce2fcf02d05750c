import { Page } from '@strapi/strapi/admin';
import { Route, Routes } from 'react-router-dom';
import { PERMISSIONS } from '../permissions';
import { ListPage } from './ListPage';
import { CreatePage, EditPage } from './FormPages';

const SettingsRoutes = () => (
  <Page.Protect permissions={PERMISSIONS.read}>
    <Routes>
      <Route index element={<ListPage />} />
      <Route path="create" element={<CreatePage />} />
      <Route path=":documentId" element={<EditPage />} />
      <Route path="*" element={<Page.Error />} />
    </Routes>
  </Page.Protect>
);

export default SettingsRoutes;
