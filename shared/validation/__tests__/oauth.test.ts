import type { EmailServerInput } from '../../contracts/servers';
import { clientSecretChange, emailServerSchema, oauthConnectionChange } from '../servers';

const base: EmailServerInput = {
  name: 'Workspace',
  type: 'smtp',
  senderEmail: 'agent@example.com',
  smtpHost: 'smtp.office365.com',
  smtpPort: 587,
  smtpAuthMethod: 'oauth2',
  incomingProtocol: 'imap',
  incomingHost: 'outlook.office365.com',
  incomingPort: 993,
  incomingUsername: 'agent@example.com',
  incomingPassword: 'imap-password',
  incomingAuthMethod: 'password',
  oauthProvider: 'microsoft',
  oauthClientId: 'app-id',
  oauthTenant: null,
};
const next = (patch: Partial<EmailServerInput>) => ({ ...base, ...patch });

describe('oauthConnectionChange: when the connected account no longer applies', () => {
  it.each<[string, Partial<EmailServerInput>, string | null]>([
    ['nothing of the connection', { senderName: 'Agents' }, null],
    ['the default tenant written out', { oauthTenant: 'COMMON' }, null],
    ['the password side\'s host', { incomingHost: 'imap.example.com' }, null],
    ['the client id', { oauthClientId: 'other-app' }, 'client id'],
    ['the tenant', { oauthTenant: 'contoso.onmicrosoft.com' }, 'tenant'],
    ['the provider', { oauthProvider: 'google' }, 'provider'],
    ['the OAuth2 side\'s host', { smtpHost: 'smtp.example.com' }, 'host'],
    ['the OAuth2 side\'s port', { smtpPort: 465 }, 'port'],
    ['the certificate check turned off', { tlsRejectUnauthorized: false }, 'certificate check'],
    ['another side using OAuth2 (other scopes)', { incomingAuthMethod: 'oauth2' }, 'login method'],
    ['no side using OAuth2', { smtpAuthMethod: 'password' }, 'login method'],
  ])('%s', (_what, patch, expected) => expect(oauthConnectionChange(next(patch), base)).toBe(expected));

  it('keeps the account when the certificate check is turned on (only safer)', () => {
    const unchecked = next({ tlsRejectUnauthorized: false });
    expect(oauthConnectionChange({ ...unchecked, tlsRejectUnauthorized: true }, unchecked)).toBeNull();
  });

  it('compares custom scopes as a list of words', () => {
    const custom = next({ oauthProvider: 'custom', oauthAuthorizeUrl: 'https://id.example.com/a', oauthTokenUrl: 'https://id.example.com/t', oauthScopes: 'mail openid' });
    expect(oauthConnectionChange({ ...custom, oauthScopes: ' mail   openid ' }, custom)).toBeNull();
    expect(oauthConnectionChange({ ...custom, oauthScopes: 'mail' }, custom)).toBe('scopes');
    expect(oauthConnectionChange({ ...custom, oauthAuthorizeUrl: 'https://evil.example.com/a' }, custom)).toBe('authorization URL');
  });
});

describe('the client secret follows its token endpoint', () => {
  it('names what changed', () => {
    expect(clientSecretChange(next({ oauthTenant: 'contoso.onmicrosoft.com' }), base)).toBe('tenant');
    expect(clientSecretChange(next({ smtpHost: 'smtp.example.com' }), base)).toBeNull();
  });

  it('asks for it again when a custom provider\'s authorize URL moves (a phishing page would get the consent)', async () => {
    const custom = next({ oauthProvider: 'custom', oauthAuthorizeUrl: 'https://login.example.com/authorize', oauthTokenUrl: 'https://login.example.com/token', oauthScopes: 'mail' });
    const phished = { ...custom, oauthAuthorizeUrl: 'https://login.example.net/authorize' };
    expect(clientSecretChange(phished, custom)).toBe('authorization URL');
    const context = { stored: { oauthClientSecret: true }, original: custom };
    await expect(emailServerSchema.validate(phished, { abortEarly: false, context })).rejects.toMatchObject({
      inner: [expect.objectContaining({ path: 'oauthClientSecret', message: 'Re-enter the client secret: the OAuth authorization URL changed.' })],
    });
  });

  it('is required with an OAuth2 side, and asked again in the form after the tenant changed', async () => {
    await expect(emailServerSchema.validate(base, { abortEarly: false })).rejects.toMatchObject({ inner: [expect.objectContaining({ path: 'oauthClientSecret', message: 'This field is required.' })] });
    const context = { stored: { oauthClientSecret: true }, original: base };
    await expect(emailServerSchema.validate(base, { abortEarly: false, context })).resolves.toBeTruthy();
    await expect(emailServerSchema.validate(next({ oauthTenant: 'contoso.onmicrosoft.com' }), { abortEarly: false, context })).rejects.toMatchObject({
      inner: [expect.objectContaining({ path: 'oauthClientSecret', message: 'Re-enter the client secret: the OAuth tenant changed.' })],
    });
    await expect(emailServerSchema.validate(next({ oauthTenant: 'contoso.onmicrosoft.com', oauthClientSecret: 'new' }), { abortEarly: false, context })).resolves.toBeTruthy();
  });
});
