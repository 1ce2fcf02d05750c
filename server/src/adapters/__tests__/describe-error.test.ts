import { describeError, isMailProtocolReply, scrub } from '../describe-error';

const where = { host: 'mail.example.com', port: 587 };
const err = (message: string, fields: Record<string, unknown> = {}) => Object.assign(new Error(message), fields);

describe('describeError', () => {
  it('names an untrusted certificate by its code and says what to do', () => {
    expect(describeError(err('self signed', { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), where)).toBe(
      'Certificate not trusted on mail.example.com:587 (depth zero self signed cert). Fix the certificate, or turn off certificate verification for this server if you trust it.'
    );
  });

  it('finds the code in a wrapped cause, and in the message of a nodemailer socket error', () => {
    const wrapped = err('outer', { cause: err('inner', { code: 'CERT_HAS_EXPIRED' }) });
    expect(describeError(wrapped, where)).toMatch(/^Certificate not trusted on mail\.example\.com:587 \(cert has expired\)\./);
    expect(describeError(err('connect ECONNREFUSED 127.0.0.1:587', { code: 'ESOCKET' }), where)).toBe(
      'Connection refused on mail.example.com:587: is the server running and the port right?'
    );
  });

  it('says a host was not found by its name alone, without the port', () => {
    expect(describeError(err('getaddrinfo ENOTFOUND mail.example.com', { code: 'ENOTFOUND' }), where)).toBe('Host not found: mail.example.com.');
  });

  it('tells timeouts, unreachable hosts and dropped connections apart', () => {
    expect(describeError(err('Greeting never received', { code: 'ETIMEDOUT' }), where)).toBe('Connection timed out on mail.example.com:587.');
    expect(describeError(err('x', { code: 'EHOSTUNREACH' }), where)).toBe('No route to mail.example.com:587.');
    expect(describeError(err('x', { code: 'ECONNRESET' }), where)).toBe('The connection to mail.example.com:587 was closed unexpectedly.');
  });

  it('reports failed logins the same way for SMTP, IMAP and POP3', () => {
    const expected = 'Authentication failed on mail.example.com:587: check the username and password.';
    expect(describeError(err('Invalid login: 535 5.7.8 Error', { code: 'EAUTH', responseCode: 535 }), where)).toBe(expected);
    expect(describeError(err('Command failed', { authenticationFailed: true }), where)).toBe(expected);
    expect(describeError(err('PASS: -ERR [AUTH] Authentication failed.'), where)).toBe(expected);
  });

  it('explains a security setting that does not match the port', () => {
    expect(describeError(err('write EPROTO ...:ssl3_get_record:wrong version number'), where)).toMatch(
      /^TLS handshake failed on mail\.example\.com:587: the security setting probably does not match the port/
    );
    expect(describeError(err('Server does not support STARTTLS'), where)).toBe(
      'mail.example.com:587 does not offer STARTTLS; choose TLS or none as security.'
    );
  });

  it("never echoes another service's banner", () => {
    const banner = err('Invalid greeting', { code: 'EPROTOCOL', response: 'SSH-2.0-OpenSSH_9.2p1 Debian' });
    const text = describeError(banner, where);
    expect(text).toBe('mail.example.com:587 did not answer like a mail server: check the host, the port and the security setting.');
    expect(text).not.toContain('OpenSSH');
    expect(describeError(err('x', { response: 'HTTP/1.1 400 Bad Request', responseCode: 400 }), where)).not.toContain('HTTP');
  });

  it("repeats a mail server's own reply, at most 300 characters of it", () => {
    const reply = `550 5.7.1 ${'x'.repeat(400)}`;
    const text = describeError(err('Message failed', { response: reply, responseCode: 550 }), where);
    expect(text).toBe(`The server mail.example.com:587 answered: ${reply.slice(0, 300)}`);
  });

  it('falls back to the first line of the message and the target, never a stack', () => {
    const text = describeError(err('first line\n    at Object.<anonymous> (/srv/app.js:1:1)'), 'SendGrid');
    expect(text).toBe('first line (SendGrid)');
  });
});

describe('isMailProtocolReply', () => {
  it('knows SMTP, IMAP and POP3 replies from other banners', () => {
    for (const reply of ['220 mail.example.com ESMTP', '535-5.7.8 Bad', '* OK Dovecot ready.', 'A1 NO [AUTHENTICATIONFAILED]', '+OK POP3 ready', '-ERR no'])
      expect(isMailProtocolReply(reply)).toBe(true);
    for (const banner of ['SSH-2.0-OpenSSH_9.2', 'HTTP/1.1 400 Bad Request', '<html>', '600 nope'])
      expect(isMailProtocolReply(banner)).toBe(false);
  });
});

describe('scrub', () => {
  it('hides every occurrence of every secret, and leaves too-short ones alone', () => {
    expect(scrub('login hunter2 failed for hunter2 with tok-123', ['hunter2', 'tok-123', null, undefined, 'ab'])).toBe(
      'login *** failed for *** with ***'
    );
    expect(scrub('ab cd', ['ab'])).toBe('ab cd');
  });
});
