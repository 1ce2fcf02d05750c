/** Valid request bodies to start each test from. */
export const smtpServer = (overrides: Record<string, unknown> = {}) => ({
  name: 'Support mail',
  type: 'smtp',
  senderEmail: 'support@example.com',
  senderName: 'Support',
  replyTo: 'help@example.com',
  smtpHost: 'smtp.example.com',
  smtpPort: 587,
  smtpUsername: 'support',
  smtpPassword: 'smtp-Secret-1',
  ...overrides,
});

export const smtpWithImap = (overrides: Record<string, unknown> = {}) =>
  smtpServer({
    incomingProtocol: 'imap',
    incomingHost: 'imap.example.com',
    incomingPort: 993,
    incomingUsername: 'support',
    incomingPassword: 'imap-Secret-2',
    ...overrides,
  });

export const sendgridServer = (overrides: Record<string, unknown> = {}) => ({
  name: 'Newsletter',
  type: 'sendgrid',
  senderEmail: 'news@example.com',
  apiToken: 'SG.test-token-Secret-3',
  ...overrides,
});
