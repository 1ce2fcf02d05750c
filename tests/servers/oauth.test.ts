/**
 * OAuth2 (XOAUTH2) for sending: the Connect flow with PKCE against a loopback authorization
 * server, the single-use admin-bound state, token refresh and invalid_grant, the clearing rules,
 * and mail through an smtp-server that accepts XOAUTH2 only.
 */
import { bootStrapi, createLimitedAdmin, type TestApp } from '../helpers/strapi';
import { startOAuthServer, type FakeOAuth } from '../helpers/oauth-server';
import { startSmtpServer, type ScriptedSmtp } from '../helpers/smtp-server';
import { waitUntil } from '../helpers/net';

let app: TestApp;
let fake: FakeOAuth;
let smtp: ScriptedSmtp;
/** Every response body the admin API gave in this file: none may hold a token or the client secret. */
const seen: string[] = [];
/** The stored (encrypted) tokens and client secrets: no response may carry them either. */
const stored = new Set<string>();

beforeAll(async () => {
  fake = await startOAuthServer();
  smtp = await startSmtpServer({ oauth: { user: fake.account.email, isActive: (t) => fake.isActive(t) }, closeAfterMessage: true });
  app = await bootStrapi();
}, 120_000);
afterAll(async () => {
  await app?.close();
  await smtp?.stop();
  await fake?.stop();
});
afterEach(async () => {
  const rows = await app.db.query('select oauth_access_token, oauth_refresh_token, oauth_client_secret from email_servers');
  for (const row of rows) for (const value of Object.values(row)) if (value) stored.add(String(value));
  for (const s of (await app.as().get('/email-server/servers')).body.data) {
    await app.as().delete(`/email-server/servers/${s.documentId}`);
  }
});

const record = <T extends { text: string }>(res: T) => {
  seen.push(res.text);
  return res;
};
const mailer = () => app.strapi.plugin('email-server').service('mailer');

const oauthServer = (overrides: Record<string, unknown> = {}) => ({
  name: 'Workspace',
  type: 'smtp',
  senderEmail: 'agent@example.test',
  smtpHost: '127.0.0.1',
  smtpPort: smtp.port,
  smtpSecurity: 'none',
  smtpAuthMethod: 'oauth2',
  oauthProvider: 'custom',
  oauthClientId: 'client-1',
  oauthClientSecret: 'client-secret-1',
  oauthAuthorizeUrl: fake.authorizeUrl,
  oauthTokenUrl: fake.tokenUrl,
  oauthScopes: 'https://mail.google.com/ openid email',
  isDefault: true,
  ...overrides,
});

const createServer = async (overrides: Record<string, unknown> = {}) => {
  const res = record(await app.as().post('/email-server/servers').send(oauthServer(overrides)));
  expect(res.status).toBe(201);
  return res.body.data;
};

