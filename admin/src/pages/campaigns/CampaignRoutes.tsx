import { Page } from '@strapi/strapi/admin';
import { Route, Routes } from 'react-router-dom';
import { CAMPAIGN_PERMISSIONS } from '../../permissions';
import { CampaignDetailPage } from './CampaignDetailPage';
import { CampaignFormPage } from './CampaignFormPage';
import { CampaignListPage } from './CampaignListPage';
import { SuppressionsPage } from './SuppressionsPage';
import { LayoutCreatePage, LayoutEditPage } from '../layouts/LayoutFormPage';
import { LayoutListPage } from '../layouts/LayoutListPage';

const CampaignRoutes = () => (
  <Page.Protect permissions={CAMPAIGN_PERMISSIONS.read}>
    <Routes>
      <Route index element={<CampaignListPage />} />
      <Route path="create" element={<CampaignFormPage />} />
      <Route path="suppressions" element={<SuppressionsPage />} />
      <Route path="layouts" element={<Page.Protect permissions={CAMPAIGN_PERMISSIONS.templatesRead}><LayoutListPage /></Page.Protect>} />
      <Route path="layouts/create" element={<Page.Protect permissions={CAMPAIGN_PERMISSIONS.templatesUpdate}><LayoutCreatePage /></Page.Protect>} />
      <Route path="layouts/:documentId" element={<Page.Protect permissions={CAMPAIGN_PERMISSIONS.templatesRead}><LayoutEditPage /></Page.Protect>} />
      <Route path=":documentId" element={<CampaignDetailPage />} />
      <Route path="*" element={<Page.Error />} />
    </Routes>
  </Page.Protect>
);

export default CampaignRoutes;
