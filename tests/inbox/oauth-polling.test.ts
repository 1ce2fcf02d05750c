/**
 * Receiving with OAuth2: servers whose incoming side logs in with XOAUTH2, connected through the
 * plugin's own Connect routes against the loopback OAuth2 server, polling a real Dovecot whose
 * oauth2 passdb introspects every token there. A token refused between two polls is renewed once;
 * a refresh refused for good (invalid_grant) pauses polling until the account is reconnected,
 * and nothing asks the provider or the mail server again meanwhile.
 */
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { startDovecot, type Dovecot } from '../helpers/dovecot';
import { startOAuthServer, type FakeOAuth } from '../helpers/oauth-server';
import { connectAccount } from '../helpers/oauth-token';
import { fetchNow, mailboxServer, storedMails } from '../helpers/inbox';
import { mail } from '../helpers/mails';
import { startSmtpServer, type ScriptedSmtp } from '../helpers/smtp-server';
import { waitUntil } from '../helpers/net';

let app: TestApp;
let oauth: FakeOAuth;
let dovecot: Dovecot;
let smtp: ScriptedSmtp;

beforeAll(async () => {
  oauth = await startOAuthServer();
  dovecot = await startDovecot({ oauth: { introspectionUrl: oauth.introspectionUrl }, folders: [{ name: 'Sent', specialUse: '\\Sent' }] });
  smtp = await startSmtpServer();
  // The poller's ticks are run by the tests themselves (poller.tick()), so each one is observed.
  app = await bootStrapi({ EMAIL_SERVER_POLLING: 'false' });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await dovecot?.stop();
  await smtp?.stop();
  await oauth?.stop();
});

/** A server whose incoming side logs in with the connected account's tokens (no username, no password). */
const createOAuthServer = async (mailbox: string, protocol: 'imap' | 'pop3', overrides: Record<string, unknown> = {}) => {
  const { incomingUsername: _u, incomingPassword: _p, ...body } = mailboxServer(dovecot, mailbox, protocol);
  const res = await app
    .as()
    .post('/email-server/servers')
    .send({
      ...body,
      incomingAuthMethod: 'oauth2',
      oauthProvider: 'custom',
      oauthClientId: oauth.clients[0].clientId,
      oauthClientSecret: oauth.clients[0].clientSecret,
      oauthAuthorizeUrl: oauth.authorizeUrl,
      oauthTokenUrl: oauth.tokenUrl,
      oauthScopes: 'https://mail.example.test/ openid email',
      ...overrides,
    });
  expect(res.status).toBe(201);
  return res.body.data;
};

/** A mailbox owned by the account the OAuth2 server signs in as, with a server for it, connected. */
const connectedServer = async (protocol: 'imap' | 'pop3') => {
  const box = dovecot.newMailbox();
  oauth.account.email = box;
  const server = await createOAuthServer(box, protocol);
  expect(await connectAccount(app, server.documentId)).toMatchObject({ oauthConnected: true, oauthAccount: box });
  return { box, server };
};

const subjects = async (server: string) => (await storedMails(app, server)).map((m: any) => m.subject);
const getServer = async (documentId: string) => (await app.as().get(`/email-server/servers/${documentId}`)).body.data;
const tick = () => app.strapi.plugin('email-server').service('poller').tick();
const refreshGrants = () => oauth.tokenRequests.filter((r) => r.grantType === 'refresh_token').length;

it('an IMAP server connected through the Connect routes fetches with its token and stores the mails', async () => {
  const { box, server } = await connectedServer('imap');
  dovecot.deliver(mail({ subject: 'OAuth IMAP 1' }), box);
  dovecot.deliver(mail({ subject: 'OAuth IMAP 2' }), box);
  expect(dovecot.subjectsInMailbox(box)).toEqual(['OAuth IMAP 1', 'OAuth IMAP 2']);

  const res = await fetchNow(app, server.documentId);
  expect(res.status).toBe(200);
  expect(res.body.data).toEqual({ fetched: 2, stored: 2 });
  expect(await subjects(server.documentId)).toEqual(['OAuth IMAP 1', 'OAuth IMAP 2']);
  // Logged in with the token (imapflow picks OAUTHBEARER when offered), never with a password.
  expect(dovecot.loginMethods(box)).toEqual(['OAUTHBEARER']);

  // "Test connection" logs in the same way.
  const verified = await app.as().post(`/email-server/servers/${server.documentId}/verify`).send({});
  expect(verified.body.data.incoming).toMatchObject({ ok: true, message: expect.stringContaining('INBOX has 2 messages') });
});

