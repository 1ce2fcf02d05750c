import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { ACTIVITY_EVENTS } from '../../../../shared/contracts/activity';
import type { OAuthCallback } from '../../../../shared/contracts/oauth';
import { anyOAuth, usesOAuth } from '../../../../shared/validation/servers';
import { scrub } from '../../adapters/describe-error';
import {
  OAuthEndpointRefusedError,
  OAuthGrantError,
  OAuthTransientError,
  accountOfIdToken,
  accountOfUserinfo,
  exchangeCode,
  oneLine,
  refreshAccessToken,
  type TokenEndpoint,
} from '../../adapters/oauth-token';
import { SERVER_UID, UIDS, getService, pluginConfig } from '../../utils';
import { rawTable } from '../../utils/raw-table';
import { sleep } from '../../utils/sleep';
import { fieldError } from '../../utils/validate';
import { privateAddressOf, privateNetworkMessage } from '../../adapters/network-guard';
import { endpointsOf, extraAuthorizeParams, scopesOf } from './oauth-providers';
import { unreadableSecretMessage } from './server-config';
import { OAUTH_TOKEN_COLUMNS, type StoredServer } from './servers';

/** An access token for a server's connected account, and the login (the account) it is for. */
export interface OAuthAccess {
  user: string;
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export const RECONNECT_MESSAGE = 'Needs attention: reconnect the account';
/** Longest account name taken from a provider; far above any real address or UPN. */
const MAX_ACCOUNT = 1024;
/** How often an instance waiting for another one's refresh looks at the row again. */
const LEASE_POLL_MS = 100;

/**
 * A token that could not be had for now (the provider timed out or failed, another instance's
 * renewal took too long): marked so that the sender and the poller retry it later instead of
 * treating it as a refused login that needs a person.
 */
export const transientTokenError = (message: string) => Object.assign(new errors.ApplicationError(message), { transientToken: true as const });
export const isTransientTokenError = (error: unknown) => Boolean((error as { transientToken?: unknown } | null)?.transientToken);

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest();
const random = (bytes: number) => crypto.randomBytes(bytes).toString('base64url');

/**
 * What a Connect was started for: the app, endpoints, scopes and, for each side that logs in with
 * OAuth2, its host. A callback after any of it changed is refused (the grant would follow a
 * connection the person who consented did not choose).
 */
const fingerprintOf = (server: StoredServer, config: ReturnType<typeof pluginConfig>['oauth']) => {
  const sides = (['outgoing', 'incoming'] as const)
    .filter((side) => usesOAuth(server, side))
    .map((side) =>
      side === 'outgoing'
        ? ['smtp', server.smtpHost, server.smtpPort, server.smtpSecurity]
        : [server.incomingProtocol, server.incomingHost, server.incomingPort, server.incomingSecurity]
    );
  const { authorizeUrl, tokenUrl } = endpointsOf(server, config);
  return sha256(JSON.stringify([server.oauthProvider, server.oauthClientId, authorizeUrl, tokenUrl, scopesOf(server), server.tlsRejectUnauthorized !== false, sides])).toString('hex');
};

/**
 * OAuth2 for XOAUTH2 logins: the authorization-code flow with PKCE (start / callback /
 * disconnect) and the access tokens behind `accessToken`, shared by every instance through the
 * server row (encrypted), refreshed by one instance at a time.
 */
const oauthService = ({ strapi }: { strapi: Core.Strapi }) => {
  const config = () => pluginConfig(strapi).oauth;
  const secrets = () => getService(strapi, 'secrets');
  const servers = () => getService(strapi, 'servers');
  const states = () => rawTable(strapi, UIDS.oauthState);
  /** One refresh per server per instance: the pool's connections share it. */
  const inflight = new Map<string, { promise: Promise<OAuthAccess>; renew: boolean }>();

  /**
   * The default server's account sends every Strapi mail (password resets): connecting or
   * disconnecting it re-points that mail, as changing its login does, so it needs "Set the default server".
   */
  const assertMayTouchDefault = (server: StoredServer, maySetDefault: boolean) => {
    if (!server.isDefault || maySetDefault) return;
    throw new errors.PolicyError('Connecting or disconnecting the account of the default email server needs the permission "Set the default server".');
  };

  const loadRow = async (id: number) => (await strapi.db.query(SERVER_UID).findOne({ where: { id } })) as StoredServer | null;

  /** The token endpoint with the client's credentials, or the 400 that says what to fill in first. */
  const clientOf = (server: StoredServer): TokenEndpoint & { authorizeUrl: string; userinfoUrl: string | null } => {
    if (server.type !== 'smtp' || !anyOAuth(server)) {
      throw fieldError('smtpAuthMethod', 'Choose OAuth2 as the login of the outgoing or the incoming side, and save, before connecting an account.');
    }
    if (!server.oauthClientId) throw fieldError('oauthClientId', 'Enter the OAuth client id, and save, before connecting an account.');
    if (!server.oauthClientSecret) throw fieldError('oauthClientSecret', 'Enter the OAuth client secret, and save, before connecting an account.');
    const clientSecret = secrets().decrypt(server.oauthClientSecret);
    if (clientSecret === null) throw fieldError('oauthClientSecret', unreadableSecretMessage(server, 'oauthClientSecret'));
    const endpoints = endpointsOf(server, config());
    // Only a custom provider's URLs were typed by an admin; the built-in ones (and the operator's
    // own endpoints in the config) are trusted.
    const blockPrivate = server.oauthProvider === 'custom' && pluginConfig(strapi).blockPrivateNetworks;
    return { ...endpoints, clientId: server.oauthClientId, clientSecret, timeoutMs: config().timeoutMs, blockPrivate };
  };

  /** The browser is sent to the authorize URL: with blockPrivateNetworks, not into the server's network. */
  const assertAuthorizeUrlAllowed = async (client: ReturnType<typeof clientOf>) => {
    if (!client.blockPrivate) return;
    const host = new URL(client.authorizeUrl).hostname;
    if (await privateAddressOf(host)) throw fieldError('oauthAuthorizeUrl', `The authorization URL's host ${privateNetworkMessage(host)}`);
  };

  /** The XOAUTH2 login of one side: its username when given, else the connected account. */
  const userOf = (server: StoredServer, side: 'outgoing' | 'incoming') =>
    (side === 'incoming' ? server.incomingUsername : server.smtpUsername) || server.oauthAccount || '';

  const markAttention = async (row: StoredServer, message: string, lease: number) => {
    const written = await servers().writeOAuth(row, { oauthAttention: message, oauthAccessToken: null, oauthRefreshLeaseUntil: null }, { where: { oauthRefreshLeaseUntil: lease } });
    // Later sends must find no pool that still holds the refused login; closed after this turn,
    // so the send that failed gets this message and not "connection closed".
    setImmediate(() => getService(strapi, 'transports').close(row.documentId));
    return written;
  };

  /** Refreshes while holding the lease; null when the row changed meanwhile (look again). */
  const refresh = async (row: StoredServer, lease: number, side: 'outgoing' | 'incoming'): Promise<OAuthAccess | null> => {
    const release = () => servers().writeOAuth(row, { oauthRefreshLeaseUntil: null }, { where: { oauthRefreshLeaseUntil: lease } });
    const refreshToken = secrets().decrypt(row.oauthRefreshToken);
    let endpoint: TokenEndpoint;
    try {
      endpoint = clientOf(row);
    } catch (error) {
      await release();
      throw new errors.ApplicationError(`"${row.name}" cannot renew its OAuth access token: ${(error as Error).message}`);
    }
    if (refreshToken === null) {
      const message = `${RECONNECT_MESSAGE}: the stored token cannot be read (the encryption key changed).`;
      await markAttention(row, message, lease);
      throw new errors.ApplicationError(message);
    }
    try {
      const tokens = await refreshAccessToken(endpoint, refreshToken);
      const written = await servers().writeOAuth(
        row,
        {
          oauthAccessToken: secrets().encrypt(tokens.accessToken),
          oauthTokenExpiresAt: tokens.expiresAt,
          oauthRefreshLeaseUntil: null,
          // Microsoft may rotate the refresh token: the old one stops working soon after.
          ...(tokens.refreshToken ? { oauthRefreshToken: secrets().encrypt(tokens.refreshToken) } : {}),
        },
        { where: { oauthRefreshLeaseUntil: lease } }
      );
      // 0 rows: the account was disconnected or connected anew while we asked; that one wins.
      return written ? { user: userOf(row, side), accessToken: tokens.accessToken, expiresAt: tokens.expiresAt } : null;
    } catch (error) {
      const hide = [refreshToken, endpoint.clientSecret];
      if (error instanceof OAuthGrantError) {
        const message =
          error.code === 'invalid_grant'
            ? RECONNECT_MESSAGE
            : `${RECONNECT_MESSAGE}: the provider refused the OAuth client (${error.code}); check the client id and secret first.`;
        strapi.log.warn(scrub(`[email-server] "${row.name}": the OAuth token refresh was refused (${error.code}); the account must be reconnected.`, hide));
        await markAttention(row, message, lease);
        throw new errors.ApplicationError(message);
      }
      await release();
      if (error instanceof OAuthEndpointRefusedError) throw new errors.ApplicationError(`"${row.name}" cannot renew its OAuth access token: ${error.message}`);
      if (error instanceof OAuthTransientError) {
        // Transient: no attention; the send's own retry (queue, pool) tries again later.
        throw transientTokenError(scrub(`"${row.name}" could not renew its OAuth access token: ${error.message}`, hide));
      }
      throw error;
    }
  };

  const obtain = async (server: StoredServer, renew: boolean, side: 'outgoing' | 'incoming'): Promise<OAuthAccess> => {
    const { refreshMarginSeconds, timeoutMs } = config();
    const deadline = Date.now() + 2 * timeoutMs + 5_000;
    for (;;) {
      // The row, not the caller's copy: another instance may have refreshed or been told invalid_grant.
      const row = await loadRow(server.id);
      if (!row) throw new errors.ApplicationError(`The email server "${server.name}" no longer exists.`);
      if (row.oauthAttention) throw new errors.ApplicationError(row.oauthAttention);
      if (!row.oauthRefreshToken) throw new errors.ApplicationError(`Connect the account first: "${row.name}" logs in with OAuth2 and no account is connected.`);
      const expiresAt = Number(row.oauthTokenExpiresAt ?? 0);
      const stored = row.oauthAccessToken ? secrets().decrypt(row.oauthAccessToken) : null;
      if (!renew && stored && expiresAt - refreshMarginSeconds * 1000 > Date.now()) {
        return { user: userOf(row, side), accessToken: stored, expiresAt };
      }
      // Compare-and-set on the lease: of all instances, one refreshes; the others wait for its result.
      const now = Date.now();
      const lease = now + timeoutMs + 5_000;
      const table = rawTable(strapi, SERVER_UID);
      const leaseColumn = table.col('oauthRefreshLeaseUntil');
      const taken = await table
        .knex()
        .where(table.col('id'), row.id)
        .andWhere((q) => q.whereNull(leaseColumn).orWhere(leaseColumn, '<', now))
        .update({ [leaseColumn]: lease });
      if (Number(taken) === 1) {
        const access = await refresh(row, lease, side);
        if (access) return access;
        continue;
      }
      if (Date.now() > deadline) throw transientTokenError(`"${row.name}" could not renew its OAuth access token in time: try again.`);
      await sleep(LEASE_POLL_MS);
      // The other instance's refresh is the renewal asked for.
      renew = false;
    }
  };

  interface StateRow {
    id: number;
    codeVerifier: string;
    server: string;
    adminUser: number;
    redirectUri: string;
    fingerprint: string;
    expiresAt: string | number;
  }
  const stateRow = async (state: string) =>
    (await strapi.db.query(UIDS.oauthState).findOne({ where: { stateHash: sha256(state).toString('hex') } })) as StateRow | null;

  return {
    /**
     * A valid access token for this server's connected account: the stored one while it has more
     * than `oauth.refreshMarginSeconds` left, else a refreshed one (stored encrypted, shared by
     * every instance). `renew` refreshes even so, after a server refused the token. `side` picks
     * the login (the side's username, else the connected account); outgoing by default. Throws an
     * ApplicationError ("Needs attention: reconnect the account") when the refresh failed for good
     * (invalid_grant): that marks the server, and later calls throw at once without asking the
     * provider, so nothing retries in a loop.
     */
    async accessToken(server: StoredServer, options: { renew?: boolean; side?: 'outgoing' | 'incoming' } = {}): Promise<OAuthAccess> {
      const side = options.side ?? 'outgoing';
      const renew = Boolean(options.renew);
      // Per side: each side logs in as its own username. A renewal never joins a plain call in
      // flight, which may hand out the very token the relay just refused.
      const key = `${server.id}:${side}`;
      const running = inflight.get(key);
      if (running && (running.renew || !renew)) return running.promise;
      const promise = obtain(server, renew, side).finally(() => {
        if (inflight.get(key)?.promise === promise) inflight.delete(key);
      });
      inflight.set(key, { promise, renew });
      return promise;
    },

    /** The URL to register with the provider; the admin page there finishes the Connect. */
    redirectUri(): string {
      const own = config().redirectUri;
      if (own) return own;
      const admin = String(strapi.config.get('admin.absoluteUrl') ?? '').replace(/\/+$/, '');
      return `${admin}/settings/email-server/oauth/callback`;
    },

    /** Starts a Connect: a single-use state bound to this admin, and the provider's consent URL. */
    async start(server: StoredServer, adminUserId: number, maySetDefault: boolean): Promise<{ authorizeUrl: string }> {
      assertMayTouchDefault(server, maySetDefault);
      const client = clientOf(server);
      if (!client.authorizeUrl || !client.tokenUrl) throw fieldError('oauthAuthorizeUrl', 'Enter the authorization and token URLs, and save, before connecting an account.');
      await assertAuthorizeUrlAllowed(client);
      const state = random(32);
      // RFC 7636 §4.1: 43 to 128 characters; 64 bytes of entropy encode to 86.
      const verifier = random(64);
      const redirectUri = this.redirectUri();
      const now = Date.now();
      // Abandoned Connects are removed as new ones start.
      await states().knex().where(states().col('expiresAt'), '<', now).del();
      await strapi.db.query(UIDS.oauthState).create({
        data: {
          stateHash: sha256(state).toString('hex'),
          codeVerifier: secrets().encrypt(verifier),
          server: server.documentId,
          adminUser: adminUserId,
          redirectUri,
          fingerprint: fingerprintOf(server, config()),
          expiresAt: now + config().stateTtlSeconds * 1000,
        },
      });
      const url = new URL(client.authorizeUrl);
      const params = {
        response_type: 'code',
        client_id: client.clientId,
        redirect_uri: redirectUri,
        scope: scopesOf(server),
        state,
        code_challenge: sha256(verifier).toString('base64url'),
        code_challenge_method: 'S256',
        ...extraAuthorizeParams(server),
      };
      for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
      return { authorizeUrl: url.toString() };
    },

    /** Finishes a Connect: uses up the state, exchanges the code, stores the account's tokens. */
    async callback(adminUserId: number, input: OAuthCallback, maySetDefault: boolean): Promise<StoredServer> {
      const row = await stateRow(input.state);
      const again = 'click Connect again.';
      if (!row) throw new errors.ValidationError(`This sign-in is unknown or was already used: ${again}`);
      if (Number(row.adminUser) !== adminUserId) {
        // Not used up: the administrator who started it can still finish it.
        throw new errors.PolicyError('This sign-in was started by another administrator: only they can finish it. Click Connect yourself to connect the account.');
      }
      // Deleting is the atomic "use": of two callbacks (two tabs, two instances), one deletes the row.
      const deleted = await states().knex().where(states().col('id'), row.id).del();
      if (Number(deleted) !== 1) throw new errors.ValidationError(`This sign-in was already used: ${again}`);
      if (Number(row.expiresAt) < Date.now()) {
        throw new errors.ValidationError(`This sign-in took longer than ${Math.round(config().stateTtlSeconds / 60) || 1} minutes and expired: ${again}`);
      }
      const server = await servers().findOne(row.server);
      if (!server) throw new errors.NotFoundError('Email server not found: it was deleted while the account was being connected.');
      // Again here: the server may have become the default since Connect was clicked.
      assertMayTouchDefault(server, maySetDefault);
      if (input.error) {
        const error = oneLine(input.error, 64);
        const description = oneLine(input.error_description, 300);
        if (error === 'access_denied') {
          throw new errors.ApplicationError(`The sign-in was cancelled or access was not allowed at the provider (access_denied). To connect the account, click Connect again and allow access.`);
        }
        throw new errors.ApplicationError(`The provider refused the sign-in (${error})${description ? `: ${description}` : ''}. Check the app's settings at the provider, then ${again}`);
      }
      if (!input.code) throw new errors.ValidationError(`The provider sent no authorization code: ${again}`);
      if (fingerprintOf(server, config()) !== row.fingerprint) {
        throw new errors.ApplicationError(`The server's OAuth or connection settings changed after Connect was clicked: ${again}`);
      }
      const client = clientOf(server);
      const verifier = secrets().decrypt(row.codeVerifier);
      if (verifier === null) throw new errors.ApplicationError(`This sign-in cannot be read any more (the encryption key changed): ${again}`);
      const hide = [client.clientSecret, input.code, verifier];
      let tokens;
      try {
        tokens = await exchangeCode(client, { code: input.code, redirectUri: row.redirectUri, codeVerifier: verifier });
      } catch (error) {
        if (error instanceof OAuthGrantError) {
          const description = error.description ? `: ${error.description}` : '';
          const hint = error.code === 'invalid_client' ? ' Check the client id and secret.' : error.code === 'invalid_grant' ? ' Check that the redirect URI registered with the provider is the one shown here.' : '';
          throw new errors.ApplicationError(scrub(`The provider did not accept the sign-in (${error.code}${description}).${hint} Then ${again}`, hide));
        }
        if (error instanceof OAuthEndpointRefusedError) throw new errors.ApplicationError(`${error.message} Change the token URL, then ${again}`);
        if (error instanceof OAuthTransientError) throw new errors.ApplicationError(scrub(`${error.message} Try again: ${again}`, hide));
        throw error;
      }
      hide.push(tokens.accessToken, tokens.refreshToken);
      if (!tokens.refreshToken) {
        throw new errors.ApplicationError(
          `The provider returned no refresh token, so the account would stop working within the hour. Remove this app's access in the account's security settings (or ask for offline access), then ${again}`
        );
      }
      const account =
        accountOfIdToken(tokens.idToken) ??
        (client.userinfoUrl ? await accountOfUserinfo(client.userinfoUrl, tokens.accessToken, client.timeoutMs, client.blockPrivate) : null) ??
        (server.smtpUsername || server.incomingUsername || null);
      if (!account) {
        throw new errors.ApplicationError(`The provider did not say which account signed in: enter it as the username, save, then ${again}`);
      }
      if (account.length > MAX_ACCOUNT || /[\u0000-\u001f\u007f]/.test(account)) {
        throw new errors.ApplicationError(`The provider named an account that cannot be a mail login (too long, or with control characters): ${again}`);
      }
      await servers().writeOAuth(
        server,
        {
          ...OAUTH_TOKEN_COLUMNS,
          oauthRefreshToken: secrets().encrypt(tokens.refreshToken),
          oauthAccessToken: secrets().encrypt(tokens.accessToken),
          oauthTokenExpiresAt: tokens.expiresAt,
          oauthAccount: account,
        },
        // A connect is an edit: every instance rebuilds its pool with the new login.
        { edit: true }
      );
      await getService(strapi, 'activity').record(ACTIVITY_EVENTS.serverConnect, {
        subject: { type: 'server', documentId: server.documentId, name: server.name },
        details: { account },
      });
      return servers().getOrThrow(server.documentId);
    },

    /** Forgets the connected account (its tokens stay valid at the provider until revoked there). */
    async disconnect(server: StoredServer, maySetDefault: boolean): Promise<StoredServer> {
      assertMayTouchDefault(server, maySetDefault);
      await servers().writeOAuth(server, { ...OAUTH_TOKEN_COLUMNS }, { edit: true });
      await getService(strapi, 'activity').record(ACTIVITY_EVENTS.serverDisconnect, {
        subject: { type: 'server', documentId: server.documentId, name: server.name },
        details: { account: server.oauthAccount ?? null },
      });
      return servers().getOrThrow(server.documentId);
    },
  };
};

export type OAuthService = ReturnType<typeof oauthService>;
export default oauthService;
