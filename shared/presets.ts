/**
 * The mail providers people most often have, with the settings each one documents for mail
 * clients. The admin's "Provider" select fills the form from these, and "Detect settings" matches
 * an address's domain (or its MX hosts) against them. Every host and port here is the provider's
 * own published setting; a preset only proposes values, all stay editable.
 * Imports nothing but the contract types, so both halves bundle it.
 */
import type { EmailServerInput } from './contracts/servers';

/** The fields a preset fills; usernames are filled with the address when `usernameIsAddress`. */
export type PresetSettings = Pick<
  EmailServerInput,
  | 'smtpHost'
  | 'smtpPort'
  | 'smtpSecurity'
  | 'smtpAuthMethod'
  | 'incomingProtocol'
  | 'incomingHost'
  | 'incomingPort'
  | 'incomingSecurity'
  | 'incomingAuthMethod'
  | 'oauthProvider'
>;

export interface ProviderPreset {
  id: string;
  label: string;
  /** Address domains that are this provider's own (gmail.com). */
  domains: string[];
  /** MX hosts ending in one of these mean the domain's mail is hosted here (aspmx.l.google.com → google.com). */
  mxSuffixes: string[];
  settings: PresetSettings;
  /** Whether the login is the full email address (false: an SMTP key or token the provider issues). */
  usernameIsAddress: boolean;
  /** What a person must know before it works: app passwords, regions, tokens. */
  note: string;
}

const IMAP_TLS = { incomingProtocol: 'imap', incomingPort: 993, incomingSecurity: 'tls', incomingAuthMethod: 'password' } as const;
const NO_INCOMING = { incomingProtocol: null, incomingHost: null, incomingPort: null, incomingSecurity: null, incomingAuthMethod: null } as const;
const PASSWORD = { smtpAuthMethod: 'password', oauthProvider: null } as const;

