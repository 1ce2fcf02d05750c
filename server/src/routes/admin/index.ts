import { ACTIONS } from '../../permissions';

const guard = (action: string) => ({
  policies: ['admin::isAuthenticatedAdmin', { name: 'admin::hasPermissions', config: { actions: [action] } }],
});

export default () => ({
  type: 'admin',
  routes: [
    { method: 'GET', path: '/servers', handler: 'servers.find', config: guard(ACTIONS.serversRead) },
    { method: 'GET', path: '/servers/:documentId', handler: 'servers.findOne', config: guard(ACTIONS.serversRead) },
    { method: 'POST', path: '/servers', handler: 'servers.create', config: guard(ACTIONS.serversCreate) },
    { method: 'PUT', path: '/servers/:documentId', handler: 'servers.update', config: guard(ACTIONS.serversUpdate) },
    { method: 'DELETE', path: '/servers/:documentId', handler: 'servers.delete', config: guard(ACTIONS.serversDelete) },
    { method: 'POST', path: '/servers/:documentId/verify', handler: 'servers.verify', config: guard(ACTIONS.serversTest) },
    { method: 'POST', path: '/servers/:documentId/test-email', handler: 'servers.testEmail', config: guard(ACTIONS.serversTest) },
  ],
});