it('a POP3 server logs in with AUTH XOAUTH2 and stores the mails', async () => {
  const { box, server } = await connectedServer('pop3');
  for (const subject of ['OAuth POP3 a', 'OAuth POP3 b', 'OAuth POP3 c']) dovecot.deliver(mail({ subject }), box);
  expect(dovecot.messages(box)).toHaveLength(3);

  expect((await fetchNow(app, server.documentId)).body.data).toEqual({ fetched: 3, stored: 3 });
  expect(await subjects(server.documentId)).toEqual(['OAuth POP3 a', 'OAuth POP3 b', 'OAuth POP3 c']);
  expect(dovecot.loginMethods(box)).toEqual(['XOAUTH2']);
});

it('a token that expired between two polls is refreshed once and the poll goes on', async () => {
  for (const protocol of ['imap', 'pop3'] as const) {
    const { box, server } = await connectedServer(protocol);
    dovecot.deliver(mail({ subject: `Before expiry ${protocol}` }), box);
    expect((await fetchNow(app, server.documentId)).body.data).toEqual({ fetched: 1, stored: 1 });

    // The provider ends the token early: our stored expiry still says it is good, Dovecot refuses it.
    oauth.expireAccessTokens();
    dovecot.deliver(mail({ subject: `After expiry ${protocol}` }), box);
    const refreshesBefore = refreshGrants();
    const res = await fetchNow(app, server.documentId);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ fetched: 1, stored: 1 });
    expect(refreshGrants()).toBe(refreshesBefore + 1);
    expect(await subjects(server.documentId)).toEqual([`Before expiry ${protocol}`, `After expiry ${protocol}`]);
    expect((await getServer(server.documentId)).incomingAttention).toBeNull();
  }
});

it('a revoked refresh token pauses polling with "reconnect the account", nothing retries, and a reconnect resumes it', async () => {
  const { box, server } = await connectedServer('imap');
  dovecot.deliver(mail({ subject: 'Before revoke' }), box);
  expect((await fetchNow(app, server.documentId)).body.data).toEqual({ fetched: 1, stored: 1 });

  oauth.revokeRefreshTokens();
  oauth.expireAccessTokens();
  dovecot.deliver(mail({ subject: 'While revoked' }), box);
  const refused = await fetchNow(app, server.documentId);
  expect(refused.status).toBe(409);
  expect(refused.body.error.message).toMatch(/^Needs attention: reconnect the account/);
  const paused = await getServer(server.documentId);
  expect(paused.incomingAttention).toMatch(/^Needs attention: reconnect the account/);
  expect(paused.status.needsAttention).toContain(paused.incomingAttention);
  // The list shows the failed poll, not the good one before it.
  expect(paused.status).toMatchObject({ lastPollOk: false, lastPollMessage: expect.stringMatching(/^Needs attention: reconnect the account/) });

  // Further poll ticks (the server is due: nothing else holds it back) ask nobody anything.
  const tokenRequests = oauth.tokenRequests.length;
  const logins = dovecot.loginAttempts(box);
  await app.strapi.db.query('plugin::email-server.mailbox-state').updateMany({ where: { server: server.documentId }, data: { nextPollAt: 0 } });
  await tick();
  await tick();
  expect(oauth.tokenRequests.length).toBe(tokenRequests);
  expect(dovecot.loginAttempts(box)).toBe(logins);
  expect((await fetchNow(app, server.documentId)).status).toBe(409);
  expect(oauth.tokenRequests.length).toBe(tokenRequests);
  expect(await subjects(server.documentId)).toEqual(['Before revoke']);

  // Connect account again: the next tick polls, without anyone editing the server.
  await connectAccount(app, server.documentId);
  await tick();
  expect(await subjects(server.documentId)).toEqual(['Before revoke', 'While revoked']);
  expect((await getServer(server.documentId)).incomingAttention).toBeNull();
});

