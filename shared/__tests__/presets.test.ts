import { PROVIDER_PRESETS, presetForDomain, presetForMx, presetValues } from '../presets';
import { emailServerSchema, normalizeServerInput } from '../validation/servers';

it('matches MX hosts label-wise, case-insensitively, ignoring the root dot', () => {
  expect(presetForMx('ASPMX.L.GOOGLE.COM.')?.id).toBe('google');
  expect(presetForMx('google.com')?.id).toBe('google');
  expect(presetForMx('mx.evilgoogle.com')).toBeUndefined();
  expect(presetForMx('contoso-com.mail.protection.outlook.com')?.id).toBe('microsoft365');
  expect(presetForDomain('Hotmail.com')?.id).toBe('outlook');
  expect(presetForDomain('example.com')).toBeUndefined();
});

it('gives every preset settings the shared schema accepts once a password or OAuth client is added', async () => {
  for (const preset of PROVIDER_PRESETS) {
    const values = presetValues(preset, 'jane@example.com');
    const body = {
      name: preset.label,
      senderEmail: 'jane@example.com',
      ...values,
      smtpUsername: values.smtpUsername ?? 'login',
      smtpPassword: 'secret',
      ...(values.incomingProtocol ? { incomingPassword: 'secret' } : {}),
      ...(values.oauthProvider ? { oauthClientId: 'client-id', oauthClientSecret: 'client-secret' } : {}),
    };
    const checked = await emailServerSchema.validate(body, { abortEarly: false });
    expect([preset.id, normalizeServerInput(checked as any).smtpHost]).toEqual([preset.id, preset.settings.smtpHost]);
  }
});
