import { SelectField, TextField, ToggleField } from '../../../components/FormFields';
import { Cell, Section } from '../../../components/Layout';
import { useT } from '../../../hooks/useT';
import type { ServerFormState } from '../useServerForm';
import type { FormValues } from '../serverValues';
import { useSharedLabels } from './labels';

export const GeneralSection = ({ form, canSetDefault }: { form: ServerFormState; canSetDefault: boolean }) => {
  const t = useT();
  const { toggle } = useSharedLabels();
  const { values, set, shown } = form;
  return (
    <Section title={t('section.general', 'Server')}>
      <Cell>
        <TextField name="name" label={t('field.name', 'Name')} required value={values.name} onChange={set('name')} error={shown('name')} />
      </Cell>
      <Cell>
        <SelectField
          name="type"
          label={t('field.type', 'Server type')}
          required
          value={values.type}
          onChange={(v) => set('type')(v as FormValues['type'])}
          options={[
            { value: 'smtp', label: 'SMTP' },
            { value: 'sendgrid', label: 'SendGrid' },
          ]}
          error={shown('type')}
        />
      </Cell>
      <Cell>
        <TextField
          name="senderEmail"
          label={t('field.senderEmail', 'Sender email')}
          required
          type="email"
          value={values.senderEmail}
          onChange={set('senderEmail')}
          error={shown('senderEmail')}
          hint={t('hint.senderEmail', 'The From address, e.g. support@example.com')}
        />
      </Cell>
      <Cell>
        <TextField
          name="senderName"
          label={t('field.senderName', 'Sender name')}
          value={values.senderName}
          onChange={set('senderName')}
          error={shown('senderName')}
        />
      </Cell>
      <Cell>
        <TextField
          name="replyTo"
          label={t('field.replyTo', 'Reply to')}
          type="email"
          value={values.replyTo}
          onChange={set('replyTo')}
          error={shown('replyTo')}
          hint={t('hint.replyTo', 'Replies go to this address instead of the sender')}
        />
      </Cell>
      <Cell size={3}>
        <ToggleField
          name="isDefault"
          label={t('field.isDefault', 'Default')}
          hint={
            canSetDefault
              ? t('hint.isDefault', "Strapi's own emails go out through the default server")
              : t('hint.isDefaultLocked', 'Only admins allowed to set the default server can change this')
          }
          checked={values.isDefault}
          onChange={set('isDefault')}
          disabled={!canSetDefault}
          {...toggle}
        />
      </Cell>
      <Cell size={3}>
        <ToggleField
          name="enabled"
          label={t('field.enabled', 'Enabled')}
          hint={t('hint.enabled', 'A disabled server sends and fetches nothing')}
          checked={values.enabled}
          onChange={set('enabled')}
          {...toggle}
        />
      </Cell>
    </Section>
  );
};