/** Clicks Connect and plays the browser at the provider: approves, follows the redirect back. */
const authorize = async (documentId: string, token = app.token) => {
  const start = record(await app.as(token).post(`/email-server/servers/${documentId}/oauth/start`).send({}));
  expect(start.status).toBe(200);
  const url = new URL(start.body.data.authorizeUrl);
  url.searchParams.set('approve', '1');
  const consent = await fetch(url, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const back = new URL(consent.headers.get('location')!);
  return { state: back.searchParams.get('state')!, code: back.searchParams.get('code')!, back };
};
const callback = async (body: Record<string, unknown>, token = app.token) =>
  record(await app.as(token).post('/email-server/oauth/callback').send(body));
const connect = async (documentId: string) => {
  const { state, code } = await authorize(documentId);
  const res = await callback({ state, code });
  expect(res.status).toBe(200);
  return res.body.data;
};
const getServer = async (documentId: string) => record(await app.as().get(`/email-server/servers/${documentId}`)).body.data;
const refreshGrants = () => fake.tokenRequests.filter((r) => r.grantType === 'refresh_token').length;
/** The pool's connection closed (the relay takes one message per connection): the next mail logs in anew. */
const poolIdle = () => waitUntil(() => smtp.open === 0, 10_000, 'the SMTP connection to close');

it('connects the account with the authorization-code flow and PKCE, and shows it', async () => {
  const server = await createServer();
  expect(server).toMatchObject({ oauthConnected: false, oauthAccount: null, oauthClientSecretSet: true });
  const { back } = await authorize(server.documentId);
  // The provider sent the browser back to the admin page that finishes the Connect.
  expect(back.pathname).toBe('/admin/settings/email-server/oauth/callback');

  const connected = await callback({ state: back.searchParams.get('state'), code: back.searchParams.get('code') });
  expect(connected.status).toBe(200);
  expect(connected.body.data).toMatchObject({ oauthConnected: true, oauthAccount: 'agent@example.test', oauthAttention: null });
  expect(await getServer(server.documentId)).toMatchObject({ oauthConnected: true, oauthAccount: 'agent@example.test' });

  // The code exchange carried the verifier and the client secret, form-encoded.
  const exchange = fake.tokenRequests.find((r) => r.grantType === 'authorization_code' && r.status === 200)!;
  expect(exchange.body).toMatchObject({ client_id: 'client-1', client_secret: 'client-secret-1', code_verifier: expect.stringMatching(/^[A-Za-z0-9_-]{43,128}$/) });

  // Tokens are stored encrypted: the database holds no token in plain text.
  const dump = await app.db.dump(app.strapi);
  for (const token of fake.issued) expect(dump).not.toContain(token.accessToken);
});

it('builds the consent URL of each provider with its scopes, PKCE S256 and a refresh token asked for', async () => {
  const google = await createServer({ name: 'Google', oauthProvider: 'google', oauthAuthorizeUrl: null, oauthTokenUrl: null, oauthScopes: null, isDefault: false });
  const g = new URL(record(await app.as().post(`/email-server/servers/${google.documentId}/oauth/start`).send({})).body.data.authorizeUrl);
  expect(g.origin + g.pathname).toBe('https://accounts.google.com/o/oauth2/v2/auth');
  expect(Object.fromEntries(g.searchParams)).toMatchObject({
    response_type: 'code',
    client_id: 'client-1',
    scope: 'https://mail.google.com/ openid email',
    access_type: 'offline',
    prompt: 'consent',
    code_challenge_method: 'S256',
    code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    state: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/),
  });

  const microsoft = await createServer({
    name: 'Microsoft',
    oauthProvider: 'microsoft',
    oauthTenant: 'contoso.onmicrosoft.com',
    oauthAuthorizeUrl: null,
    oauthTokenUrl: null,
    oauthScopes: null,
    incomingProtocol: 'imap',
    incomingHost: '127.0.0.1',
    incomingPort: 993,
    incomingAuthMethod: 'oauth2',
    isDefault: false,
  });
  const m = new URL(record(await app.as().post(`/email-server/servers/${microsoft.documentId}/oauth/start`).send({})).body.data.authorizeUrl);
  expect(m.origin + m.pathname).toBe('https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize');
  expect(m.searchParams.get('scope')!.split(' ')).toEqual([
    'https://outlook.office.com/SMTP.Send',
    'https://outlook.office.com/IMAP.AccessAsUser.All',
    'offline_access',
    'openid',
    'email',
  ]);
  expect(m.searchParams.get('redirect_uri')).toBe(g.searchParams.get('redirect_uri'));

  const redirect = record(await app.as().get('/email-server/oauth/redirect-uri'));
  expect(redirect.body.data.redirectUri).toBe(g.searchParams.get('redirect_uri'));
  expect(redirect.body.data.redirectUri).toMatch(/^https?:\/\/.+\/admin\/settings\/email-server\/oauth\/callback$/);
});

it('connects a Microsoft 365 account through the configured endpoints (national clouds), asking only for the scopes of the OAuth2 sides', async () => {
  const oauthConfig = app.strapi.config.get('plugin::email-server.oauth') as Record<string, unknown>;
  app.strapi.config.set('plugin::email-server.oauth', { ...oauthConfig, endpoints: { microsoft: { authorizeUrl: fake.authorizeUrl, tokenUrl: fake.tokenUrl } } });
  try {
    const server = await createServer({ oauthProvider: 'microsoft', oauthTenant: null, oauthAuthorizeUrl: null, oauthTokenUrl: null, oauthScopes: null });
    const { state, code } = await authorize(server.documentId);
    const consent = fake.tokenRequests.length;
    const connected = await callback({ state, code });
    expect(connected.body.data).toMatchObject({ oauthConnected: true, oauthAccount: 'agent@example.test', oauthTenant: 'common' });
    expect(fake.tokenRequests.slice(consent).map((r) => [r.grantType, r.status])).toEqual([['authorization_code', 200]]);
    const grant = fake.issued.at(-1)!;
    expect(grant.scope).toBe('https://outlook.office.com/SMTP.Send offline_access openid email');
    await mailer().send({ to: 'customer@example.org', subject: 'Through Microsoft', text: 'ok' });
    expect(smtp.received.at(-1)?.mail.subject).toBe('Through Microsoft');
  } finally {
    app.strapi.config.set('plugin::email-server.oauth', oauthConfig);
  }
});

