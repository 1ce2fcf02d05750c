/**
 * OAuth2 in the admin panel, in real headless Chromium against a real `strapi start` and the
 * loopback OAuth2 server: the form's OAuth2 choices, Connect account through the provider's
 * consent page and back, Disconnect, the callback's errors, and "Needs attention" after the
 * provider revoked the account's tokens.
 */
import type { Browser, Page } from 'playwright-core';
import { openAdmin, screenshot } from '../helpers/browser';
import { waitUntil } from '../helpers/net';
import { startOAuthServer, type FakeOAuth } from '../helpers/oauth-server';
import { api, firstAdminWithToken, startStrapiProcess, type RunningStrapi } from '../helpers/server-process';
import { startSmtpServer, type ScriptedSmtp } from '../helpers/smtp-server';

jest.setTimeout(180_000);

let strapi: RunningStrapi;
let browser: Browser;
let page: Page;
let provider: FakeOAuth;
let relay: ScriptedSmtp;
let call: ReturnType<typeof api>;

beforeAll(async () => {
  provider = await startOAuthServer();
  // Takes AUTH XOAUTH2 only, for the account with a token the provider says is active.
  relay = await startSmtpServer({ oauth: { user: provider.account.email, isActive: provider.isActive } });
  // No polling: nothing but the clicks of the test uses the account's tokens.
  // Google's endpoints, pointed at the stand-in (config.oauth.endpoints): the same flow, its URLs.
  const google = { authorizeUrl: provider.authorizeUrl, tokenUrl: provider.tokenUrl, userinfoUrl: `${provider.url}/userinfo` };
  strapi = await startStrapiProcess({ EMAIL_SERVER_POLLING: 'false', EMAIL_SERVER_OAUTH_ENDPOINTS: JSON.stringify({ google }) });
  const admin = await firstAdminWithToken(strapi.url);
  call = api(strapi.url, admin.token);
  ({ browser, page } = await openAdmin(strapi.url, admin.email, admin.password));
});

afterAll(async () => {
  await browser?.close();
  await strapi?.stop();
  await relay?.stop();
  await provider?.stop();
});

