import { Page } from '@strapi/strapi/admin';
import { Route, Routes } from 'react-router-dom';
import { INBOX_PERMISSIONS } from '../../permissions';
import { ConversationPage } from './ConversationPage';
import { InboxPage } from './InboxPage';
import { SavedRepliesPage } from './SavedRepliesPage';

const InboxRoutes = () => (
  <Page.Protect permissions={INBOX_PERMISSIONS.read}>
    <Routes>
      <Route index element={<InboxPage />} />
      <Route path="saved-replies" element={<SavedRepliesPage />} />
      <Route path=":documentId" element={<ConversationPage />} />
      <Route path="*" element={<Page.Error />} />
    </Routes>
  </Page.Protect>
);

export default InboxRoutes;
