/**
 * The plugin's RBAC actions: registered by the server's bootstrap, checked by every admin route,
 * asked for by the admin's pages. Grouped as Settings → Roles shows them.
 */
const PREFIX = 'plugin::email-server.';

export const ACTION_GROUPS = {
  'Email servers': [
    { uid: 'servers.read', displayName: 'Read' },
    { uid: 'servers.create', displayName: 'Create' },
    { uid: 'servers.update', displayName: 'Update' },
    { uid: 'servers.delete', displayName: 'Delete' },
    { uid: 'servers.test', displayName: 'Test connection and send test emails' },
    // Separate because the default server carries Strapi's password-reset mails; only super
    // admins have it until someone grants it.
    { uid: 'servers.set-default', displayName: 'Set the default server' },
  ],
  Inbox: [
    { uid: 'inbox.read', displayName: 'Read the inbox and fetch mail' },
    { uid: 'inbox.reply', displayName: 'Reply, forward, add notes, use saved replies, change status and take conversations' },
    { uid: 'inbox.assign', displayName: 'Assign conversations to other agents' },
    { uid: 'inbox.manage', displayName: 'Edit saved replies' },
  ],
  Campaigns: [
    { uid: 'campaigns.read', displayName: 'Read campaigns and the suppression list' },
    { uid: 'campaigns.create', displayName: 'Create and edit campaigns and their recipients' },
    { uid: 'campaigns.send', displayName: 'Send, schedule, pause, resume and cancel campaigns' },
    { uid: 'suppressions.update', displayName: 'Edit the suppression list' },
    { uid: 'templates.read', displayName: 'Read layouts' },
    { uid: 'templates.update', displayName: 'Create, edit and delete layouts' },
  ],
} as const;

type ActionUid = (typeof ACTION_GROUPS)[keyof typeof ACTION_GROUPS][number]['uid'];
const id = <U extends ActionUid>(uid: U) => `${PREFIX}${uid}` as const;

/** Full action ids, as routes and `Page.Protect` name them. */
export const ACTIONS = {
  serversRead: id('servers.read'),
  serversCreate: id('servers.create'),
  serversUpdate: id('servers.update'),
  serversDelete: id('servers.delete'),
  serversTest: id('servers.test'),
  serversSetDefault: id('servers.set-default'),
  inboxRead: id('inbox.read'),
  inboxReply: id('inbox.reply'),
  inboxAssign: id('inbox.assign'),
  inboxManage: id('inbox.manage'),
  campaignsRead: id('campaigns.read'),
  campaignsCreate: id('campaigns.create'),
  campaignsSend: id('campaigns.send'),
  suppressionsUpdate: id('suppressions.update'),
  templatesRead: id('templates.read'),
  templatesUpdate: id('templates.update'),
} as const;
export type Action = (typeof ACTIONS)[keyof typeof ACTIONS];
