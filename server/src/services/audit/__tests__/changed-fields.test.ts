import { changedFields } from '../server-events';

const stored = {
  id: 1,
  documentId: 'abc',
  nameKey: 'relay',
  name: 'Relay',
  type: 'smtp',
  senderEmail: 'news@example.com',
  senderName: null,
  replyTo: null,
  smtpHost: 'smtp.example.com',
  smtpPort: 587,
  smtpSecurity: 'starttls',
  smtpAuthMethod: 'password',
  smtpUsername: 'news',
  smtpPassword: 'v1:encrypted',
  incomingProtocol: null,
  isDefault: false,
  enabled: true,
  createdAt: '',
  updatedAt: '',
} as any;
const input = (patch: Record<string, unknown>) => ({ ...stored, smtpPassword: undefined, ...patch }) as any;

it('names nothing when the input is what is stored, even though a password is stored', () => {
  expect(changedFields(stored, input({}))).toEqual([]);
});

it('names a secret only when a new value is given, by its name', () => {
  expect(changedFields(stored, input({ smtpPassword: '' }))).toEqual([]);
  const changed = changedFields(stored, input({ smtpPassword: 'New-Secret-1', senderName: 'News' }));
  expect(changed).toEqual(['senderName', 'smtpPassword']);
  expect(JSON.stringify(changed)).not.toContain('New-Secret-1');
});

it('names the fields a type switch clears', () => {
  expect(changedFields(stored, input({ type: 'sendgrid', apiToken: 'SG.x' }))).toEqual(
    expect.arrayContaining(['type', 'apiToken', 'smtpHost', 'smtpPort', 'smtpUsername'])
  );
});
