import type { EmailServerInput } from '../../contracts/servers';
import { isValidAddress, isValidHost } from '../fields';
import { emailServerSchema, normalizeServerInput } from '../servers';

describe('isValidAddress', () => {
  it.each(['a@example.com', 'first.last+tag@sub.example.co.uk', "o'brien@example.ie", 'x_y-z@ex-ample.org'])(
    'accepts %s',
    (value) => expect(isValidAddress(value)).toBe(true)
  );
  it.each([
    'plain',
    '@example.com',
    'a@',
    'a@localhost',
    'a..b@example.com',
    'a@example.com\r\nBcc: b@example.org',
    'Name <a@example.com>',
    '"quoted"@example.com',
    'a@example.com, b@example.com',
    'a b@example.com',
    'a@exa mple.com',
  ])('rejects %j', (value) => expect(isValidAddress(value)).toBe(false));
});

describe('isValidHost', () => {
  it.each(['smtp.example.com', 'localhost', '127.0.0.1', '::1', '2001:db8::25', 'mail-1.example.com.'])(
    'accepts %s',
    (value) => expect(isValidHost(value)).toBe(true)
  );
  it.each(['smtp://smtp.example.com', 'smtp.example.com:25', 'has space.com', '256.0.0.1', '-bad.example.com', 'a/b', ''])(
    'rejects %j',
    (value) => expect(isValidHost(value)).toBe(false)
  );
});

describe('emailServerSchema context', () => {
  const smtp = { name: 'x', type: 'smtp', senderEmail: 'a@example.com', smtpHost: 'h', smtpPort: 25, smtpUsername: 'u' };

  it('needs a password for a username unless one is stored', async () => {
    const error = await emailServerSchema.validate(smtp, { abortEarly: false }).catch((e) => e);
    expect(error.inner.map((e: any) => e.path)).toEqual(['smtpPassword']);
    await expect(
      emailServerSchema.validate(smtp, { abortEarly: false, context: { stored: { smtpPassword: true } } })
    ).resolves.toBeTruthy();
  });
});

describe('normalizeServerInput', () => {
  it('nulls the SMTP and incoming fields of a SendGrid server', () => {
    const out = normalizeServerInput({
      name: 'x',
      type: 'sendgrid',
      senderEmail: 'a@example.com',
      apiToken: 't',
      smtpHost: 'h',
      smtpPort: 25,
      incomingProtocol: 'imap',
    } as EmailServerInput);
    expect(out).toMatchObject({ apiToken: 't', smtpHost: null, smtpPort: null, incomingProtocol: null });
  });

  it('fills security defaults from the ports and the IMAP folder', () => {
    const out = normalizeServerInput({
      name: 'x',
      type: 'smtp',
      senderEmail: 'a@example.com',
      apiToken: 't',
      smtpHost: 'h',
      smtpPort: 465,
      incomingProtocol: 'imap',
      incomingHost: 'h',
      incomingPort: 143,
      incomingUsername: 'u',
    } as EmailServerInput);
    expect(out).toMatchObject({ apiToken: null, smtpSecurity: 'tls', incomingSecurity: 'starttls', incomingFolder: 'INBOX' });
  });
});
