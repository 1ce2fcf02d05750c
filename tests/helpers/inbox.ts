/** Servers that fetch from a Dovecot mailbox, fetched and read back through the admin API and the database. */
import { incomingFrom, startDovecot, type Dovecot } from './dovecot';
import { bootStrapi, type TestApp } from './strapi';

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

/**
 * A Strapi (polling off) with one IMAP "Helpdesk" server on a fresh Dovecot mailbox, for tests that
 * deliver mail and press "Fetch now". `fetchExpecting(n)` asserts that n mails were fetched and stored.
 */
export const helpdeskOnDovecot = async () => {
  const dovecot = await startDovecot();
  let app: TestApp;
  try {
    app = await bootStrapi({ EMAIL_SERVER_POLLING: 'false' });
  } catch (error) {
    await dovecot.stop();
    throw error;
  }
  const box = dovecot.newMailbox();
  const res = await app
    .as()
    .post('/email-server/servers')
    .send(mailboxServer(dovecot, box, 'imap', { name: 'Helpdesk', senderEmail: 'help@example.com', smtpSecurity: 'none' }));
  expect(res.status).toBe(201);
  const server = res.body.data;
  const fetchExpecting = async (expected: number) => {
    const fetched = await fetchNow(app, server.documentId);
    expect(fetched.status).toBe(200);
    expect(fetched.body.data).toEqual({ fetched: expected, stored: expected });
  };
  const stop = async () => {
    await app.close();
    await dovecot.stop();
  };
  return { app, dovecot, box, server, fetchExpecting, stop };
};
