/**
 * Whether a failed send is worth retrying, and whether the fault lies with the server (so every
 * recipient would fail the same way) rather than with one recipient.
 *
 * SMTP: a 4xx reply is transient, a 5xx reply to RCPT TO permanent for that recipient (RFC 5321
 * §4.2.1), a 5xx reply to anything else (sender, content, quota) a server problem; no reply at all
 * (refused, timed out, dropped) is transient and the server's fault. Authentication and
 * certificate failures are the server's fault and need a person: retrying cannot fix them.
 * SendGrid: 429 and 5xx are transient; 400 and 413 permanent for that request; 401/403 mean the
 * token is wrong, which needs a person.
 */
export interface Failure {
  transient: boolean;
  /** The server, not the recipient, is at fault. */
  serverFault: boolean;
  /** Nothing will work until a person fixes the server's settings. */
  needsPerson: boolean;
  /**
   * The server could not take the mail at all (no connection, TLS, login, a session-level 4xx),
   * so a fallback server may: never set for a reply about one recipient or one message.
   */
  failsOver?: boolean;
}

const NETWORK = /^(ECONNECTION|ETIMEDOUT|ESOCKET|ECONNRESET|ECONNREFUSED|EPIPE|EDNS|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEOUT|EPROTOCOL)$/;
// Node's TLS codes spell the words with underscores (DEPTH_ZERO_SELF_SIGNED_CERT, UNABLE_TO_VERIFY_LEAF_SIGNATURE).
const CERTIFICATE = /certificate|self[-_ ]signed|unable[_ ]to[_ ](verify|get)|altnames|CERT|TLS/i;

// The stages of an SMTP session before any sender or recipient is named.
const SESSION_COMMANDS = /^(CONN|EHLO|HELO|LHLO|STARTTLS|AUTH)/i;
// Errors from the operating system that mean no connection was ever made (so no mail began).
const NEVER_CONNECTED = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)$/;
// nodemailer's timeouts of the connection phases: connecting, the greeting, a TLS upgrade.
const SETUP_TIMEOUTS = /^(CONNECT_TIMEOUT|GREETING_TIMEOUT|UPGRADE_TIMEOUT)$/;

/**
 * Whether an SMTP failure moves the mail to the fallback server. Only when no mail transaction can
 * have started: a connection never made (refused, DNS, unreachable, a connect/greeting/TLS-upgrade
 * timeout), TLS, authentication, a refusal at the greeting, EHLO, STARTTLS or AUTH, 421 (closing
 * the session), or a 4xx to MAIL FROM. Never a reply to RCPT TO or DATA other than 421, nor a 5xx
 * to MAIL FROM (another server would only be asked to deliver what this one refused), and never a
 * plain socket timeout or unexpected close: nodemailer labels those `CONN` whatever the stage, and
 * the relay may have taken the final "." of DATA with its 250 lost. Those go to the normal retry,
 * or the fallback would send the mail a second time.
 */
const smtpFailsOver = (error: any): boolean => {
  const code = typeof error?.responseCode === 'number' ? error.responseCode : null;
  const command = String(error?.command ?? '');
  if (code === 421 || error?.code === 'EAUTH' || error?.code === 'ETLS' || error?.code === 'EDNS') return true;
  if (code !== null) return SESSION_COMMANDS.test(command) || (code < 500 && /^MAIL FROM/i.test(command));
  if (NEVER_CONNECTED.test(String(error?.originalCode ?? '')) || NEVER_CONNECTED.test(String(error?.code ?? ''))) return true;
  return error?.code === 'ETIMEDOUT' && SETUP_TIMEOUTS.test(String(error?.timeoutType ?? ''));
};

const classifySmtpBase = (error: any): Omit<Failure, 'failsOver'> => {
  const code = typeof error?.responseCode === 'number' ? error.responseCode : null;
  // No token for now (the OAuth provider timed out or failed): nodemailer calls it EAUTH, but no
  // login was refused; a later try gets a token. Only a refused grant ("reconnect") needs a person.
  if (error?.transientToken) return { transient: true, serverFault: true, needsPerson: false };
  if (error?.code === 'EAUTH' || code === 535 || code === 530 || code === 534) {
    return { transient: false, serverFault: true, needsPerson: true };
  }
  if (code !== null && code >= 400 && code < 500) {
    // 421: the server is closing the connection (overloaded, too many connections).
    return { transient: true, serverFault: code === 421, needsPerson: false };
  }
  if (code !== null && code >= 500) {
    // Only a refusal at RCPT TO is about this recipient. At MAIL FROM, DATA or the greeting the
    // relay refuses the sender, the content or the quota: every recipient would fail alike.
    const recipientOnly = /^RCPT/i.test(String(error?.command ?? ''));
    return recipientOnly ? { transient: false, serverFault: false, needsPerson: false } : { transient: false, serverFault: true, needsPerson: true };
  }
  if (error?.code === 'ETLS' || CERTIFICATE.test(String(error?.code ?? '')) || /certificate|self[- ]signed/i.test(String(error?.message ?? ''))) {
    return { transient: false, serverFault: true, needsPerson: true };
  }
  if (NETWORK.test(String(error?.code ?? '')) || /connection|socket|closed|timeout|timed out/i.test(String(error?.message ?? ''))) {
    return { transient: true, serverFault: true, needsPerson: false };
  }
  // Unknown: retry a bounded number of times rather than drop the recipient at once.
  return { transient: true, serverFault: true, needsPerson: false };
};

export const classifySmtpFailure = (error: any): Failure => {
  const failure = classifySmtpBase(error);
  return { ...failure, failsOver: smtpFailsOver(error) };
};

/**
 * SendGrid fails over only when it cannot have taken the batch: a bad token (401/403), throttling
 * (429), or no connection at all (refused, DNS). Not a 5xx or a client timeout: SendGrid may have
 * accepted the request (up to 1,000 recipients) before failing to answer.
 */
export const classifySendgridFailure = (error: any): Failure => {
  const status = error?.code ?? error?.response?.statusCode;
  if (status === 401 || status === 403) return { transient: false, serverFault: true, needsPerson: true, failsOver: true };
  if (status === 429) return { transient: true, serverFault: true, needsPerson: false, failsOver: true };
  if (typeof status === 'number' && status >= 500) return { transient: true, serverFault: true, needsPerson: false, failsOver: false };
  // A 400 or 413 is about this request's content, which a fallback would refuse too.
  if (typeof status === 'number' && status >= 400) return { transient: false, serverFault: false, needsPerson: false, failsOver: false };
  const neverConnected = NEVER_CONNECTED.test(String(error?.code ?? '')) || NEVER_CONNECTED.test(String(error?.cause?.code ?? ''));
  return { transient: true, serverFault: true, needsPerson: false, failsOver: neverConnected };
};
