/**
 * The built-in OAuth2 providers: their endpoints and the scopes each side needs.
 * Google: https://developers.google.com/identity/protocols/oauth2/web-server (mail over IMAP/SMTP
 * needs the full `https://mail.google.com/` scope; `access_type=offline` and `prompt=consent`
 * make it return a refresh token on every Connect, also a reconnect).
 * Microsoft: https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth
 * (the scopes carry the Outlook resource URL; `offline_access` gives the refresh token).
 */
import type { PluginConfig } from '../../config';
import { usesOAuth } from '../../../../shared/validation/servers';
import type { StoredServer } from './servers';

export interface ProviderEndpoints {
  authorizeUrl: string;
  tokenUrl: string;
  /** OpenID userinfo, for when the ID token does not name the account; null when none is known. */
  userinfoUrl: string | null;
}

type OAuthServer = Pick<
  StoredServer,
  'type' | 'smtpAuthMethod' | 'incomingAuthMethod' | 'incomingProtocol' | 'oauthProvider' | 'oauthTenant' | 'oauthAuthorizeUrl' | 'oauthTokenUrl' | 'oauthScopes'
>;

export const endpointsOf = (server: OAuthServer, config: PluginConfig['oauth']): ProviderEndpoints => {
  if (server.oauthProvider === 'google') {
    const own = config.endpoints?.google;
    return {
      authorizeUrl: own?.authorizeUrl ?? 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: own?.tokenUrl ?? 'https://oauth2.googleapis.com/token',
      userinfoUrl: own?.userinfoUrl ?? 'https://openidconnect.googleapis.com/v1/userinfo',
    };
  }
  if (server.oauthProvider === 'microsoft') {
    const own = config.endpoints?.microsoft;
    // The tenant is checked by the schema to be a plain name ([A-Za-z0-9._-]): safe in a path.
    const tenant = encodeURIComponent(server.oauthTenant || 'common');
    return {
      authorizeUrl: own?.authorizeUrl ?? `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/authorize`,
      tokenUrl: own?.tokenUrl ?? `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/token`,
      // Microsoft's userinfo wants a Graph token, not the Outlook one we hold: the ID token names the account.
      userinfoUrl: own?.userinfoUrl ?? null,
    };
  }
  return { authorizeUrl: server.oauthAuthorizeUrl ?? '', tokenUrl: server.oauthTokenUrl ?? '', userinfoUrl: null };
};

const MICROSOFT_SCOPES = {
  smtp: 'https://outlook.office.com/SMTP.Send',
  imap: 'https://outlook.office.com/IMAP.AccessAsUser.All',
  pop3: 'https://outlook.office.com/POP.AccessAsUser.All',
};

/** The scopes to ask for: the provider's for each side that logs in with OAuth2, or the custom list. */
export const scopesOf = (server: OAuthServer): string => {
  if (server.oauthProvider === 'google') return 'https://mail.google.com/ openid email';
  if (server.oauthProvider === 'microsoft') {
    const scopes: string[] = [];
    if (usesOAuth(server, 'outgoing')) scopes.push(MICROSOFT_SCOPES.smtp);
    if (usesOAuth(server, 'incoming')) scopes.push(server.incomingProtocol === 'pop3' ? MICROSOFT_SCOPES.pop3 : MICROSOFT_SCOPES.imap);
    return [...scopes, 'offline_access', 'openid', 'email'].join(' ');
  }
  return (server.oauthScopes ?? '').trim().split(/\s+/).join(' ');
};

/** Parameters a provider needs beyond RFC 6749's to hand out a refresh token. */
export const extraAuthorizeParams = (server: OAuthServer): Record<string, string> =>
  server.oauthProvider === 'google' ? { access_type: 'offline', prompt: 'consent' } : {};
