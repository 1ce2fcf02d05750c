/**
 * The OAuth2 token endpoint (RFC 6749 §4.1.3 and §6): the authorization-code exchange with its
 * PKCE verifier, and the refresh grant. Plain HTTP with a bounded wait; knows nothing of Strapi.
 * Errors never carry the secrets sent: the caller gets the provider's `error` code and a short
 * description only.
 */

import { PrivateAddressError, guardedRequest } from './guarded-http';

export interface TokenEndpoint {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  /** Refuse a token (and userinfo) URL that resolves into a private range: an admin typed it. */
  blockPrivate?: boolean;
}

/** A token or userinfo answer is small; a larger body is not one, and is not read further. */
const MAX_BODY_BYTES = 65_536;

/** The endpoint's host resolves into a private range and blockPrivateNetworks is on: a person must change the URL. */
export class OAuthEndpointRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OAuthEndpointRefusedError';
  }
}

export interface TokenSet {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** Only when the provider issued one (always on a code exchange, sometimes on a refresh: Microsoft rotates them). */
  refreshToken: string | null;
  idToken: string | null;
}

/**
 * The provider refused the grant for good (`invalid_grant`: revoked, expired or consent withdrawn;
 * `invalid_client`: the client secret is wrong or expired). Retrying cannot help.
 */
export class OAuthGrantError extends Error {
  constructor(
    readonly code: string,
    readonly description: string
  ) {
    super(`The token endpoint refused the grant (${code}).`);
    this.name = 'OAuthGrantError';
  }
}

/** The token endpoint could not be reached or failed itself (network, timeout, 5xx): try again later. */
export class OAuthTransientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OAuthTransientError';
  }
}

const PERMANENT = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client', 'invalid_request', 'invalid_scope', 'unsupported_grant_type']);
/** A provider's words, shortened and on one line: they end up in a message a person reads. */
export const oneLine = (text: unknown, max: number) => String(text ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, max);

const post = async (endpoint: TokenEndpoint, form: Record<string, string>): Promise<TokenSet> => {
  let res: { status: number; body: string };
  const host = new URL(endpoint.tokenUrl).host;
  try {
    res = await guardedRequest(endpoint.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      // client_secret_post: Google and Microsoft both take the client's credentials in the form.
      body: new URLSearchParams({ ...form, client_id: endpoint.clientId, client_secret: endpoint.clientSecret }).toString(),
      timeoutMs: endpoint.timeoutMs,
      blockPrivate: Boolean(endpoint.blockPrivate),
      maxBytes: MAX_BODY_BYTES,
    });
  } catch (error: any) {
    if (error instanceof PrivateAddressError) throw new OAuthEndpointRefusedError(`The token URL's host ${error.message}`);
    const timedOut = error?.name === 'RequestTimeoutError';
    throw new OAuthTransientError(timedOut ? `The token endpoint ${host} did not answer in time.` : `The token endpoint ${host} cannot be reached.`);
  }
  const ok = res.status >= 200 && res.status < 300;
  const text = res.body;
  let body: any = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  if (ok && body && typeof body.access_token === 'string' && body.access_token) {
    const seconds = Number(body.expires_in);
    return {
      accessToken: body.access_token,
      // No expires_in: assume the usual hour; a refused token renews anyway.
      expiresAt: Date.now() + (Number.isFinite(seconds) && seconds > 0 ? seconds : 3600) * 1000,
      refreshToken: typeof body.refresh_token === 'string' && body.refresh_token ? body.refresh_token : null,
      idToken: typeof body.id_token === 'string' ? body.id_token : null,
    };
  }
  const code = body && typeof body.error === 'string' ? oneLine(body.error, 64) : '';
  if (res.status >= 400 && res.status < 500 && (PERMANENT.has(code) || res.status === 401)) {
    throw new OAuthGrantError(code || 'invalid_client', oneLine(body?.error_description, 300));
  }
  throw new OAuthTransientError(`The token endpoint ${new URL(endpoint.tokenUrl).host} answered HTTP ${res.status}${code ? ` (${code})` : ''}.`);
};

/** Exchanges an authorization code, proving with the PKCE verifier that this client asked for it. */
export const exchangeCode = (endpoint: TokenEndpoint, input: { code: string; redirectUri: string; codeVerifier: string }) =>
  post(endpoint, { grant_type: 'authorization_code', code: input.code, redirect_uri: input.redirectUri, code_verifier: input.codeVerifier });

export const refreshAccessToken = (endpoint: TokenEndpoint, refreshToken: string) =>
  post(endpoint, { grant_type: 'refresh_token', refresh_token: refreshToken });

/**
 * The signed-in account from an ID token's claims. The token came straight from the token endpoint
 * over TLS, so its signature need not be checked (OpenID Connect Core §3.1.3.7, item 6).
 */
export const accountOfIdToken = (idToken: string | null): string | null => {
  if (!idToken) return null;
  try {
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8'));
    for (const claim of ['email', 'preferred_username', 'upn']) {
      if (typeof claims?.[claim] === 'string' && claims[claim].trim()) return claims[claim].trim();
    }
  } catch {
    return null;
  }
  return null;
};

/** The account from an OpenID userinfo endpoint, when the ID token did not name it. */
export const accountOfUserinfo = async (userinfoUrl: string, accessToken: string, timeoutMs: number, blockPrivate = false): Promise<string | null> => {
  try {
    const res = await guardedRequest(userinfoUrl, {
      method: 'GET',
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      timeoutMs,
      blockPrivate,
      maxBytes: MAX_BODY_BYTES,
    });
    if (res.status !== 200 || res.truncated) return null;
    const body: any = JSON.parse(res.body);
    for (const claim of ['email', 'preferred_username', 'upn']) {
      if (typeof body?.[claim] === 'string' && body[claim].trim()) return body[claim].trim();
    }
  } catch {
    return null;
  }
  return null;
};