it('a provider outage while renewing fails the poll for now, shows it in the list, and the next poll after it goes on', async () => {
  const { box, server } = await connectedServer('imap');
  dovecot.deliver(mail({ subject: 'Before the outage' }), box);
  expect((await fetchNow(app, server.documentId)).body.data).toEqual({ fetched: 1, stored: 1 });
  expect((await getServer(server.documentId)).status).toMatchObject({ lastPollOk: true });

  oauth.expireAccessTokens();
  await app.strapi.db.connection('email_servers').update({ oauth_token_expires_at: 0 });
  oauth.setTokenOutage(503);
  try {
    dovecot.deliver(mail({ subject: 'During the outage' }), box);
    const failed = await fetchNow(app, server.documentId);
    expect(failed.body.error.message).toMatch(/could not renew its OAuth access token: .*HTTP 503/);
    const listed = await getServer(server.documentId);
    expect(listed).toMatchObject({ incomingAttention: null, status: { lastPollOk: false, lastPollMessage: expect.stringMatching(/HTTP 503/) } });
  } finally {
    oauth.setTokenOutage(null);
  }
  await app.strapi.db.query('plugin::email-server.mailbox-state').updateMany({ where: { server: server.documentId }, data: { nextPollAt: 0 } });
  expect((await fetchNow(app, server.documentId)).body.data).toEqual({ fetched: 1, stored: 1 });
  expect((await getServer(server.documentId)).status).toMatchObject({ lastPollOk: true });
});

it('a server not connected yet is skipped with a clear message; the poller goes on with the others, and connecting starts it', async () => {
  const box = dovecot.newMailbox();
  oauth.account.email = box;
  const notYet = await createOAuthServer(box, 'imap', { name: 'Not connected yet' });
  dovecot.deliver(mail({ subject: 'Waiting for connect' }), box);
  const other = dovecot.newMailbox();
  const withPassword = (await app.as().post('/email-server/servers').send(mailboxServer(dovecot, other, 'imap'))).body.data;
  dovecot.deliver(mail({ subject: 'Password mailbox' }), other);

  const res = await fetchNow(app, notYet.documentId);
  expect(res.status).toBe(409);
  expect(res.body.error.message).toBe('Connect the account first: "Not connected yet" logs in with OAuth2 and no account is connected.');
  const tokenRequests = oauth.tokenRequests.length;
  await tick();
  expect(await subjects(withPassword.documentId)).toEqual(['Password mailbox']);
  expect(await subjects(notYet.documentId)).toEqual([]);
  expect(dovecot.loginAttempts(box)).toBe(0);
  expect(oauth.tokenRequests.length).toBe(tokenRequests);
  expect((await getServer(notYet.documentId)).incomingAttention).toMatch(/^Connect the account first/);

  await connectAccount(app, notYet.documentId);
  await tick();
  expect(await subjects(notYet.documentId)).toEqual(['Waiting for connect']);
});

it("a reply's copy goes to the Sent folder over IMAP with the account's token, renewed once when refused", async () => {
  const box = dovecot.newMailbox();
  oauth.account.email = box;
  const server = await createOAuthServer(box, 'imap', { name: 'Desk with OAuth', smtpPort: smtp.port, smtpSecurity: 'none' });
  await connectAccount(app, server.documentId);
  dovecot.deliver(mail({ subject: 'Where is my order?', from: 'carol@customer.example', to: box }), box);
  expect((await fetchNow(app, server.documentId)).status).toBe(200);
  const conversation = (await app.as().get(`/email-server/conversations?server=${server.documentId}`)).body.data[0].documentId;

  oauth.expireAccessTokens();
  const refreshesBefore = refreshGrants();
  const sent = smtp.received.length;
  const res = await app.as().post(`/email-server/conversations/${conversation}/reply`).send({ text: 'On its way.' });
  expect(res.status).toBe(200);
  await waitUntil(() => smtp.received.length > sent, 10_000, 'the reply at the SMTP server');
  const copies = dovecot.folderMails(box, 'Sent');
  expect(copies).toHaveLength(1);
  expect(copies[0].text).toContain('Subject: Re: Where is my order?');
  expect(copies[0].flags).toContain('\\Seen');
  expect(refreshGrants()).toBe(refreshesBefore + 1);
});
