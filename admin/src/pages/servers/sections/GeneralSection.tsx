import { SelectField, TextField, ToggleField } from '../../../components/FormFields';
import { Cell, Section } from '../../../components/Layout';
import { useT } from '../../../hooks/useT';
import type { FormValues } from '../serverValues';
import type { ServerFormState } from '../useServerForm';
import { useSharedLabels } from './labels';
import { DetectSettings, ProviderSelect, useProvider } from './ProviderPicker';

export const GeneralSection = ({ form, canSetDefault }: { form: ServerFormState; canSetDefault: boolean }) => {
  const t = useT();
  const { toggle } = useSharedLabels();
  const { field, set } = form;
  const provider = useProvider(form);
  const smtp = form.values.type === 'smtp';
  return (
    <Section title={t('section.general', 'Server')}>
      <Cell>
        <TextField {...field('name')} label={t('field.name', 'Name')} required />
      </Cell>
      <Cell>
        <SelectField
          {...field('type')}
          label={t('field.type', 'Server type')}
          required
          onChange={(v) => set('type')(v as FormValues['type'])}
          options={[
            { value: 'smtp', label: 'SMTP' },
            { value: 'sendgrid', label: 'SendGrid' },
          ]}
        />
      </Cell>
      <Cell>
        <TextField
          {...field('senderEmail')}
          label={t('field.senderEmail', 'Sender email')}
          required
          type="email"
          hint={t('hint.senderEmail', 'The From address, e.g. support@example.com')}
        />
      </Cell>
      {smtp ? (
        <>
          <Cell size={3}>
            <DetectSettings form={form} provider={provider} />
          </Cell>
          <Cell size={3} />
          <Cell size={12}>
            <ProviderSelect provider={provider} />
          </Cell>
        </>
      ) : null}
      <Cell>
        <TextField
          {...field('senderName')}
          label={t('field.senderName', 'Sender name')}
        />
      </Cell>
      <Cell>
        <TextField
          {...field('replyTo')}
          label={t('field.replyTo', 'Reply to')}
          type="email"
          hint={t('hint.replyTo', 'Replies go to this address instead of the sender')}
        />
      </Cell>
      <Cell size={3}>
        <ToggleField
          {...field('isDefault')}
          label={t('field.isDefault', 'Default')}
          hint={
            canSetDefault
              ? t('hint.isDefault', "Strapi's own emails go out through the default server")
              : t('hint.isDefaultLocked', 'Only admins allowed to set the default server can change this')
          }
          disabled={!canSetDefault}
          {...toggle}
        />
      </Cell>
      <Cell size={3}>
        <ToggleField
          {...field('enabled')}
          label={t('field.enabled', 'Enabled')}
          hint={t('hint.enabled', 'A disabled server sends and fetches nothing')}
          {...toggle}
        />
      </Cell>
    </Section>
  );
};
