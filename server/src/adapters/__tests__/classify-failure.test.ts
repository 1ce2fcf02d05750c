import { classifySendgridFailure as sendgridFull, classifySmtpFailure as smtpFull, type Failure } from '../classify-failure';

// The retry and blame half; whether the mail fails over is checked in its own block below.
const retryHalf = ({ failsOver: _failsOver, ...rest }: Failure) => rest;
const classifySmtpFailure = (error: unknown) => retryHalf(smtpFull(error));
const classifySendgridFailure = (error: unknown) => retryHalf(sendgridFull(error));

/** Errors shaped the way nodemailer reports them (code, responseCode, command). */
const smtp = (fields: Record<string, unknown>) => Object.assign(new Error(String(fields.message ?? 'failed')), fields);

const retryOnServer = { transient: true, serverFault: true, needsPerson: false };
const person = { transient: false, serverFault: true, needsPerson: true };

describe('classifySmtpFailure', () => {
  it('a 5xx reply to RCPT TO fails only that recipient, for good', () => {
    expect(classifySmtpFailure(smtp({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' }))).toEqual({
      transient: false,
      serverFault: false,
      needsPerson: false,
    });
  });

  it('a 5xx reply to MAIL FROM or DATA is the server refusing every recipient alike', () => {
    expect(classifySmtpFailure(smtp({ code: 'EENVELOPE', responseCode: 550, command: 'MAIL FROM' }))).toEqual(person);
    expect(classifySmtpFailure(smtp({ code: 'EMESSAGE', responseCode: 552, command: 'DATA' }))).toEqual(person);
  });

  it('a 4xx reply is retried; only 421 (closing the connection) blames the server', () => {
    expect(classifySmtpFailure(smtp({ responseCode: 450, command: 'RCPT TO' }))).toEqual({
      transient: true,
      serverFault: false,
      needsPerson: false,
    });
    expect(classifySmtpFailure(smtp({ responseCode: 421, command: 'MAIL FROM' }))).toEqual(retryOnServer);
  });

  it('a refused login needs a person, whether told by code or by reply', () => {
    expect(classifySmtpFailure(smtp({ code: 'EAUTH' }))).toEqual(person);
    for (const responseCode of [530, 534, 535]) expect(classifySmtpFailure(smtp({ responseCode }))).toEqual(person);
  });

  it('an untrusted certificate needs a person; retrying cannot fix it', () => {
    expect(classifySmtpFailure(smtp({ code: 'ETLS' }))).toEqual(person);
    expect(classifySmtpFailure(smtp({ code: 'CERT_HAS_EXPIRED' }))).toEqual(person);
    expect(classifySmtpFailure(smtp({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }))).toEqual(person);
    expect(classifySmtpFailure(smtp({ code: 'ESOCKET', message: 'self-signed certificate' }))).toEqual(person);
    // Node's own codes, as a TLS socket reports them without a message nodemailer rewrote.
    for (const code of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']) {
      expect(classifySmtpFailure(smtp({ code }))).toEqual(person);
    }
  });

  it('no reply at all (refused, reset, timed out) is retried and blames the server', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ECONNECTION', 'EDNS']) {
      expect(classifySmtpFailure(smtp({ code }))).toEqual(retryOnServer);
    }
    expect(classifySmtpFailure(smtp({ message: 'Connection closed unexpectedly' }))).toEqual(retryOnServer);
  });

  it('an unknown error is retried rather than dropping the recipient at once', () => {
    expect(classifySmtpFailure(new Error('something odd'))).toEqual(retryOnServer);
    expect(classifySmtpFailure(undefined)).toEqual(retryOnServer);
  });
});