it('refuses to start without an OAuth2 side or a client secret, on the field to fix', async () => {
  const password = record(
    await app.as().post('/email-server/servers').send(oauthServer({ name: 'Password', smtpAuthMethod: 'password', smtpUsername: 'u', smtpPassword: 'p-Secret-9', isDefault: false }))
  ).body.data;
  const res = record(await app.as().post(`/email-server/servers/${password.documentId}/oauth/start`).send({}));
  expect(res.status).toBe(400);
  expect(res.body.error.details.errors[0].path).toEqual(['smtpAuthMethod']);

  const noSecret = record(await app.as().post('/email-server/servers').send(oauthServer({ name: 'No secret', oauthClientSecret: '', isDefault: false })));
  expect(noSecret.status).toBe(400);
  expect(noSecret.body.error.details.errors.map((e: any) => e.path[0])).toEqual(['oauthClientSecret']);
});

it('uses a state once, only for the admin who started it, and only while it is fresh', async () => {
  const server = await createServer();
  const first = await authorize(server.documentId);

  // Another admin, with the same permission, cannot finish this admin's Connect...
  const other = await createLimitedAdmin(app, ['plugin::email-server.servers.update', 'plugin::email-server.servers.read']);
  const stolen = await callback({ state: first.state, code: first.code }, other);
  expect(stolen.status).toBe(403);
  expect(stolen.body.error.message).toMatch(/another administrator/);
  expect((await getServer(server.documentId)).oauthConnected).toBe(false);

  // ...which leaves it to the one who did.
  expect((await callback({ state: first.state, code: first.code })).status).toBe(200);
  const again = await callback({ state: first.state, code: first.code });
  expect(again.status).toBe(400);
  expect(again.body.error.message).toMatch(/unknown or was already used: click Connect again/);

  // An expired state: the sign-in took longer than the configured lifetime.
  const oauthConfig = app.strapi.config.get('plugin::email-server.oauth') as Record<string, unknown>;
  app.strapi.config.set('plugin::email-server.oauth', { ...oauthConfig, stateTtlSeconds: 1 });
  try {
    const slow = await authorize(server.documentId);
    const [{ expires_at: expiresAt }] = await app.db.query('select expires_at from email_oauth_states order by id desc limit 1');
    await waitUntil(() => Date.now() > Number(expiresAt), 5_000, 'the state to expire');
    const late = await callback({ state: slow.state, code: slow.code });
    expect(late.status).toBe(400);
    expect(late.body.error.message).toMatch(/expired: click Connect again/);
  } finally {
    app.strapi.config.set('plugin::email-server.oauth', oauthConfig);
  }
});

it('never exchanges a code with another Connect\'s verifier (PKCE)', async () => {
  const server = await createServer();
  const a = await authorize(server.documentId);
  const b = await authorize(server.documentId);
  // B's state carries B's verifier; A's code was bound to A's challenge.
  const crossed = await callback({ state: b.state, code: a.code });
  expect(crossed.status).toBe(400);
  expect(crossed.body.error.message).toMatch(/did not accept the sign-in \(invalid_grant: PKCE verification failed\.\)/);
  expect((await getServer(server.documentId)).oauthConnected).toBe(false);
});

it('says what to do when the person refused consent, and keeps a long provider message to size', async () => {
  const server = await createServer();
  const denied = await authorize(server.documentId);
  const refused = await callback({ state: denied.state, error: 'access_denied', error_description: 'The user denied access.' });
  expect(refused.status).toBe(400);
  expect(refused.body.error.message).toMatch(/cancelled or access was not allowed .*click Connect again and allow access/);
  // The state was used up by that answer.
  expect((await callback({ state: denied.state, code: denied.code })).status).toBe(400);

  const odd = await authorize(server.documentId);
  const long = await callback({ state: odd.state, error: 'server_error', error_description: `x${'é'.repeat(998)}\u0000y` });
  expect(long.status).toBe(400);
  expect(long.body.error.message).toMatch(/^The provider refused the sign-in \(server_error\): xé+\. Check/);
  expect(long.body.error.message.length).toBeLessThan(500);
});

