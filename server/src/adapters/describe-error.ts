/**
 * Turns a network, TLS, SMTP, IMAP, POP3 or SendGrid error into one sentence a person can act on.
 * Never includes a stack trace; callers scrub secrets from the result with `scrub`.
 */
const TLS_UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const findCode = (error: any): string | undefined => {
  for (let e = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code) && e.code !== 'ESOCKET' && e.code !== 'ECONNECTION') return e.code;
  }
  // nodemailer wraps socket errors as ESOCKET and keeps the system code only in the message.
  const fromMessage = /\b(ECONNREFUSED|ETIMEDOUT|ENOTFOUND|ECONNRESET|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE)\b/.exec(
    String(error?.message ?? '')
  );
  return fromMessage?.[1] ?? (typeof error?.code === 'string' ? error.code : undefined);
};

/**
 * A reply a mail server could have sent: an SMTP reply code, an IMAP status, a POP3 status.
 * Anything else is another service's banner and is not echoed back ("Test connection" must not
 * become a way to read what runs on some host and port).
 */
export const isMailProtocolReply = (text: string) =>
  /^[2-5]\d\d[ -]/.test(text) || /^(\* |[A-Za-z0-9.]+ )(OK|NO|BAD|BYE|PREAUTH)\b/.test(text) || /^[+-](OK|ERR)\b/.test(text);

const notAMailServer = (target: string) =>
  `${target} did not answer like a mail server: check the host, the port and the security setting.`;

/** Where the error happened; an `auth` with an access token makes a refused login read as OAuth2's. */
type Where = { host: string; port: number; auth?: object | null } | string;

export const describeError = (error: any, where: Where): string => {
  const target = typeof where === 'string' ? where : `${where.host}:${where.port}`;
  const oauth = typeof where !== 'string' && Boolean(where.auth && 'accessToken' in where.auth);
  const host = typeof where === 'string' ? where : where.host;
  const code = findCode(error);
  const message = String(error?.message ?? error ?? 'unknown error');
  // An OAuth2 token source's own words ("Needs attention: reconnect the account"), not a login refusal.
  if (error?.accessTokenProblem) return message.split('\n')[0].slice(0, 300);

  if (code && TLS_UNTRUSTED.has(code)) {
    return `Certificate not trusted on ${target} (${code.toLowerCase().replace(/_/g, ' ')}). Fix the certificate, or turn off certificate verification for this server if you trust it.`;
  }
  if (/self[- ]signed certificate|unable to verify|certificate has expired|altnames/i.test(message)) {
    return `Certificate not trusted on ${target}. Fix the certificate, or turn off certificate verification for this server if you trust it.`;
  }
  if (code === 'ECONNREFUSED') return `Connection refused on ${target}: is the server running and the port right?`;
  if (code === 'ETIMEDOUT' || code === 'ETIMEOUT' || /timed? ?out/i.test(message)) {
    return `Connection timed out on ${target}.`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EDNS') return `Host not found: ${host}.`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `No route to ${target}.`;
  if (code === 'ECONNRESET' || code === 'EPIPE') return `The connection to ${target} was closed unexpectedly.`;
  if (code === 'EAUTH' || error?.authenticationFailed || /auth(entication)? ?failed|invalid credentials|\[AUTHENTICATIONFAILED\]|-ERR.*(auth|password|login)/i.test(message)) {
    return oauth
      ? `Authentication failed on ${target}: the OAuth2 access token of the connected account was refused (is it the account of this mailbox, with mail access?).`
      : `Authentication failed on ${target}: check the username and password.`;
  }
  if (/Unsupported authentication mechanism/i.test(message)) {
    return `${target} offers no login method this server is set up for${oauth ? ' (OAuth2 needs XOAUTH2 or OAUTHBEARER)' : ''}.`;
  }
  if (/STARTTLS/i.test(message)) return `${target} does not offer STARTTLS; choose TLS or none as security.`;
  if (/wrong version number|packet length too long|unknown protocol/i.test(message)) {
    return `TLS handshake failed on ${target}: the security setting probably does not match the port (TLS for 465/993/995, STARTTLS for 587/143/110).`;
  }
  if (code === 'EPROTOCOL' || code === 'InvalidResponse' || code === 'ENOTMAIL') return notAMailServer(target);
  if (typeof error?.response === 'string' && !isMailProtocolReply(error.response)) return notAMailServer(target);
  if (typeof error?.responseCode === 'number') {
    return `The server ${target} answered: ${String(error.response ?? message).slice(0, 300)}`;
  }
  return `${message.split('\n')[0].slice(0, 300)} (${target})`;
};

/** Removes every occurrence of the given secrets from a text meant for a person or a log. */
export const scrub = (text: string, secrets: Array<string | null | undefined>) => {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 3) out = out.split(secret).join('***');
  }
  return out;
};
