import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { StoredServer } from './servers';

/** An access token for a server's connected account, and the login (the account) it is for. */
export interface OAuthAccess {
  user: string;
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * OAuth2 for XOAUTH2 logins. CONTRACT STUB: the OAuth helper builds the authorization-code flow
 * with PKCE (start / callback / disconnect) and the token refresh behind `accessToken`.
 */
const oauthService = ({ strapi: _strapi }: { strapi: Core.Strapi }) => ({
  /**
   * A valid access token for this server's connected account: the stored one while it has more
   * than `oauth.refreshMarginSeconds` left, else a refreshed one (stored encrypted, shared by
   * every instance). `renew` refreshes even so, after a server refused the token. Throws an
   * ApplicationError ("Needs attention: reconnect the account ...") when the server has no
   * connected account or its refresh failed for good (invalid_grant); that marks the server and
   * nothing retries in a loop.
   */
  async accessToken(_server: StoredServer, _options: { renew?: boolean } = {}): Promise<OAuthAccess> {
    throw new errors.ApplicationError('OAuth2 is not available yet.');
  },
});

export type OAuthService = ReturnType<typeof oauthService>;
export default oauthService;