export const PROVIDER_PRESETS: readonly ProviderPreset[] = [
  {
    id: 'google',
    label: 'Gmail / Google Workspace',
    domains: ['gmail.com', 'googlemail.com'],
    mxSuffixes: ['google.com', 'googlemail.com'],
    settings: {
      smtpHost: 'smtp.gmail.com',
      smtpPort: 465,
      smtpSecurity: 'tls',
      smtpAuthMethod: 'oauth2',
      ...IMAP_TLS,
      incomingHost: 'imap.gmail.com',
      incomingAuthMethod: 'oauth2',
      oauthProvider: 'google',
    },
    usernameIsAddress: true,
    note: 'Google accepts passwords only as app passwords (with 2-Step Verification on): connect the account with OAuth2, or choose "Password" and enter an app password. IMAP must be enabled in Gmail\'s settings (and allowed by the Workspace admin).',
  },
  {
    id: 'microsoft365',
    label: 'Microsoft 365 (work or school)',
    domains: [],
    mxSuffixes: ['mail.protection.outlook.com'],
    settings: {
      smtpHost: 'smtp.office365.com',
      smtpPort: 587,
      smtpSecurity: 'starttls',
      smtpAuthMethod: 'oauth2',
      ...IMAP_TLS,
      incomingHost: 'outlook.office365.com',
      incomingAuthMethod: 'oauth2',
      oauthProvider: 'microsoft',
    },
    usernameIsAddress: true,
    note: 'Exchange Online has turned basic authentication off for IMAP and POP and is retiring it for SMTP AUTH: connect the account with OAuth2. SMTP AUTH must be enabled for the mailbox.',
  },
  {
    id: 'outlook',
    label: 'Outlook.com / Hotmail',
    domains: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com'],
    mxSuffixes: [],
    settings: {
      smtpHost: 'smtp-mail.outlook.com',
      smtpPort: 587,
      smtpSecurity: 'starttls',
      smtpAuthMethod: 'oauth2',
      ...IMAP_TLS,
      incomingHost: 'outlook.office365.com',
      incomingAuthMethod: 'oauth2',
      oauthProvider: 'microsoft',
    },
    usernameIsAddress: true,
    note: 'Outlook.com requires OAuth2 (basic authentication is being removed): connect the account. POP and IMAP access are off by default and must be turned on in Outlook.com\'s settings.',
  },
  {
    id: 'yahoo',
    label: 'Yahoo Mail',
    domains: ['yahoo.com', 'ymail.com', 'rocketmail.com'],
    mxSuffixes: ['yahoodns.net'],
    settings: { smtpHost: 'smtp.mail.yahoo.com', smtpPort: 465, smtpSecurity: 'tls', ...PASSWORD, ...IMAP_TLS, incomingHost: 'imap.mail.yahoo.com' },
    usernameIsAddress: true,
    note: 'Yahoo needs an app password (Account security → Generate app password); the account password does not work.',
  },
  {
    id: 'icloud',
    label: 'iCloud Mail',
    domains: ['icloud.com', 'me.com', 'mac.com'],
    mxSuffixes: ['mail.icloud.com'],
    settings: { smtpHost: 'smtp.mail.me.com', smtpPort: 587, smtpSecurity: 'starttls', ...PASSWORD, ...IMAP_TLS, incomingHost: 'imap.mail.me.com' },
    usernameIsAddress: true,
    note: 'iCloud needs an app-specific password (appleid.apple.com → App-Specific Passwords). iCloud offers IMAP, not POP.',
  },
  {
    id: 'zoho',
    label: 'Zoho Mail',
    domains: ['zoho.com', 'zohomail.com'],
    mxSuffixes: ['zoho.com'],
    settings: { smtpHost: 'smtp.zoho.com', smtpPort: 465, smtpSecurity: 'tls', ...PASSWORD, ...IMAP_TLS, incomingHost: 'imap.zoho.com' },
    usernameIsAddress: true,
    note: 'Accounts on your own domain use smtppro.zoho.com and imappro.zoho.com; accounts in the EU or India data centres use .eu or .in instead of .com. IMAP access must be enabled in Zoho\'s settings; with two-factor authentication use an application-specific password.',
  },
  {
    id: 'fastmail',
    label: 'Fastmail',
    domains: ['fastmail.com', 'fastmail.fm'],
    mxSuffixes: ['messagingengine.com'],
    settings: { smtpHost: 'smtp.fastmail.com', smtpPort: 465, smtpSecurity: 'tls', ...PASSWORD, ...IMAP_TLS, incomingHost: 'imap.fastmail.com' },
    usernameIsAddress: true,
    note: 'Fastmail needs an app password for IMAP, POP and SMTP; the account password does not work.',
  },
  {
    id: 'ses',
    label: 'Amazon SES',
    domains: [],
    mxSuffixes: [],
    settings: { smtpHost: 'email-smtp.us-east-1.amazonaws.com', smtpPort: 587, smtpSecurity: 'starttls', ...PASSWORD, ...NO_INCOMING },
    usernameIsAddress: false,
    note: 'The host is region-specific: email-smtp.<region>.amazonaws.com (us-east-1 shown). Use the SMTP credentials created in the SES console for that region, not your AWS keys. Sending only.',
  },
  {
    id: 'mailgun',
    label: 'Mailgun',
    domains: [],
    mxSuffixes: [],
    settings: { smtpHost: 'smtp.mailgun.org', smtpPort: 587, smtpSecurity: 'starttls', ...PASSWORD, ...NO_INCOMING },
    usernameIsAddress: false,
    note: 'Domains in Mailgun\'s EU region use smtp.eu.mailgun.org. Use the SMTP credentials of the sending domain (such as postmaster@mg.example.com), not the control panel password. Sending only.',
  },
  {
    id: 'postmark',
    label: 'Postmark',
    domains: [],
    mxSuffixes: [],
    settings: { smtpHost: 'smtp.postmarkapp.com', smtpPort: 587, smtpSecurity: 'starttls', ...PASSWORD, ...NO_INCOMING },
    usernameIsAddress: false,
    note: 'Enter the Server API Token as both the username and the password. Broadcast streams use smtp-broadcasts.postmarkapp.com. Sending only.',
  },
  {
    id: 'brevo',
    label: 'Brevo',
    domains: [],
    mxSuffixes: [],
    settings: { smtpHost: 'smtp-relay.brevo.com', smtpPort: 587, smtpSecurity: 'starttls', ...PASSWORD, ...NO_INCOMING },
    usernameIsAddress: false,
    note: 'Use the SMTP login and an SMTP key from Settings → SMTP & API (not an API key). Sending only.',
  },
];

/** "Other": nothing is filled in; the form keeps what it has. */
export const OTHER_PRESET_ID = 'other';

export const findPreset = (id: string): ProviderPreset | undefined => PROVIDER_PRESETS.find((p) => p.id === id);

/** A DNS name compared as DNS does: case-insensitive, without the root dot. */
export const normalizeDomain = (name: string) => name.trim().toLowerCase().replace(/\.$/, '');

export const presetForDomain = (domain: string): ProviderPreset | undefined => {
  const d = normalizeDomain(domain);
  return PROVIDER_PRESETS.find((p) => p.domains.includes(d));
};

/** The preset whose MX suffix `mxHost` is or ends in (label-wise: evilgoogle.com is not google.com). */
export const presetForMx = (mxHost: string): ProviderPreset | undefined => {
  const host = normalizeDomain(mxHost);
  return PROVIDER_PRESETS.find((p) => p.mxSuffixes.some((s) => host === s || host.endsWith(`.${s}`)));
};

/** The form fields a preset sets for `email` (its username, when the login is the address). */
export const presetValues = (preset: ProviderPreset, email?: string): Partial<EmailServerInput> => {
  const values: Partial<EmailServerInput> = { type: 'smtp', ...preset.settings };
  if (preset.usernameIsAddress && email) {
    values.smtpUsername = email;
    if (preset.settings.incomingProtocol) values.incomingUsername = email;
  }
  return values;
};
