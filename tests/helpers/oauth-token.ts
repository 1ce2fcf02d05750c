/**
 * Tokens from the loopback OAuth2 server, obtained as a browser and an app would: GET /authorize
 * with a PKCE challenge (approve=1 stands for the person's click on "Allow"), the code read from
 * the 302 Location, then POST /token with the verifier. For tests that log in with XOAUTH2
 * below the plugin (the adapters); the plugin's own Connect flow goes through its routes.
 */
import crypto from 'node:crypto';
import type { FakeOAuth } from './oauth-server';
import type { TestApp } from './strapi';

export interface BrowserTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** GET without following the redirect (it points at a redirect URI nobody serves here). */
const getNoRedirect = async (url: string) => {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location') ?? undefined };
};

export const tokensFor = async (oauth: FakeOAuth, scope = 'https://mail.example.test/'): Promise<BrowserTokens> => {
  const client = oauth.clients[0];
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  const redirectUri = 'http://127.0.0.1:9/callback';
  const state = crypto.randomBytes(8).toString('hex');
  const authorize = new URL(oauth.authorizeUrl);
  for (const [k, v] of Object.entries({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: redirectUri,
    scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    approve: '1',
  })) {
    authorize.searchParams.set(k, v);
  }
  const redirect = await getNoRedirect(authorize.toString());
  if (redirect.status !== 302 || !redirect.location) throw new Error(`authorize answered ${redirect.status}`);
  const back = new URL(redirect.location);
  if (back.searchParams.get('state') !== state) throw new Error('authorize lost the state');
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`authorize refused: ${back.searchParams.get('error')}`);
  const res = await fetch(oauth.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    }),
  });
  const body = (await res.json()) as Record<string, any>;
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status} ${body.error}`);
  return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresIn: body.expires_in };
};

/**
 * "Connect account" through the plugin's own routes, as the admin page and the browser do it:
 * start (the consent URL), the provider's consent (approve=1 is the click on "Allow"), then the
 * callback with the state and code the provider put in the redirect. Answers the server as the
 * callback returned it.
 */
export const connectAccount = async (app: TestApp, documentId: string) => {
  const start = await app.as().post(`/email-server/servers/${documentId}/oauth/start`).send({});
  if (start.status !== 200) throw new Error(`oauth/start answered ${start.status}: ${start.text}`);
  const consent = new URL(start.body.data.authorizeUrl);
  consent.searchParams.set('approve', '1');
  const redirect = await getNoRedirect(consent.toString());
  if (redirect.status !== 302 || !redirect.location) throw new Error(`the consent page answered ${redirect.status}`);
  const back = new URL(redirect.location);
  const done = await app
    .as()
    .post('/email-server/oauth/callback')
    .send({ state: back.searchParams.get('state'), code: back.searchParams.get('code') });
  if (done.status !== 200) throw new Error(`oauth/callback answered ${done.status}: ${done.text}`);
  return done.body.data;
};
