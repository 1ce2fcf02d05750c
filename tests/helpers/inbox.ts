/** Servers that fetch from a Dovecot mailbox, fetched and read back through the admin API and the database. */
import { incomingFrom, type Dovecot } from './dovecot';
import type { TestApp } from './strapi';

/**
 * The body of a server that fetches `mailbox` over `protocol` (plain text unless overridden) and
 * sends to a relay on port 25 it never uses.
 */
export const mailboxServer = (dovecot: Pick<Dovecot, 'ports'>, mailbox: string, protocol: 'imap' | 'pop3', overrides: Record<string, unknown> = {}) => ({
  name: `${protocol.toUpperCase()} ${mailbox}`,
  type: 'smtp',
  senderEmail: 'agent@example.com',
  smtpHost: '127.0.0.1',
  smtpPort: 25,
  ...incomingFrom(dovecot, mailbox, protocol),
  ...overrides,
});

/** "Fetch now" on a server, as the admin panel's button does. */
export const fetchNow = (app: TestApp, documentId: string) => app.as().post(`/email-server/servers/${documentId}/fetch`).send({});

/** The stored inbound messages of a server, in the order they were stored. */
export const storedMails = (app: TestApp, server: string) =>
  app.strapi.db.query('plugin::email-server.inbound-message').findMany({ where: { server }, orderBy: { id: 'asc' } });
