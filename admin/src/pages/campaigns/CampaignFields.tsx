import * as React from 'react';
import { Grid, Typography } from '@strapi/design-system';
import { campaignSchema } from '../../../../shared/validation/campaigns';
import { SelectField, TextareaField, TextField } from '../../components/FormFields';
import { Cell } from '../../components/Layout';
import { useCampaignServers, type Campaign, type CampaignInput } from '../../hooks/useCampaigns';
import { useT } from '../../hooks/useT';
import { errorsFromResponse, errorsFromSchema, type FieldErrors } from '../../utils/formErrors';

export interface CampaignValues {
  name: string;
  server: string;
  subject: string;
  html: string;
  text: string;
}

const valuesFrom = (campaign?: Campaign): CampaignValues => ({
  name: campaign?.name ?? '',
  server: campaign?.server?.documentId ?? '',
  subject: campaign?.subject ?? '',
  html: campaign?.html ?? '',
  text: campaign?.text ?? '',
});

const orNull = (value: string) => (value.trim() === '' ? null : value);

export const toCampaignPayload = (values: CampaignValues): CampaignInput => ({
  name: values.name,
  server: values.server,
  subject: values.subject,
  html: orNull(values.html),
  text: orNull(values.text),
});

/** Runs the shared schema in the browser, one message per field. */
const validateCampaign = (values: CampaignValues): Promise<FieldErrors> =>
  errorsFromSchema(campaignSchema, toCampaignPayload(values));

/**
 * Errors (the shared schema's on submit, then what only the server can find, such as a disabled
 * server) are kept per field until that field changes.
 */
export const useCampaignForm = (campaign?: Campaign) => {
  const [values, setValues] = React.useState<CampaignValues>(() => valuesFrom(campaign));
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const set = (key: keyof CampaignValues) => (value: string) => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };
  return {
    values,
    errors,
    set,
    /** What an input needs to show and edit one field. */
    field: (key: keyof CampaignValues) => ({ name: key, value: values[key], onChange: set(key), error: errors[key] }),
    dirty: JSON.stringify(values) !== JSON.stringify(valuesFrom(campaign)),
    /** Checks before sending anything; false (with the errors shown) when something is wrong. */
    check: async () => {
      const found = await validateCampaign(values);
      setErrors(found);
      return Object.keys(found).length === 0;
    },
    /** Puts a failed save's field errors under their fields. */
    fail: (error: unknown) => setErrors(errorsFromResponse(error)),
    /** Takes the saved campaign as it came back, which may differ (e.g. trimmed) from what was typed. */
    reset: (saved: Campaign) => setValues(valuesFrom(saved)),
  };
};

interface CampaignFieldsProps {
  form: ReturnType<typeof useCampaignForm>;
  /** The campaign's current server, kept selectable even if it was disabled since. */
  current?: Campaign['server'];
}

export const CampaignFields = ({ form, current }: CampaignFieldsProps) => {
  const servers = useCampaignServers();
  const { errors, field } = form;
  const t = useT();

  // Only enabled servers send, so only they are offered.
  const options = (servers.data ?? [])
    .filter((server) => server.enabled || server.documentId === current?.documentId)
    .map((server) => ({ value: server.documentId, label: server.name }));
  if (current && !options.some((o) => o.value === current.documentId)) {
    options.push({ value: current.documentId, label: current.name });
  }

  return (
    <Grid.Root gap={4}>
      <Cell>
        <TextField
          {...field('name')}
          label={t('campaignForm.name', 'Name')}
          required
          hint={t('campaignForm.hint.name', 'Only shown in the admin panel')}
        />
      </Cell>
      <Cell>
        <SelectField
          {...field('server')}
          label={t('campaignForm.server', 'Email server')}
          required
          placeholder={t('campaignForm.serverPlaceholder', 'Choose a server')}
          options={options}
          error={
            errors.server ??
            (servers.isError
              ? t('campaignForm.serversUnavailable', 'The email servers could not be loaded.')
              : undefined)
          }
          hint={t('campaignForm.hint.server', 'Only enabled servers are listed')}
        />
      </Cell>
      <Cell size={12}>
        <TextField
          {...field('subject')}
          label={t('campaignForm.subject', 'Subject')}
          required
        />
      </Cell>
      <Cell size={12}>
        <Typography variant="pi" textColor="neutral600" data-testid="variables-hint">
          {t(
            'campaignForm.hint.variables',
            'Personalise the subject and bodies with placeholders: {email} and the CSV columns, e.g. {example}. Every recipient must have a value for each placeholder used. {unsubscribe} is the recipient’s unsubscribe link.',
            { email: '{{email}}', example: '{{firstName}}', unsubscribe: '{{unsubscribeUrl}}' }
          )}
        </Typography>
      </Cell>
      <Cell size={12}>
        <TextareaField
          {...field('html')}
          label={t('campaignForm.html', 'HTML body')}
          hint={t('campaignForm.hint.html', 'Values put into the HTML are escaped')}
        />
      </Cell>
      <Cell size={12}>
        <TextareaField
          {...field('text')}
          label={t('campaignForm.text', 'Text body')}
          hint={t('campaignForm.hint.text', 'For mail apps that do not show HTML')}
        />
      </Cell>
    </Grid.Root>
  );
};
