/**
 * A loopback OAuth2 authorization server that checks requests as Google's and Microsoft's do:
 * the authorization-code grant with PKCE (S256 only), single-use codes bound to their client,
 * redirect URI and verifier, short-lived access tokens, refresh tokens that can be revoked
 * (`invalid_grant`), and RFC 7662 introspection for Dovecot's oauth2 passdb. The real providers
 * cannot be reached from here.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { freePort } from './net';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

export interface IssuedToken {
  accessToken: string;
  email: string;
  clientId: string;
  scope: string;
  expiresAt: number;
}

export interface TokenRequest {
  grantType: string;
  body: Record<string, string>;
  status: number;
}

export interface FakeOAuth {
  /** http://127.0.0.1:port */
  url: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** RFC 7662 introspection (POST token=...), for Dovecot. */
  introspectionUrl: string;
  /** The account the consent page signs in as. */
  account: { email: string };
  clients: OAuthClient[];
  /** Every POST to the token endpoint, in order (grant type, form body, status answered). */
  tokenRequests: TokenRequest[];
  /** Access tokens issued, newest last. */
  issued: IssuedToken[];
  /** Lifetime of the access tokens issued from now on, in seconds (default 3600). */
  setAccessTokenLifetime(seconds: number): void;
  /** An outage of the token endpoint: every POST answers this 5xx status until set back to null. */
  setTokenOutage(status: number | null): void;
  /** Expire every access token issued so far (as if their hour were up). */
  expireAccessTokens(): void;
  /** Revoke every refresh token: the next refresh answers 400 invalid_grant. */
  revokeRefreshTokens(): void;
  /** Whether an access token is valid now (what introspection answers). */
  isActive(accessToken: string): boolean;
  stop(): Promise<void>;
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};

