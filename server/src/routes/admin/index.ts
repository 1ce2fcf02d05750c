import { ACTIONS } from '../../../../shared/permissions';
import { readRawBody } from '../../utils/raw-body';
import { readMultipart } from '../../utils/multipart';

const guard = (action: string) => ({
  policies: ['admin::isAuthenticatedAdmin', { name: 'admin::hasPermissions', config: { actions: [action] } }],
});

export default () => ({
  type: 'admin',
  routes: [
    { method: 'GET', path: '/servers', handler: 'servers.find', config: guard(ACTIONS.serversRead) },
    { method: 'GET', path: '/servers/:documentId', handler: 'servers.findOne', config: guard(ACTIONS.serversRead) },
    { method: 'POST', path: '/servers', handler: 'servers.create', config: guard(ACTIONS.serversCreate) },
    // Proposes settings for the create form; it stores nothing, so the create action suffices.
    { method: 'POST', path: '/servers/detect', handler: 'servers.detect', config: guard(ACTIONS.serversCreate) },
    { method: 'PUT', path: '/servers/:documentId', handler: 'servers.update', config: guard(ACTIONS.serversUpdate) },
    { method: 'DELETE', path: '/servers/:documentId', handler: 'servers.delete', config: guard(ACTIONS.serversDelete) },
    { method: 'POST', path: '/servers/:documentId/verify', handler: 'servers.verify', config: guard(ACTIONS.serversTest) },
    { method: 'POST', path: '/servers/:documentId/test-email', handler: 'servers.testEmail', config: guard(ACTIONS.serversTest) },
    { method: 'POST', path: '/servers/:documentId/fetch', handler: 'inbox.fetch', config: guard(ACTIONS.inboxRead) },
    { method: 'GET', path: '/inbox/servers', handler: 'inbox.servers', config: guard(ACTIONS.inboxRead) },
    { method: 'GET', path: '/conversations', handler: 'inbox.find', config: guard(ACTIONS.inboxRead) },
    { method: 'GET', path: '/conversations/:documentId', handler: 'inbox.findOne', config: guard(ACTIONS.inboxRead) },
    { method: 'GET', path: '/conversations/:documentId/customer', handler: 'customer.find', config: guard(ACTIONS.inboxRead) },
    { method: 'PUT', path: '/conversations/:documentId', handler: 'inbox.update', config: guard(ACTIONS.inboxReply) },
    {
      method: 'POST',
      path: '/conversations/:documentId/reply',
      handler: 'inbox.reply',
      // Attachments are read only once the admin's token and permission passed.
      config: { ...guard(ACTIONS.inboxReply), middlewares: [readMultipart] },
    },
    { method: 'POST', path: '/conversations/:documentId/forward', handler: 'inbox.forward', config: guard(ACTIONS.inboxReply) },
    { method: 'POST', path: '/conversations/:documentId/notes', handler: 'inbox.addNote', config: guard(ACTIONS.inboxReply) },
    { method: 'GET', path: '/inbox/agents', handler: 'inbox.agents', config: guard(ACTIONS.inboxRead) },
    { method: 'GET', path: '/inbox/changes', handler: 'inbox.changes', config: guard(ACTIONS.inboxRead) },
    { method: 'GET', path: '/saved-replies', handler: 'saved-replies.find', config: guard(ACTIONS.inboxReply) },
    { method: 'POST', path: '/saved-replies', handler: 'saved-replies.create', config: guard(ACTIONS.inboxManage) },
    { method: 'PUT', path: '/saved-replies/:documentId', handler: 'saved-replies.update', config: guard(ACTIONS.inboxManage) },
    { method: 'DELETE', path: '/saved-replies/:documentId', handler: 'saved-replies.delete', config: guard(ACTIONS.inboxManage) },
    { method: 'POST', path: '/saved-replies/:documentId/render', handler: 'saved-replies.render', config: guard(ACTIONS.inboxReply) },
    {
      method: 'GET',
      path: '/messages/:documentId/attachments/:index',
      handler: 'inbox.attachment',
      config: guard(ACTIONS.inboxRead),
    },
    { method: 'GET', path: '/campaigns', handler: 'campaigns.find', config: guard(ACTIONS.campaignsRead) },
    { method: 'POST', path: '/campaigns', handler: 'campaigns.create', config: guard(ACTIONS.campaignsCreate) },
    { method: 'GET', path: '/campaigns/servers', handler: 'campaigns.servers', config: guard(ACTIONS.campaignsRead) },
    { method: 'POST', path: '/campaigns/preview', handler: 'campaigns.previewUnsaved', config: guard(ACTIONS.campaignsRead) },
    { method: 'GET', path: '/campaigns/sources', handler: 'campaigns.sources', config: guard(ACTIONS.campaignsCreate) },
    { method: 'GET', path: '/campaigns/:documentId', handler: 'campaigns.findOne', config: guard(ACTIONS.campaignsRead) },
    { method: 'PUT', path: '/campaigns/:documentId', handler: 'campaigns.update', config: guard(ACTIONS.campaignsCreate) },
    { method: 'DELETE', path: '/campaigns/:documentId', handler: 'campaigns.delete', config: guard(ACTIONS.campaignsCreate) },
    {
      method: 'POST',
      path: '/campaigns/:documentId/recipients',
      handler: 'campaigns.addRecipients',
      // The CSV body is read only once the admin's token and permission passed.
      config: { ...guard(ACTIONS.campaignsCreate), middlewares: [readRawBody] },
    },
    { method: 'POST', path: '/campaigns/:documentId/recipients/count', handler: 'campaigns.countSource', config: guard(ACTIONS.campaignsCreate) },
    { method: 'GET', path: '/campaigns/:documentId/recipients', handler: 'campaigns.recipients', config: guard(ACTIONS.campaignsRead) },
    { method: 'POST', path: '/campaigns/:documentId/send', handler: 'campaigns.send', config: guard(ACTIONS.campaignsSend) },
    { method: 'POST', path: '/campaigns/:documentId/pause', handler: 'campaigns.pause', config: guard(ACTIONS.campaignsSend) },
    { method: 'POST', path: '/campaigns/:documentId/resume', handler: 'campaigns.resume', config: guard(ACTIONS.campaignsSend) },
    { method: 'POST', path: '/campaigns/:documentId/cancel', handler: 'campaigns.cancel', config: guard(ACTIONS.campaignsSend) },
    { method: 'POST', path: '/campaigns/:documentId/preview', handler: 'campaigns.preview', config: guard(ACTIONS.campaignsRead) },
    { method: 'POST', path: '/campaigns/:documentId/test', handler: 'campaigns.testSend', config: guard(ACTIONS.campaignsCreate) },
    { method: 'GET', path: '/templates', handler: 'templates.find', config: guard(ACTIONS.templatesRead) },
    { method: 'GET', path: '/templates/:documentId', handler: 'templates.findOne', config: guard(ACTIONS.templatesRead) },
    { method: 'POST', path: '/templates', handler: 'templates.create', config: guard(ACTIONS.templatesUpdate) },
    { method: 'PUT', path: '/templates/:documentId', handler: 'templates.update', config: guard(ACTIONS.templatesUpdate) },
    { method: 'DELETE', path: '/templates/:documentId', handler: 'templates.delete', config: guard(ACTIONS.templatesUpdate) },
    { method: 'GET', path: '/suppressions', handler: 'suppressions.find', config: guard(ACTIONS.campaignsRead) },
    { method: 'POST', path: '/suppressions', handler: 'suppressions.create', config: guard(ACTIONS.suppressionsUpdate) },
    { method: 'DELETE', path: '/suppressions/:documentId', handler: 'suppressions.delete', config: guard(ACTIONS.suppressionsUpdate) },
  ],
});