describe('classifySendgridFailure', () => {
  // @sendgrid/client rejects with the HTTP status in `code` and the response beside it.
  const sendgrid = (status: number) => Object.assign(new Error(`HTTP ${status}`), { code: status, response: { statusCode: status } });

  it('a wrong or unauthorised token needs a person', () => {
    expect(classifySendgridFailure(sendgrid(401))).toEqual(person);
    expect(classifySendgridFailure(sendgrid(403))).toEqual(person);
  });

  it('429 and 5xx are retried', () => {
    for (const status of [429, 500, 502, 503]) expect(classifySendgridFailure(sendgrid(status))).toEqual(retryOnServer);
  });

  it('another 4xx is permanent for that request, and not the server at fault', () => {
    for (const status of [400, 413]) {
      expect(classifySendgridFailure(sendgrid(status))).toEqual({ transient: false, serverFault: false, needsPerson: false });
    }
  });

  it('reads the status from the response when the error has no code', () => {
    expect(classifySendgridFailure({ response: { statusCode: 401 } })).toEqual(person);
  });

  it('no status at all (the network) is retried', () => {
    expect(classifySendgridFailure(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toEqual(retryOnServer);
  });
});

describe('failsOver: whether the fallback server may take the mail', () => {
  const failsOver = (fields: Record<string, unknown>) => smtpFull(smtp(fields)).failsOver;

  it('the server could not take the mail: no connection, TLS, login, a refused session', () => {
    expect(failsOver({ code: 'ESOCKET', originalCode: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1', command: 'CONN' })).toBe(true);
    expect(failsOver({ code: 'EDNS', originalCode: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND smtp.invalid', command: 'CONN' })).toBe(true);
    expect(failsOver({ code: 'ETIMEDOUT', timeoutType: 'CONNECT_TIMEOUT', message: 'Connection timeout', command: 'CONN' })).toBe(true);
    expect(failsOver({ code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT', message: 'Greeting never received', command: 'CONN' })).toBe(true);
    expect(failsOver({ code: 'ETLS', message: 'Error upgrading connection with STARTTLS', command: 'STARTTLS' })).toBe(true);
    expect(failsOver({ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' })).toBe(true);
    expect(failsOver({ code: 'EAUTH', responseCode: 454, command: 'AUTH PLAIN' })).toBe(true);
    expect(failsOver({ code: 'EPROTOCOL', responseCode: 421, command: 'CONN' })).toBe(true);
    expect(failsOver({ code: 'EPROTOCOL', responseCode: 554, command: 'CONN' })).toBe(true);
    expect(failsOver({ code: 'EENVELOPE', responseCode: 451, command: 'MAIL FROM' })).toBe(true);
    expect(failsOver({ code: 'EENVELOPE', responseCode: 421, command: 'RCPT TO' })).toBe(true);
  });

  it('never a refusal of one recipient, sender or message', () => {
    expect(failsOver({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' })).toBe(false);
    expect(failsOver({ code: 'EENVELOPE', responseCode: 450, command: 'RCPT TO' })).toBe(false);
    expect(failsOver({ code: 'EMESSAGE', responseCode: 552, command: 'DATA' })).toBe(false);
    expect(failsOver({ code: 'EMESSAGE', responseCode: 451, command: 'DATA' })).toBe(false);
    expect(failsOver({ code: 'EENVELOPE', responseCode: 550, command: 'MAIL FROM' })).toBe(false);
  });

  it('never a socket timeout or close once the session started: the relay may have taken the mail', () => {
    // nodemailer labels these CONN whatever the stage, also after the final "." of DATA.
    expect(failsOver({ code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT', message: 'Timeout', command: 'CONN' })).toBe(false);
    expect(failsOver({ code: 'ECONNECTION', message: 'Connection closed unexpectedly', command: 'CONN' })).toBe(false);
    expect(failsOver({ code: 'ESOCKET', originalCode: 'ECONNRESET', message: 'read ECONNRESET', command: 'CONN' })).toBe(false);
  });

  it('SendGrid: a bad token, throttling, no connection fail over; a refused request, a 5xx or a timeout do not', () => {
    expect(sendgridFull({ code: 401 }).failsOver).toBe(true);
    expect(sendgridFull({ code: 429 }).failsOver).toBe(true);
    expect(sendgridFull({ code: 'ECONNREFUSED' }).failsOver).toBe(true);
    expect(sendgridFull({ code: 'ENOTFOUND' }).failsOver).toBe(true);
    // SendGrid may have accepted the batch before failing to answer.
    expect(sendgridFull({ code: 503 }).failsOver).toBe(false);
    expect(sendgridFull({ code: 'ETIMEDOUT' }).failsOver).toBe(false);
    expect(sendgridFull({ code: 'ECONNRESET' }).failsOver).toBe(false);
    expect(sendgridFull({ code: 400 }).failsOver).toBe(false);
    expect(sendgridFull({ code: 413 }).failsOver).toBe(false);
  });
});

describe('an OAuth2 token that could not be had for now', () => {
  it('is retried, not a refused login: nodemailer calls it EAUTH, yet no person is needed', () => {
    const wrapped = smtp({ code: 'EAUTH', command: 'AUTH XOAUTH2', transientToken: true, message: '"Workspace" could not renew its OAuth access token: HTTP 503' });
    expect(classifySmtpFailure(wrapped)).toEqual(retryOnServer);
    // "Reconnect the account" (invalid_grant) still needs one.
    expect(classifySmtpFailure(smtp({ code: 'EAUTH', command: 'AUTH XOAUTH2', transientToken: false }))).toEqual(person);
  });
});
