import { NumberField, SecretField, SelectField, TextField, ToggleField } from '../../../components/FormFields';
import { Cell, Section } from '../../../components/Layout';
import { useT } from '../../../hooks/useT';
import type { ServerFormState } from '../useServerForm';
import { useSharedLabels } from './labels';

export const OutgoingSection = ({ form }: { form: ServerFormState }) => {
  const t = useT();
  const { secret, toggle, security, authMethods, oauthUsernameHint } = useSharedLabels();
  const { field, mustReenter, server, values } = form;
  const oauth = values.smtpAuthMethod === 'oauth2';
  return (
    <Section title={t('section.outgoing', 'Outgoing mail server')}>
      <Cell>
        <TextField
          {...field('smtpHost')}
          label={t('field.smtpHost', 'SMTP host')}
          required
          hint={t('hint.host', 'A hostname or IP address, without smtp:// or a port')}
        />
      </Cell>
      <Cell size={3}>
        <NumberField
          {...field('smtpPort')}
          label={t('field.smtpPort', 'SMTP port')}
          required
        />
      </Cell>
      <Cell size={3}>
        <SelectField
          {...field('smtpSecurity')}
          label={t('field.security', 'Security')}
          options={security}
        />
      </Cell>
      <Cell>
        <SelectField {...field('smtpAuthMethod')} label={t('field.smtpAuthMethod', 'Outgoing authentication')} options={authMethods} />
      </Cell>
      <Cell size={6} />
      <Cell>
        <TextField
          {...field('smtpUsername')}
          label={t('field.smtpUsername', 'SMTP username')}
          hint={oauth ? oauthUsernameHint : undefined}
          autoComplete="off"
        />
      </Cell>
      {oauth ? null : (
        <Cell>
          <SecretField
            {...field('smtpPassword')}
            label={t('field.smtpPassword', 'SMTP password')}
            isSet={Boolean(server?.smtpPasswordSet) && !mustReenter('smtpPassword')}
            labels={secret}
          />
        </Cell>
      )}
      <Cell>
        <ToggleField
          {...field('tlsRejectUnauthorized')}
          label={t('field.tlsRejectUnauthorized', 'Verify TLS certificates')}
          hint={t('hint.tlsRejectUnauthorized', 'Turn off only for a server with a self-signed certificate you trust')}
          {...toggle}
        />
      </Cell>
    </Section>
  );
};
