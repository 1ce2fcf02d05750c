import * as React from 'react';
import { useRBAC } from '@strapi/strapi/admin';
import { Checkbox, Flex, Grid, Typography } from '@strapi/design-system';
import { campaignSchema } from '../../../../shared/validation/campaigns';
import { SelectField, TextareaField, TextField } from '../../components/FormFields';
import { HtmlEditor } from '../../components/HtmlEditor';
import { Cell } from '../../components/Layout';
import { useCampaignServers, type Campaign, type CampaignInput } from '../../hooks/useCampaigns';
import { useTemplates } from '../../hooks/useTemplates';
import { useT } from '../../hooks/useT';
import { CAMPAIGN_PERMISSIONS } from '../../permissions';
import { errorsFromResponse, errorsFromSchema, type FieldErrors } from '../../utils/formErrors';
import { CampaignPreviewPane } from './CampaignPreviewPane';
import type { OnLimit } from '../../../../shared/contracts/campaigns';

export interface CampaignValues {
  name: string;
  server: string;
  subject: string;
  html: string;
  text: string;
  /** A layout's documentId, '' for none. */
  template: string;
  trackOpens: boolean;
  trackClicks: boolean;
  onLimit: OnLimit;
}

const valuesFrom = (campaign?: Campaign): CampaignValues => ({
  name: campaign?.name ?? '',
  server: campaign?.server?.documentId ?? '',
  subject: campaign?.subject ?? '',
  html: campaign?.html ?? '',
  text: campaign?.text ?? '',
  template: campaign?.template?.documentId ?? '',
  trackOpens: campaign?.trackOpens ?? false,
  trackClicks: campaign?.trackClicks ?? false,
  onLimit: campaign?.onLimit ?? 'wait',
});

const orNull = (value: string) => (value.trim() === '' ? null : value);

export const toCampaignPayload = (values: CampaignValues): CampaignInput => ({
  name: values.name,
  server: values.server,
  subject: values.subject,
  html: orNull(values.html),
  text: orNull(values.text),
  template: values.template || null,
  trackOpens: values.trackOpens,
  trackClicks: values.trackClicks,
  onLimit: values.onLimit,
});

/** Runs the shared schema in the browser, one message per field. */
const validateCampaign = (values: CampaignValues): Promise<FieldErrors> =>
  errorsFromSchema(campaignSchema, toCampaignPayload(values));

/**
 * Errors (the shared schema's on submit, then what only the server can find, such as a disabled
 * server) are kept per field until that field changes. The live preview's template errors are
 * shown under their fields too, until the next preview.
 */
