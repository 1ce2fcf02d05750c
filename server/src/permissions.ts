/** RBAC actions, registered in bootstrap; each admin route checks one. */
export const ACTIONS = {
  serversRead: 'plugin::email-server.servers.read',
  serversCreate: 'plugin::email-server.servers.create',
  serversUpdate: 'plugin::email-server.servers.update',
  serversDelete: 'plugin::email-server.servers.delete',
  serversTest: 'plugin::email-server.servers.test',
  serversSetDefault: 'plugin::email-server.servers.set-default',
  inboxRead: 'plugin::email-server.inbox.read',
  inboxReply: 'plugin::email-server.inbox.reply',
  campaignsRead: 'plugin::email-server.campaigns.read',
  campaignsCreate: 'plugin::email-server.campaigns.create',
  campaignsSend: 'plugin::email-server.campaigns.send',
  suppressionsUpdate: 'plugin::email-server.suppressions.update',
} as const;

export const actionDefinitions = [
  { uid: 'servers.read', displayName: 'Read' },
  { uid: 'servers.create', displayName: 'Create' },
  { uid: 'servers.update', displayName: 'Update' },
  { uid: 'servers.delete', displayName: 'Delete' },
  { uid: 'servers.test', displayName: 'Test connection and send test emails' },
  // Separate because the default server carries Strapi's password-reset mails; only super
  // admins have it until someone grants it.
  { uid: 'servers.set-default', displayName: 'Set the default server' },
].map((action) => ({
  ...action,
  section: 'plugins',
  subCategory: 'Email servers',
  pluginName: 'email-server',
})).concat(
  [
    { uid: 'inbox.read', displayName: 'Read the inbox and fetch mail' },
    { uid: 'inbox.reply', displayName: 'Reply and change conversation status' },
  ].map((action) => ({ ...action, section: 'plugins', subCategory: 'Inbox', pluginName: 'email-server' }))
).concat(
  [
    { uid: 'campaigns.read', displayName: 'Read campaigns and the suppression list' },
    { uid: 'campaigns.create', displayName: 'Create and edit campaigns and their recipients' },
    { uid: 'campaigns.send', displayName: 'Send, schedule, pause, resume and cancel campaigns' },
    { uid: 'suppressions.update', displayName: 'Edit the suppression list' },
  ].map((action) => ({ ...action, section: 'plugins', subCategory: 'Campaigns', pluginName: 'email-server' }))
);
