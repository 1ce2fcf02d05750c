import * as React from 'react';
import { Box, Button, Flex, Grid, Modal, Typography } from '@strapi/design-system';
import { Search } from '@strapi/icons';
import type { EmailServerInput } from '../../../../../shared/contracts/servers';
import { OTHER_PRESET_ID, PROVIDER_PRESETS, findPreset, presetValues } from '../../../../../shared/presets';
import { SelectField } from '../../../components/FormFields';
import { useDetectSettings, type DetectResult } from '../../../hooks/useDetect';
import { useNotify } from '../../../hooks/useNotify';
import { useT } from '../../../hooks/useT';
import { settingsToValues } from '../presetForm';
import type { FormValues } from '../serverValues';
import type { ServerFormState } from '../useServerForm';
import { useSharedLabels } from './labels';

/** The chosen provider (local to the form: it is not stored) and how to fill the form from settings. */
export const useProvider = (form: ServerFormState) => {
  const [id, setId] = React.useState('');
  const fill = (settings: Partial<EmailServerInput>) => {
    // Each field through the form's own setter: they are validated and count as touched.
    for (const [key, value] of Object.entries(settingsToValues(settings))) form.set(key as keyof FormValues)(value as never);
  };
  const choose = (next: string) => {
    setId(next);
    const preset = findPreset(next);
    if (preset) fill(presetValues(preset, form.values.senderEmail || undefined));
  };
  return { id, setId, choose, fill };
};
export type ProviderState = ReturnType<typeof useProvider>;

/** "Provider": fills hosts, ports, security and the auth method from a preset; all stay editable. */
export const ProviderSelect = ({ provider }: { provider: ProviderState }) => {
  const t = useT();
  const preset = findPreset(provider.id);
  return (
    <SelectField
      name="provider"
      label={t('field.provider', 'Provider')}
      value={provider.id}
      onChange={provider.choose}
      placeholder={t('provider.placeholder', 'Choose a provider to fill in its settings')}
      hint={preset ? preset.note : t('hint.provider', 'Fills in the hosts, ports, security and sign-in method; you can still change each one.')}
      options={[
        ...PROVIDER_PRESETS.map((p) => ({ value: p.id, label: p.label })),
        { value: OTHER_PRESET_ID, label: t('provider.other', 'Other') },
      ]}
    />
  );
};

const SHOWN: Array<[keyof EmailServerInput, string, string]> = [
  ['smtpHost', 'field.smtpHost', 'SMTP host'],
  ['smtpPort', 'field.smtpPort', 'SMTP port'],
  ['smtpSecurity', 'detect.smtpSecurity', 'SMTP security'],
  ['smtpAuthMethod', 'detect.smtpAuthMethod', 'SMTP sign-in'],
  ['smtpUsername', 'field.smtpUsername', 'SMTP username'],
  ['incomingProtocol', 'detect.incomingProtocol', 'Incoming protocol'],
  ['incomingHost', 'detect.incomingHost', 'Incoming host'],
  ['incomingPort', 'detect.incomingPort', 'Incoming port'],
  ['incomingSecurity', 'detect.incomingSecurity', 'Incoming security'],
  ['incomingAuthMethod', 'detect.incomingAuthMethod', 'Incoming sign-in'],
  ['incomingUsername', 'detect.incomingUsername', 'Incoming username'],
  ['oauthProvider', 'detect.oauthProvider', 'OAuth provider'],
];

const Proposal = ({ result }: { result: DetectResult }) => {
  const t = useT();
  const { security } = useSharedLabels();
  // The words the form's own selects use, not the stored codes.
  const shown = (key: keyof EmailServerInput, value: unknown) => {
    if (key === 'smtpSecurity' || key === 'incomingSecurity') return security.find((s) => s.value === value)?.label ?? String(value);
    if (key === 'smtpAuthMethod' || key === 'incomingAuthMethod') return value === 'oauth2' ? 'OAuth2' : t('detect.password', 'Password');
    if (key === 'incomingProtocol' || key === 'oauthProvider') return value === 'pop3' ? 'POP3' : value === 'imap' ? 'IMAP' : value === 'google' ? 'Google' : value === 'microsoft' ? 'Microsoft' : String(value);
    return String(value);
  };
  const rows = SHOWN.filter(([key]) => result.settings[key] !== undefined && result.settings[key] !== null);
  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      {rows.length > 0 ? (
        <Grid.Root gap={2} data-testid="detect-proposal">
          {rows.map(([key, id, fallback]) => (
            <React.Fragment key={key}>
              <Grid.Item col={5}>
                <Typography variant="omega" fontWeight="bold">
                  {t(id, fallback)}
                </Typography>
              </Grid.Item>
              <Grid.Item col={7}>
                <Typography variant="omega">{shown(key, result.settings[key])}</Typography>
              </Grid.Item>
            </React.Fragment>
          ))}
        </Grid.Root>
      ) : null}
      {result.notes.map((note) => (
        <Typography key={note} variant="pi" textColor="neutral600" tag="p">
          {note}
        </Typography>
      ))}
    </Flex>
  );
};

/** "Detect settings" from the sender address: the server's proposal, reviewed in a modal before it fills the form. */
export const DetectSettings = ({ form, provider }: { form: ServerFormState; provider: ProviderState }) => {
  const t = useT();
  const { failed } = useNotify();
  const detect = useDetectSettings();
  const [result, setResult] = React.useState<DetectResult | null>(null);
  const email = form.values.senderEmail.trim();

  const run = async () => {
    try {
      setResult(await detect.mutateAsync(email));
    } catch (error) {
      failed(error);
    }
  };
  const apply = () => {
    if (!result) return;
    provider.setId(result.presetId ?? OTHER_PRESET_ID);
    provider.fill(result.settings);
    setResult(null);
  };

  return (
    <Box paddingTop={6}>
      <Button type="button" variant="secondary" startIcon={<Search />} onClick={run} loading={detect.isLoading} disabled={!email}>
        {t('detect.button', 'Detect settings')}
      </Button>
      <Modal.Root open={result !== null} onOpenChange={(open: boolean) => (open ? undefined : setResult(null))}>
        <Modal.Content>
          <Modal.Header>
            <Modal.Title>{t('detect.title', 'Settings for {email}', { email })}</Modal.Title>
          </Modal.Header>
          <Modal.Body>{result ? <Proposal result={result} /> : null}</Modal.Body>
          <Modal.Footer>
            <Modal.Close>
              <Button type="button" variant="tertiary">
                {t('detect.cancel', 'Cancel')}
              </Button>
            </Modal.Close>
            {result?.source ? (
              <Button type="button" onClick={apply}>
                {t('detect.apply', 'Apply')}
              </Button>
            ) : null}
          </Modal.Footer>
        </Modal.Content>
      </Modal.Root>
    </Box>
  );
};
