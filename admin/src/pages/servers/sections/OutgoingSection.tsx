import { NumberField, SecretField, SelectField, TextField, ToggleField } from '../../../components/FormFields';
import { Cell, Section } from '../../../components/Layout';
import { useT } from '../../../hooks/useT';
import type { ServerFormState } from '../useServerForm';
import { useSharedLabels } from './labels';

export const OutgoingSection = ({ form }: { form: ServerFormState }) => {
  const t = useT();
  const { secret, toggle, security } = useSharedLabels();
  const { server, values, set, shown, mustReenter } = form;
  return (
    <Section title={t('section.outgoing', 'Outgoing mail server')}>
      <Cell>
        <TextField
          name="smtpHost"
          label={t('field.smtpHost', 'SMTP host')}
          required
          value={values.smtpHost}
          onChange={set('smtpHost')}
          error={shown('smtpHost')}
          hint={t('hint.host', 'A hostname or IP address, without smtp:// or a port')}
        />
      </Cell>
      <Cell size={3}>
        <NumberField
          name="smtpPort"
          label={t('field.smtpPort', 'SMTP port')}
          required
          value={values.smtpPort}
          onChange={set('smtpPort')}
          error={shown('smtpPort')}
        />
      </Cell>
      <Cell size={3}>
        <SelectField
          name="smtpSecurity"
          label={t('field.security', 'Security')}
          value={values.smtpSecurity}
          onChange={set('smtpSecurity')}
          options={security}
          error={shown('smtpSecurity')}
        />
      </Cell>
      <Cell>
        <TextField
          name="smtpUsername"
          label={t('field.smtpUsername', 'SMTP username')}
          autoComplete="off"
          value={values.smtpUsername}
          onChange={set('smtpUsername')}
          error={shown('smtpUsername')}
        />
      </Cell>
      <Cell>
        <SecretField
          name="smtpPassword"
          label={t('field.smtpPassword', 'SMTP password')}
          isSet={Boolean(server?.smtpPasswordSet) && !mustReenter('smtpPassword')}
          labels={secret}
          value={values.smtpPassword}
          onChange={set('smtpPassword')}
          error={shown('smtpPassword')}
        />
      </Cell>
      <Cell>
        <ToggleField
          name="tlsRejectUnauthorized"
          label={t('field.tlsRejectUnauthorized', 'Verify TLS certificates')}
          hint={t('hint.tlsRejectUnauthorized', 'Turn off only for a server with a self-signed certificate you trust')}
          checked={values.tlsRejectUnauthorized}
          onChange={set('tlsRejectUnauthorized')}
          {...toggle}
        />
      </Cell>
    </Section>
  );
};
