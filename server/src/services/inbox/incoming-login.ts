import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { scrub } from '../../adapters/describe-error';
import { verifyIncoming, type IncomingConfig } from '../../adapters/incoming';
import type { Check } from '../../adapters/types';
import { loginSecret, usesToken } from '../../adapters/xoauth2';
import { SERVER_UID, getService } from '../../utils';
import { incomingConfigOf } from '../servers/server-config';
import type { StoredServer } from '../servers/servers';

/**
 * Nothing can log in until a person connects the account (again): it was never connected, or its
 * refresh was refused for good (invalid_grant). Polling pauses and waits for the Connect.
 */
export class AccountNeededError extends errors.ApplicationError {}

export const notConnectedMessage = (server: Pick<StoredServer, 'name'>) =>
  `Connect the account first: "${server.name}" logs in with OAuth2 and no account is connected.`;

export const usesIncomingOAuth = (server: StoredServer) => Boolean(server.incomingProtocol) && server.incomingAuthMethod === 'oauth2';

/** Throws AccountNeededError when the incoming side logs in with OAuth2 and has no usable account. */
export const assertAccount = (server: StoredServer) => {
  if (!usesIncomingOAuth(server)) return;
  if (!server.oauthRefreshToken) throw new AccountNeededError(notConnectedMessage(server));
  if (server.oauthAttention) throw new AccountNeededError(server.oauthAttention);
};

/**
 * The incoming side's config with its login: the password, or for OAuth2 an access token of the
 * connected account (`renew`: a fresh one, after the mail server refused the last). Throws
 * AccountNeededError when only a person can help; a passing failure of the token endpoint is
 * thrown as it is, for the caller's usual failure path (and its backoff).
 */
export const incomingLogin = async (strapi: Core.Strapi, server: StoredServer, renew = false): Promise<IncomingConfig> => {
  const { decrypt } = getService(strapi, 'secrets');
  if (!usesIncomingOAuth(server)) return incomingConfigOf(server, decrypt);
  assertAccount(server);
  try {
    return incomingConfigOf(server, decrypt, await getService(strapi, 'oauth').accessToken(server, { renew, side: 'incoming' }));
  } catch (error) {
    // The token service marks the row when the refresh failed for good; its own message says what to do.
    const row = (await strapi.db.query(SERVER_UID).findOne({ where: { id: server.id } })) as StoredServer | null;
    if (row) assertAccount(row);
    throw error;
  }
};

/** A login refused by the mail server, as an error or as a result that says so ("Test connection", the Sent folder). */
export const refusedLogin = (outcome: any): boolean =>
  Boolean(outcome?.authenticationFailed) ||
  outcome?.code === 'EAUTH' ||
  (outcome?.ok === false && /Authentication failed/.test(String(outcome?.message))) ||
  (typeof outcome?.error === 'string' && /Authentication failed|AUTHENTICATIONFAILED/i.test(outcome.error));

/**
 * Runs `run` logged in as the server's incoming side. A token the mail server refused (revoked,
 * or expired before its time) is renewed once and `run` tried again; a second refusal goes the
 * usual way. A password is never retried (that would count twice against lockouts).
 */
export const withIncomingLogin = async <T>(
  strapi: Core.Strapi,
  server: StoredServer,
  run: (config: IncomingConfig) => Promise<T>
): Promise<T> => {
  const config = await incomingLogin(strapi, server);
  if (!usesToken(config.auth)) return run(config);
  let outcome: T;
  try {
    outcome = await run(config);
  } catch (error) {
    if (!refusedLogin(error)) throw error;
    return run(await incomingLogin(strapi, server, true));
  }
  return refusedLogin(outcome) ? run(await incomingLogin(strapi, server, true)) : outcome;
};

/** "Test connection" of the incoming side: a refused token is renewed once; no secret reaches the message. */
export const verifyIncomingLogin = async (strapi: Core.Strapi, server: StoredServer, timeoutMs: number): Promise<Check> => {
  const used: Array<string | undefined> = [];
  const started = Date.now();
  try {
    const check = await withIncomingLogin(strapi, server, (config) => {
      used.push(loginSecret(config.auth));
      return verifyIncoming(config, timeoutMs);
    });
    return { ...check, message: scrub(check.message, used) };
  } catch (error) {
    // No account to log in with, or the token endpoint failing: said as it is, nothing connected.
    const message = String((error as Error)?.message ?? error);
    return { ok: false, message: `${String(server.incomingProtocol).toUpperCase()}: ${scrub(message, used)}`, durationMs: Date.now() - started };
  }
};
