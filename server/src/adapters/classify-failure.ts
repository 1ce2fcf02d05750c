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
}

const NETWORK = /^(ECONNECTION|ETIMEDOUT|ESOCKET|ECONNRESET|ECONNREFUSED|EPIPE|EDNS|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEOUT|EPROTOCOL)$/;
// Node's TLS codes spell the words with underscores (DEPTH_ZERO_SELF_SIGNED_CERT, UNABLE_TO_VERIFY_LEAF_SIGNATURE).
const CERTIFICATE = /certificate|self[-_ ]signed|unable[_ ]to[_ ](verify|get)|altnames|CERT|TLS/i;

export const classifySmtpFailure = (error: any): Failure => {
  const code = typeof error?.responseCode === 'number' ? error.responseCode : null;
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

export const classifySendgridFailure = (error: any): Failure => {
  const status = error?.code ?? error?.response?.statusCode;
  if (status === 401 || status === 403) return { transient: false, serverFault: true, needsPerson: true };
  if (status === 429 || (typeof status === 'number' && status >= 500)) return { transient: true, serverFault: true, needsPerson: false };
  if (typeof status === 'number' && status >= 400) return { transient: false, serverFault: false, needsPerson: false };
  return { transient: true, serverFault: true, needsPerson: false };
};