export const useCampaignForm = (campaign?: Campaign) => {
  const [values, setValues] = React.useState<CampaignValues>(() => valuesFrom(campaign));
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const [previewErrors, setPreviewErrors] = React.useState<FieldErrors>({});
  const set =
    <K extends keyof CampaignValues>(key: K) =>
    (value: CampaignValues[K]) => {
      setValues((v) => ({ ...v, [key]: value }));
      setErrors((e) => ({ ...e, [key]: undefined }));
    };
  return {
    values,
    errors,
    set,
    setPreviewErrors,
    /** What an input needs to show and edit one (text) field. */
    field: (key: 'name' | 'server' | 'subject' | 'html' | 'text' | 'template') => ({
      name: key,
      value: values[key],
      onChange: set(key),
      error: errors[key] ?? previewErrors[key],
    }),
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
  current?: Campaign;
}

const NO_LAYOUT = 'none';

const LayoutPicker = ({ form, current }: CampaignFieldsProps) => {
  const t = useT();
  const { allowedActions, isLoading } = useRBAC({ read: CAMPAIGN_PERMISSIONS.templatesRead });
  const templates = useTemplates(allowedActions.canRead);
  const { field } = form;
  const none = t('campaignForm.noLayout', 'No layout');
  // The select cannot tell an empty value from no choice: "none" stands for no layout.
  const options = [{ value: NO_LAYOUT, label: none }, ...(templates.data ?? []).map((tpl) => ({ value: tpl.documentId, label: tpl.name }))];
  const chosen = current?.template;
  if (chosen && !options.some((o) => o.value === chosen.documentId)) options.push({ value: chosen.documentId, label: chosen.name });

  if (!isLoading && !allowedActions.canRead) {
    return (
      <Flex direction="column" alignItems="stretch" gap={1} data-testid="layout-unavailable">
        <Typography variant="pi" fontWeight="bold">
          {t('campaignForm.layout', 'Layout')}
        </Typography>
        <Typography variant="pi" textColor="neutral600">
          {chosen
            ? t('campaignForm.layoutNoRead', 'Uses the layout {name}. You may not read layouts, so you cannot change it.', { name: chosen.name })
            : t('campaignForm.layoutNoReadNone', 'You may not read layouts, so you cannot pick one.')}
        </Typography>
      </Flex>
    );
  }
  return (
    <SelectField
      {...field('template')}
      value={field('template').value || NO_LAYOUT}
      onChange={(value) => field('template').onChange(value === NO_LAYOUT ? '' : value)}
      label={t('campaignForm.layout', 'Layout')}
      options={options}
      error={
        field('template').error ??
        (templates.isError ? t('campaignForm.layoutsUnavailable', 'The layouts could not be loaded.') : undefined)
      }
      hint={t('campaignForm.hint.layout', 'The body goes where the layout has {content}', { content: '{{ content }}' })}
    />
  );
};

export const CampaignFields = ({ form, current }: CampaignFieldsProps) => {
  const servers = useCampaignServers();
  const { errors, field, values, set } = form;
  const t = useT();

  // Only enabled servers send, so only they are offered.
  const server = current?.server;
  const options = (servers.data ?? [])
    .filter((s) => s.enabled || s.documentId === server?.documentId)
    .map((s) => ({ value: s.documentId, label: s.name }));
  if (server && !options.some((o) => o.value === server.documentId)) {
    options.push({ value: server.documentId, label: server.name });
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
      <Cell>
        <SelectField
          name="onLimit"
          value={values.onLimit}
          error={errors.onLimit}
          onChange={(value) => set('onLimit')(value as OnLimit)}
          label={t('campaignForm.onLimit', "When the server's limit is reached")}
          options={[
            { value: 'wait', label: t('campaignForm.onLimit.wait', 'Wait for the next hour or day') },
            { value: 'fallback', label: t('campaignForm.onLimit.fallback', 'Send through the fallback server') },
          ]}
          hint={t('campaignForm.hint.onLimit', "The server's messages per hour and per day; without a fallback server it waits")}
        />
      </Cell>
      <Cell size={8}>
        <TextField {...field('subject')} label={t('campaignForm.subject', 'Subject')} required />
      </Cell>
      <Cell size={4}>
        <LayoutPicker form={form} current={current} />
      </Cell>
      <Cell size={12}>
        <Typography variant="pi" textColor="neutral600" data-testid="variables-hint">
          {t(
            'campaignForm.hint.variables',
            'Personalise the subject and bodies with Liquid: {email}, the CSV columns or content fields, e.g. {example}, with a default {withDefault} or a condition {condition}. A recipient must have a value for each placeholder used without a default. {unsubscribe} is the recipient’s unsubscribe link.',
            {
              email: '{{ email }}',
              example: '{{ firstName }}',
              withDefault: '{{ firstName | default: "there" }}',
              condition: '{% if vip %}…{% endif %}',
              unsubscribe: '{{ unsubscribeUrl }}',
            }
          )}
        </Typography>
      </Cell>
      <Cell size={6}>
        <Flex direction="column" alignItems="stretch" gap={4}>
          <HtmlEditor
            {...field('html')}
            label={t('campaignForm.html', 'HTML body')}
            hint={t('campaignForm.hint.html', 'Values put into the HTML are escaped')}
          />
          <TextareaField
            {...field('text')}
            label={t('campaignForm.text', 'Text body')}
            hint={t('campaignForm.hint.text', 'For mail apps that do not show HTML; generated from the HTML when empty')}
          />
        </Flex>
      </Cell>
      <Cell size={6}>
        <CampaignPreviewPane documentId={current?.documentId} values={values} onErrors={form.setPreviewErrors} />
      </Cell>
      <Cell size={12}>
        <Flex direction="column" alignItems="stretch" gap={2}>
          <Flex gap={6}>
            <Checkbox checked={values.trackOpens} onCheckedChange={(checked: boolean | "indeterminate") => set('trackOpens')(checked === true)}>
              {t('campaignForm.trackOpens', 'Track opens')}
            </Checkbox>
            <Checkbox checked={values.trackClicks} onCheckedChange={(checked: boolean | "indeterminate") => set('trackClicks')(checked === true)}>
              {t('campaignForm.trackClicks', 'Track clicks')}
            </Checkbox>
          </Flex>
          <Typography variant="pi" textColor="neutral600" data-testid="tracking-hint">
            {t(
              'campaignForm.hint.tracking',
              'Off by default: a tracking pixel and rewritten links tell you about people who did not agree to it, and Apple Mail Privacy Protection opens every mail itself, which inflates opens.'
            )}
          </Typography>
          {errors.trackOpens || errors.trackClicks ? (
            <Typography variant="pi" textColor="danger600">
              {errors.trackOpens ?? errors.trackClicks}
            </Typography>
          ) : null}
        </Flex>
      </Cell>
    </Grid.Root>
  );
};
