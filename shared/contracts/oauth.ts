/**
 * The OAuth2 Connect routes of an email server. Imports nothing, so it bundles anywhere.
 *
 * POST /email-server/servers/:documentId/oauth/start       {}            → { data: OAuthStartResult }
 * POST /email-server/oauth/callback                          OAuthCallback → { data: PublicServer }
 * POST /email-server/servers/:documentId/oauth/disconnect  {}            → { data: PublicServer }
 * GET  /email-server/oauth/redirect-uri                                   → { data: OAuthRedirectUri }
 */
export interface OAuthStartResult {
  /** Where to send the browser: the provider's consent page. */
  authorizeUrl: string;
}

/** What the provider put in the query string of the redirect to the callback page. */
export interface OAuthCallback {
  state: string;
  code?: string | null;
  error?: string | null;
  error_description?: string | null;
}

export interface OAuthRedirectUri {
  /** The URL to register with the provider as the app's redirect URI. */
  redirectUri: string;
}
