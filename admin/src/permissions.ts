const action = (name: string) => [{ action: `plugin::email-server.${name}`, subject: null }];

export const PERMISSIONS = {
  read: action('servers.read'),
  create: action('servers.create'),
  update: action('servers.update'),
  delete: action('servers.delete'),
  test: action('servers.test'),
  setDefault: action('servers.set-default'),
};

export const INBOX_PERMISSIONS = {
  read: action('inbox.read'),
  reply: action('inbox.reply'),
};

export const CAMPAIGN_PERMISSIONS = {
  read: action('campaigns.read'),
  create: action('campaigns.create'),
  send: action('campaigns.send'),
  suppressions: action('suppressions.update'),
};
