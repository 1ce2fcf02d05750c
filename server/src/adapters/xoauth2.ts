import type { Credentials } from './types';

/** A login with an OAuth2 access token of the account (SASL XOAUTH2 / OAUTHBEARER) instead of a password. */
export interface TokenCredentials {
  username: string;
  accessToken: string;
}

/** How an incoming mailbox logs in: a password, or an access token. */
export type IncomingAuth = Credentials | TokenCredentials;

export const usesToken = (auth: IncomingAuth): auth is TokenCredentials => 'accessToken' in auth;

/** The secret of a login (password or token), for `scrub`: it must never reach a log or a message. */
export const loginSecret = (auth: IncomingAuth | null | undefined) => (!auth ? undefined : usesToken(auth) ? auth.accessToken : auth.password);

/**
 * The initial client response of SASL XOAUTH2 (Google's and Microsoft's format):
 * base64("user=" user ^A "auth=Bearer " token ^A ^A).
 */
export const xoauth2Response = ({ username, accessToken }: TokenCredentials) =>
  Buffer.from(`user=${username}\x01auth=Bearer ${accessToken}\x01\x01`, 'utf8').toString('base64');