const readBody = (req: http.IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const random = () => crypto.randomBytes(24).toString('base64url');
const s256 = (verifier: string) => crypto.createHash('sha256').update(verifier).digest('base64url');

/** Client authentication as the token endpoint takes it: HTTP Basic or client_id/client_secret in the form. */
const clientOf = (req: http.IncomingMessage, form: URLSearchParams, clients: OAuthClient[]) => {
  let id = form.get('client_id');
  let secret = form.get('client_secret');
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
  if (basic) [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':').map(decodeURIComponent);
  const client = clients.find((c) => c.clientId === id);
  return client && client.clientSecret === secret ? client : null;
};

export const startOAuthServer = async (
  options: { account?: string; clients?: OAuthClient[]; accessTokenLifetime?: number } = {}
): Promise<FakeOAuth> => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const clients = options.clients ?? [{ clientId: 'client-1', clientSecret: 'client-secret-1' }];
  const account = { email: options.account ?? 'agent@example.test' };
  let lifetime = options.accessTokenLifetime ?? 3600;
  let outage: number | null = null;
  const codes = new Map<string, { clientId: string; redirectUri: string; challenge: string; scope: string; email: string; expiresAt: number }>();
  const refreshTokens = new Map<string, { clientId: string; scope: string; email: string }>();
  const issued: IssuedToken[] = [];
  const tokenRequests: TokenRequest[] = [];

  const issue = (clientId: string, scope: string, email: string) => {
    const token: IssuedToken = { accessToken: random(), email, clientId, scope, expiresAt: Date.now() + lifetime * 1000 };
    issued.push(token);
    return token;
  };
  const isActive = (accessToken: string) => issued.some((t) => t.accessToken === accessToken && t.expiresAt > Date.now());

  const server = http.createServer(async (req, res) => {
    const requestUrl = new URL(req.url ?? '/', url);
    try {
      if (req.method === 'GET' && requestUrl.pathname === '/authorize') {
        const q = requestUrl.searchParams;
        const client = clients.find((c) => c.clientId === q.get('client_id'));
        const redirectUri = q.get('redirect_uri') ?? '';
        if (!client || !/^https?:\/\//.test(redirectUri)) return json(res, 400, { error: 'invalid_request', error_description: 'Unknown client or redirect_uri.' });
        const fail = (error: string) => {
          const back = new URL(redirectUri);
          back.searchParams.set('error', error);
          if (q.get('state')) back.searchParams.set('state', q.get('state')!);
          res.writeHead(302, { location: back.toString() }).end();
        };
        if (q.get('response_type') !== 'code') return fail('unsupported_response_type');
        if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) return fail('invalid_request');
        if (!q.get('scope')) return fail('invalid_scope');
        if (q.get('approve') !== '1') {
          // The consent page a person clicks through in the browser test.
          const approve = new URL(requestUrl);
          approve.searchParams.set('approve', '1');
          res.writeHead(200, { 'content-type': 'text/html' });
          return res.end(
            `<!doctype html><title>Sign in</title><h1>Sign in as ${account.email}</h1><p>Scopes: ${q.get('scope')}</p>` +
              `<a id="allow" href="${approve.toString().replace(/&/g, '&amp;')}">Allow</a>`
          );
        }
        const code = random();
        codes.set(code, {
          clientId: client.clientId,
          redirectUri,
          challenge: q.get('code_challenge')!,
          scope: q.get('scope')!,
          email: account.email,
          expiresAt: Date.now() + 60_000,
        });
        const back = new URL(redirectUri);
        back.searchParams.set('code', code);
        if (q.get('state')) back.searchParams.set('state', q.get('state')!);
        res.writeHead(302, { location: back.toString() });
        return res.end();
      }

      if (req.method === 'POST' && requestUrl.pathname === '/token') {
        const raw = await readBody(req);
        const form = new URLSearchParams(raw);
        const body = Object.fromEntries(form);
        const answer = (status: number, payload: unknown) => {
          tokenRequests.push({ grantType: form.get('grant_type') ?? '', body, status });
          json(res, status, payload);
        };
        if (outage) return answer(outage, { error: 'temporarily_unavailable' });
        if (!/application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) return answer(400, { error: 'invalid_request' });
        const client = clientOf(req, form, clients);
        if (!client) return answer(401, { error: 'invalid_client' });
        if (form.get('grant_type') === 'authorization_code') {
          const code = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? ''); // single use, even when the rest is wrong
          if (!code || code.expiresAt < Date.now() || code.clientId !== client.clientId) return answer(400, { error: 'invalid_grant', error_description: 'Bad code.' });
          if (code.redirectUri !== form.get('redirect_uri')) return answer(400, { error: 'invalid_grant', error_description: 'redirect_uri mismatch.' });
          if (s256(form.get('code_verifier') ?? '') !== code.challenge) return answer(400, { error: 'invalid_grant', error_description: 'PKCE verification failed.' });
          const refreshToken = random();
          refreshTokens.set(refreshToken, { clientId: client.clientId, scope: code.scope, email: code.email });
          const token = issue(client.clientId, code.scope, code.email);
          const idToken = [{ alg: 'none', typ: 'JWT' }, { email: code.email, sub: code.email, aud: client.clientId, iss: url }]
            .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
            .join('.');
          return answer(200, {
            access_token: token.accessToken,
            token_type: 'Bearer',
            expires_in: lifetime,
            refresh_token: refreshToken,
            scope: code.scope,
            id_token: `${idToken}.`,
          });
        }
        if (form.get('grant_type') === 'refresh_token') {
          const grant = refreshTokens.get(form.get('refresh_token') ?? '');
          if (!grant || grant.clientId !== client.clientId) return answer(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
          const token = issue(client.clientId, grant.scope, grant.email);
          return answer(200, { access_token: token.accessToken, token_type: 'Bearer', expires_in: lifetime, scope: grant.scope });
        }
        return answer(400, { error: 'unsupported_grant_type' });
      }

      if (requestUrl.pathname === '/introspect') {
        const raw = req.method === 'POST' ? await readBody(req) : '';
        const token = new URLSearchParams(raw).get('token') ?? requestUrl.searchParams.get('token') ?? (req.headers.authorization ?? '').replace(/^Bearer /i, '');
        const found = issued.find((t) => t.accessToken === token);
        if (!found || !isActive(token)) return json(res, 200, { active: false });
        return json(res, 200, { active: true, email: found.email, username: found.email, scope: found.scope, client_id: found.clientId, exp: Math.floor(found.expiresAt / 1000) });
      }

      if (req.method === 'GET' && requestUrl.pathname === '/userinfo') {
        const token = (req.headers.authorization ?? '').replace(/^Bearer /i, '');
        const found = issued.find((t) => t.accessToken === token);
        if (!found || !isActive(token)) return json(res, 401, { error: 'invalid_token' });
        return json(res, 200, { email: found.email, sub: found.email });
      }
      json(res, 404, { error: 'not_found' });
    } catch (error) {
      json(res, 500, { error: 'server_error', error_description: String(error) });
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    url,
    authorizeUrl: `${url}/authorize`,
    tokenUrl: `${url}/token`,
    introspectionUrl: `${url}/introspect`,
    account,
    clients,
    tokenRequests,
    issued,
    setTokenOutage: (status) => {
      outage = status;
    },
    setAccessTokenLifetime: (seconds) => {
      lifetime = seconds;
    },
    expireAccessTokens: () => {
      for (const token of issued) token.expiresAt = Math.min(token.expiresAt, Date.now() - 1);
    },
    revokeRefreshTokens: () => refreshTokens.clear(),
    isActive,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
};