it('stores a long account name whole', async () => {
  const server = await createServer();
  const previous = fake.account.email;
  fake.account.email = `${'a'.repeat(700)}@example.test`;
  try {
    const connected = await connect(server.documentId);
    expect(connected.oauthAccount).toBe(fake.account.email);
    expect((await getServer(server.documentId)).oauthAccount).toBe(fake.account.email);
  } finally {
    fake.account.email = previous;
  }
});

it('sends with XOAUTH2 and refreshes a token that expired between two mails exactly once', async () => {
  const server = await createServer();
  await connect(server.documentId);
  const grants = refreshGrants();

  await mailer().send({ to: 'customer@example.org', subject: 'First', text: 'one' });
  expect(smtp.received.at(-1)?.mail.subject).toBe('First');
  expect(smtp.authAttempts.at(-1)).toEqual({ username: 'agent@example.test', ok: true, method: 'XOAUTH2' });
  expect(refreshGrants()).toBe(grants);

  fake.expireAccessTokens();
  await poolIdle();
  await mailer().send({ to: 'customer@example.org', subject: 'Second', text: 'two' });
  expect(smtp.received.at(-1)?.mail.subject).toBe('Second');
  expect(refreshGrants()).toBe(grants + 1);

  // "Test connection" logs in the same way.
  const verify = record(await app.as().post(`/email-server/servers/${server.documentId}/verify`).send({}));
  expect(verify.body.data.outgoing).toMatchObject({ ok: true });
  expect(refreshGrants()).toBe(grants + 1);
});

it('logs in as the username when one is given, and says what to check when the relay refuses the token after renewing it once', async () => {
  const server = await createServer({ smtpUsername: 'shared-mailbox@example.test' });
  await connect(server.documentId);
  const grants = refreshGrants();
  const attempts = smtp.authAttempts.length;
  await expect(mailer().send({ to: 'customer@example.org', subject: 'Refused', text: 'x' })).rejects.toThrow(
    /refused the OAuth2 login of shared-mailbox@example\.test \(XOAUTH2\): check that this mailbox may log in with OAuth2/
  );
  expect(smtp.authAttempts.slice(attempts)).toEqual([
    { username: 'shared-mailbox@example.test', ok: false, method: 'XOAUTH2' },
    { username: 'shared-mailbox@example.test', ok: false, method: 'XOAUTH2' },
  ]);
  // One renewal, then it gave up; the account itself is fine, so no "reconnect".
  expect(refreshGrants()).toBe(grants + 1);
  expect((await getServer(server.documentId)).oauthAttention).toBeNull();
});

it('marks the server "Needs attention" on invalid_grant, stops asking the provider, and a reconnect clears it', async () => {
  const server = await createServer();
  await connect(server.documentId);
  await mailer().send({ to: 'customer@example.org', subject: 'Before', text: 'ok' });

  fake.revokeRefreshTokens();
  fake.expireAccessTokens();
  await poolIdle();
  await expect(mailer().send({ to: 'customer@example.org', subject: 'Refused', text: 'x' })).rejects.toThrow(/Needs attention: reconnect the account/);
  const marked = await getServer(server.documentId);
  expect(marked.oauthAttention).toMatch(/^Needs attention: reconnect the account/);
  expect(marked.status.needsAttention).toContain(marked.oauthAttention);

  const asked = fake.tokenRequests.length;
  await expect(mailer().send({ to: 'customer@example.org', subject: 'Still refused', text: 'x' })).rejects.toThrow(/Needs attention: reconnect the account/);
  const verify = record(await app.as().post(`/email-server/servers/${server.documentId}/verify`).send({}));
  expect(verify.body.data.outgoing).toMatchObject({ ok: false, message: expect.stringMatching(/Needs attention: reconnect the account/) });
  expect(fake.tokenRequests.length).toBe(asked);

  const reconnected = await connect(server.documentId);
  expect(reconnected).toMatchObject({ oauthConnected: true, oauthAttention: null });
  await mailer().send({ to: 'customer@example.org', subject: 'After', text: 'ok' });
  expect(smtp.received.at(-1)?.mail.subject).toBe('After');
});