const input = (name: string) => page.locator(`input[name="${name}"]`);
const visible = (text: string) => page.getByText(text, { exact: true });
const chooseOption = async (label: string, option: string) => {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
};
const redirectField = () => page.getByLabel('Redirect URL');
const accountState = () => page.getByTestId('oauth-account');
const storedServer = async (documentId: string) => (await call('GET', `/email-server/servers/${documentId}`)).body.data;
const editUrl = (documentId: string) => `${strapi.url}/admin/settings/email-server/${documentId}`;
const documentIdOf = (url: string) => /\/settings\/email-server\/([^/?#]+)$/.exec(url)?.[1] ?? '';

/** Connect account → the provider's consent page → Allow → back on the edit page. */
const connect = async (buttonName: string) => {
  await page.getByRole('button', { name: buttonName }).click();
  await page.waitForURL((url) => url.toString().startsWith(provider.authorizeUrl));
  await page.locator('#allow').waitFor();
};

it('connects an account through the provider, shows it, and disconnects it', async () => {
  await page.goto(`${strapi.url}/admin/settings/email-server/create`);
  await input('name').fill('Workspace mail');
  await input('senderEmail').fill('agent@example.test');
  await input('smtpHost').fill('127.0.0.1');
  await input('smtpPort').fill(String(relay.port));
  await chooseOption('Security', 'None (plain text)');

  // OAuth2 for sending: the password goes, the username becomes optional, the app section appears.
  expect(await page.getByLabel('SMTP password').count()).toBe(1);
  expect(await visible('OAuth2 app').count()).toBe(0);
  await chooseOption('Outgoing authentication', 'OAuth2 (Google, Microsoft 365, other)');
  await visible('OAuth2 app').waitFor();
  expect(await page.getByLabel('SMTP password').count()).toBe(0);
  await visible('Optional: defaults to the connected account').waitFor();

  // The same choice on the incoming side.
  await chooseOption('Protocol', 'IMAP');
  expect(await page.getByLabel('Incoming password').count()).toBe(1);
  await chooseOption('Incoming authentication', 'OAuth2 (Google, Microsoft 365, other)');
  expect(await page.getByLabel('Incoming password').count()).toBe(0);
  await chooseOption('Protocol', 'None (no incoming mail)');

  // The app: the shared schema asks for what the chosen provider needs.
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  expect(await page.locator('#field-oauthProvider-error').innerText()).toBe('This field is required.');
  // Microsoft has a tenant, a custom server its own URLs and scopes, Google neither.
  await chooseOption('OAuth provider', 'Microsoft 365 / Outlook.com');
  await input('oauthTenant').waitFor();
  expect(await input('oauthAuthorizeUrl').count()).toBe(0);
  await chooseOption('OAuth provider', 'Other (custom OAuth2 server)');
  expect(await input('oauthTenant').count()).toBe(0);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  expect(await page.locator('#field-oauthTokenUrl-error').innerText()).toBe('This field is required.');
  await chooseOption('OAuth provider', 'Google (Gmail, Google Workspace)');
  expect(await input('oauthTenant').count()).toBe(0);
  expect(await input('oauthTokenUrl').count()).toBe(0);
  await input('oauthClientId').fill(provider.clients[0].clientId);
  await page.getByLabel('Client secret').fill(provider.clients[0].clientSecret);

  // The redirect URL to register comes from the server, read-only.
  const redirectUri = (await call('GET', '/email-server/oauth/redirect-uri')).body.data.redirectUri as string;
  expect(redirectUri).toMatch(/^http:\/\/.+\/admin\/settings\/email-server\/oauth\/callback$/);
  await waitUntil(async () => (await redirectField().inputValue()) === redirectUri, 10_000, 'the redirect URL');
  expect(await redirectField().isEditable()).toBe(false);
  // A server that is not saved cannot be connected yet.
  expect(await page.getByRole('button', { name: 'Save first, then connect' }).isDisabled()).toBe(true);

  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('button', { name: 'Done' }).waitFor();
  const documentId = documentIdOf(page.url());
  expect(await accountState().textContent()).toBe('Not connected');
  expect(await page.getByTestId('oauthClientSecret-status').textContent()).toBe('Set');
  await redirectField().scrollIntoViewIfNeeded();
  // The earlier "Some fields need your attention." must not show in the README's picture.
  await waitUntil(async () => (await visible('Some fields need your attention.').count()) === 0, 15_000, 'the notifications to close');
  await screenshot(page, 'oauth-section');

  // An unsaved change disables Connect until it is saved.
  await input('oauthClientId').fill('client-2');
  await page.getByRole('button', { name: 'Save first, then connect' }).waitFor();
  await input('oauthClientId').fill(provider.clients[0].clientId);
  await page.getByRole('button', { name: 'Connect account' }).waitFor();

  await connect('Connect account');
  // Google's parameters: PKCE, offline access, the redirect URL shown, Gmail's scope.
  const asked = new URL(page.url()).searchParams;
  expect(asked.get('redirect_uri')).toBe(redirectUri);
  expect(asked.get('scope')?.split(' ')).toContain('https://mail.google.com/');
  expect(asked.get('access_type')).toBe('offline');
  await page.setViewportSize({ width: 1000, height: 220 });
  await screenshot(page, 'oauth-consent');
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.locator('#allow').click();

  // Back on the edit page of that server, connected as the account the provider signed in.
  await page.waitForURL(editUrl(documentId));
  await accountState().filter({ hasText: `Connected as ${provider.account.email}` }).waitFor();
  await page.getByRole('button', { name: 'Reconnect' }).waitFor();
  expect(provider.tokenRequests.filter((r) => r.grantType === 'authorization_code').map((r) => r.status)).toEqual([200]);
  expect(await storedServer(documentId)).toMatchObject({ oauthConnected: true, oauthAccount: provider.account.email });
  await redirectField().scrollIntoViewIfNeeded();
  await screenshot(page, 'oauth-connected');

  // The connected account sends: XOAUTH2 with the token the provider issued.
  await input('testEmailTo').fill('me@example.org');
  await page.getByRole('button', { name: 'Send test email' }).click();
  await visible('Test email sent to me@example.org').waitFor();
  expect(relay.received.map((m) => m.rcptTo)).toEqual([['me@example.org']]);
  expect(relay.authAttempts).toEqual([{ username: provider.account.email, ok: true, method: 'XOAUTH2' }]);

  // An edit that would clear the tokens says so before it is saved, as the server will apply it.
  await input('smtpPort').fill('2525');
  await visible('Saving disconnects the account: the port changed. Connect it again after saving.').waitFor();
  await input('smtpPort').fill(String(relay.port));
  await page.getByTestId('oauth-will-disconnect').waitFor({ state: 'detached' });
  // A stored client secret is asked for again when its token endpoint changes (another provider).
  await chooseOption('OAuth provider', 'Microsoft 365 / Outlook.com');
  await visible('Re-enter the client secret: the OAuth provider changed.').waitFor();
  expect(await page.getByTestId('oauthClientSecret-status').textContent()).toBe('Not set');
  await chooseOption('OAuth provider', 'Google (Gmail, Google Workspace)');
  await page.getByTestId('oauthClientSecret-status').filter({ hasText: /^Set$/ }).waitFor();

  // Back (history) does not replay the used callback.
  await page.goBack();
  await page.waitForURL((url) => !url.pathname.endsWith('/oauth/callback'));

  // Disconnect asks first, then forgets the account.
  await page.goto(editUrl(documentId));
  await page.getByRole('button', { name: 'Disconnect' }).click();
  const dialog = page.getByRole('alertdialog');
  expect(await dialog.innerText()).toContain(provider.account.email);
  await dialog.getByRole('button', { name: 'Disconnect' }).click();
  await visible(`Disconnected ${provider.account.email}`).waitFor();
  await accountState().filter({ hasText: 'Not connected' }).waitFor();
  await page.getByRole('button', { name: 'Connect account' }).waitFor();
  expect(await storedServer(documentId)).toMatchObject({ oauthConnected: false });
});

it('shows what went wrong when the provider said no or the state is not valid, with a way back', async () => {
  const [server] = (await call('GET', '/email-server/servers')).body.data;
  const start = await call('POST', `/email-server/servers/${server.documentId}/oauth/start`, {});
  const state = new URL(start.body.data.authorizeUrl).searchParams.get('state');
  expect(state).toBeTruthy();

  // The person pressed "Cancel" at the provider.
  await page.goto(`${strapi.url}/admin/settings/email-server/oauth/callback?error=access_denied&state=${state}`);
  const error = page.getByTestId('oauth-error');
  await error.waitFor();
  expect(await error.innerText()).toContain('The account was not connected');
  // The server's reason, as it said it.
  expect(await error.innerText()).toContain('access was not allowed at the provider (access_denied)');
  expect((await storedServer(server.documentId)).oauthConnected).toBe(false);

  // The same state again: it was single-use, so the server refuses it and the page says so.
  await page.goto(`${strapi.url}/admin/settings/email-server/oauth/callback?code=whatever&state=${state}`);
  await error.waitFor();
  expect(await error.innerText()).toContain('This sign-in is unknown or was already used');
  expect((await storedServer(server.documentId)).oauthConnected).toBe(false);

  await page.getByRole('button', { name: 'Back to email servers' }).click();
  await page.getByRole('heading', { name: 'Email servers' }).waitFor();
});

it('marks the server "Needs attention" once the provider revoked the account', async () => {
  const [server] = (await call('GET', '/email-server/servers')).body.data;
  await page.goto(editUrl(server.documentId));
  await connect('Connect account');
  await page.locator('#allow').click();
  await page.waitForURL(editUrl(server.documentId));
  await accountState().filter({ hasText: `Connected as ${provider.account.email}` }).waitFor();

  // The provider forgets the account (access removed): its token stops working, and so does the refresh.
  provider.revokeRefreshTokens();
  provider.expireAccessTokens();
  const sent = relay.received.length;
  await input('testEmailTo').fill('me@example.org');
  await page.getByRole('button', { name: 'Send test email' }).click();
  await waitUntil(async () => (await storedServer(server.documentId)).oauthAttention, 15_000, 'the server marked');
  expect(provider.tokenRequests.at(-1)).toMatchObject({ grantType: 'refresh_token', status: 400 });
  expect(relay.received).toHaveLength(sent);

  await page.reload();
  const alert = page.getByTestId('oauth-attention');
  await alert.waitFor();
  expect(await alert.innerText()).toContain('reconnect the account');
  await page.getByRole('button', { name: 'Reconnect' }).waitFor();
  await alert.scrollIntoViewIfNeeded();
  await screenshot(page, 'oauth-attention');

  await page.goto(`${strapi.url}/admin/settings/email-server`);
  const badge = page.getByRole('row', { name: /Workspace mail/ }).getByTestId('oauth-attention-badge');
  await badge.waitFor();
  expect(await badge.textContent()).toBe('Needs attention: reconnect the account');

  // Reconnecting clears it.
  await page.goto(editUrl(server.documentId));
  await connect('Reconnect');
  await page.locator('#allow').click();
  await page.waitForURL(editUrl(server.documentId));
  await accountState().filter({ hasText: `Connected as ${provider.account.email}` }).waitFor();
  expect(await page.getByTestId('oauth-attention').count()).toBe(0);
});