it('says "Connect the account first" before a Connect, and after a Disconnect', async () => {
  const server = await createServer();
  const verify = record(await app.as().post(`/email-server/servers/${server.documentId}/verify`).send({}));
  expect(verify.body.data.outgoing).toMatchObject({ ok: false, message: expect.stringMatching(/^Connect the account first/) });
  await expect(mailer().send({ to: 'customer@example.org', subject: 'x', text: 'x' })).rejects.toThrow(/Connect the account first/);

  await connect(server.documentId);
  const disconnected = record(await app.as().post(`/email-server/servers/${server.documentId}/oauth/disconnect`).send({}));
  expect(disconnected.status).toBe(200);
  expect(disconnected.body.data).toMatchObject({ oauthConnected: false, oauthAccount: null });
  await expect(mailer().send({ to: 'customer@example.org', subject: 'x', text: 'x' })).rejects.toThrow(/Connect the account first/);
});

it('clears the tokens when the client id, the OAuth2 side\'s host or the login method changes; the client secret follows its token endpoint', async () => {
  const server = await createServer();
  const put = async (body: Record<string, unknown>) => record(await app.as().put(`/email-server/servers/${server.documentId}`).send(body));

  await connect(server.documentId);
  // Sender name: nothing about the connection; the account stays.
  expect((await put({ senderName: 'Agents' })).body.data.oauthConnected).toBe(true);

  // The client id is where the secret goes too: it must be entered again, then the account is gone.
  const noSecret = await put({ oauthClientId: 'client-2' });
  expect(noSecret.status).toBe(400);
  expect(noSecret.body.error.details.errors).toEqual([
    { path: ['oauthClientSecret'], message: 'Re-enter the client secret: the OAuth client id changed.', name: 'ValidationError' },
  ]);
  const changed = await put({ oauthClientId: 'client-2', oauthClientSecret: 'another-secret' });
  expect(changed.status).toBe(200);
  expect(changed.body.data).toMatchObject({ oauthConnected: false, oauthAccount: null });

  await put({ oauthClientId: 'client-1', oauthClientSecret: 'client-secret-1' });
  await connect(server.documentId);
  const moved = await put({ smtpHost: 'localhost' });
  expect(moved.status).toBe(200);
  expect(moved.body.data.oauthConnected).toBe(false);

  await put({ smtpHost: '127.0.0.1' });
  await connect(server.documentId);
  const tokenUrl = await put({ oauthTokenUrl: `${fake.url}/other-token` });
  expect(tokenUrl.status).toBe(400);
  expect(tokenUrl.body.error.details.errors[0]).toMatchObject({ path: ['oauthClientSecret'], message: 'Re-enter the client secret: the OAuth token URL changed.' });
  expect((await getServer(server.documentId)).oauthConnected).toBe(true);

  const password = await put({ smtpAuthMethod: 'password', smtpUsername: 'agent', smtpPassword: 'pw-Secret-7' });
  expect(password.status).toBe(200);
  expect(password.body.data).toMatchObject({ oauthConnected: false, oauthClientSecretSet: false, oauthProvider: null });
});

it('never answers with a token or the client secret', () => {
  expect(seen.length).toBeGreaterThan(20);
  const all = seen.join('\n');
  expect(all).not.toContain('client-secret-1');
  expect(all).not.toContain('another-secret');
  for (const token of fake.issued) expect(all).not.toContain(token.accessToken);
  expect(stored.size).toBeGreaterThan(10);
  for (const value of stored) expect(all).not.toContain(value);
  for (const request of fake.tokenRequests) {
    if (request.body.refresh_token) expect(all).not.toContain(request.body.refresh_token);
    if (request.body.code_verifier) expect(all).not.toContain(request.body.code_verifier);
  }
});

it('needs "Set the default server" to connect, disconnect or re-point the OAuth login of the default server', async () => {
  const limited = await createLimitedAdmin(app, ['plugin::email-server.servers.update', 'plugin::email-server.servers.read']);
  const server = await createServer({ isDefault: true });
  // Connect as themselves on the default server: everyone's mail would go through their mailbox.
  const start = record(await app.as(limited).post(`/email-server/servers/${server.documentId}/oauth/start`).send({}));
  expect(start.status).toBe(403);
  expect(start.body.error.message).toMatch(/default email server needs the permission "Set the default server"/);

  // Started while the server was not the default, finished after it became it: refused too.
  const other = await createServer({ name: 'Second', isDefault: false });
  const begun = await authorize(other.documentId, limited);
  expect(record(await app.as().put(`/email-server/servers/${other.documentId}`).send({ isDefault: true })).status).toBe(200);
  const finished = await callback({ state: begun.state, code: begun.code }, limited);
  expect(finished.status).toBe(403);
  expect(finished.body.error.message).toMatch(/"Set the default server"/);
  expect((await getServer(other.documentId)).oauthConnected).toBe(false);

  await connect(other.documentId);
  const disconnect = record(await app.as(limited).post(`/email-server/servers/${other.documentId}/oauth/disconnect`).send({}));
  expect(disconnect.status).toBe(403);
  expect((await getServer(other.documentId)).oauthConnected).toBe(true);

  // Nor through a save: the login method, the OAuth app or endpoints, or a new client secret.
  for (const body of [
    { smtpAuthMethod: 'password', smtpUsername: 'agent', smtpPassword: 'pw-Secret-7' },
    { oauthClientId: 'client-2', oauthClientSecret: 'another-secret' },
    { oauthClientSecret: 'another-secret' },
    { oauthAuthorizeUrl: `${fake.url}/elsewhere`, oauthClientSecret: 'client-secret-1' },
  ]) {
    const res = record(await app.as(limited).put(`/email-server/servers/${other.documentId}`).send(body));
    expect([body, res.status]).toEqual([body, 403]);
  }
  expect(await getServer(other.documentId)).toMatchObject({ oauthConnected: true, oauthClientId: 'client-1', smtpAuthMethod: 'oauth2' });
  // The one with the permission may.
  expect(record(await app.as().post(`/email-server/servers/${other.documentId}/oauth/disconnect`).send({})).status).toBe(200);
});

it('tells a provider outage apart from a refused login: the send fails for now, to be retried, with no "reconnect"', async () => {
  const server = await createServer();
  await connect(server.documentId);
  fake.expireAccessTokens();
  await app.strapi.db.connection('email_servers').update({ oauth_token_expires_at: 0 });
  fake.setTokenOutage(503);
  try {
    const error: any = await mailer()
      .send({ to: 'customer@example.org', subject: 'During the outage', text: 'x' })
      .then(() => null, (e: unknown) => e);
    expect(error?.message).toMatch(/could not renew its OAuth access token: .*HTTP 503/);
    expect((await getServer(server.documentId)).oauthAttention).toBeNull();
  } finally {
    fake.setTokenOutage(null);
  }
  await poolIdle();
  await mailer().send({ to: 'customer@example.org', subject: 'After the outage', text: 'ok' });
});

it('with blockPrivateNetworks, refuses a custom provider\'s URLs into a private range when saved and when used', async () => {
  const setBlocking = (on: boolean) => app.strapi.config.set('plugin::email-server.blockPrivateNetworks', on);
  // A public IP literal (TEST-NET-1) for the relay: nothing connects to it here, nothing is resolved.
  const relay = { smtpHost: '192.0.2.10', isDefault: false };
  const server = await createServer(relay);
  const begun = await authorize(server.documentId);
  const exchanges = fake.tokenRequests.length;
  setBlocking(true);
  try {
    const saved = record(await app.as().post('/email-server/servers').send(oauthServer({ ...relay, name: 'Internal provider' })));
    expect(saved.status).toBe(400);
    expect(saved.body.error.details.errors[0]).toMatchObject({ path: ['oauthAuthorizeUrl'], message: expect.stringMatching(/^The authorization URL's host 127\.0\.0\.1 resolves to a loopback.*\(blockPrivateNetworks\)\.$/) });
    const tokenOnly = record(await app.as().post('/email-server/servers').send(oauthServer({ ...relay, name: 'Internal token URL', oauthAuthorizeUrl: 'https://login.example.test/authorize' })));
    expect(tokenOnly.body.error.details.errors[0]).toMatchObject({ path: ['oauthTokenUrl'], message: expect.stringMatching(/^The token URL's host 127\.0\.0\.1 resolves/) });

    // Saved while the option was off: refused at use, and the code never reaches the token URL.
    const start = record(await app.as().post(`/email-server/servers/${server.documentId}/oauth/start`).send({}));
    expect(start.status).toBe(400);
    expect(start.body.error.details.errors[0].path).toEqual(['oauthAuthorizeUrl']);
    const finished = await callback({ state: begun.state, code: begun.code });
    expect(finished.body.error.message).toMatch(/^The token URL's host 127\.0\.0\.1:\d+ resolves to a loopback.*Change the token URL/);
    expect(fake.tokenRequests.length).toBe(exchanges);
    expect((await getServer(server.documentId)).oauthConnected).toBe(false);
  } finally {
    setBlocking(false);
  }
});
