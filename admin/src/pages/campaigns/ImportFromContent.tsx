import * as React from 'react';
import { Box, Button, Field, Flex, JSONInput, Typography } from '@strapi/design-system';
import { Download, Search } from '@strapi/icons';
import { SelectField } from '../../components/FormFields';
import { useCampaignActions, useRecipientSources, type ImportResult, type RecipientSource } from '../../hooks/useCampaigns';
import { useNotify } from '../../hooks/useNotify';
import { useT } from '../../hooks/useT';
import type { FieldErrors } from '../../utils/formErrors';
import { ImportResultView } from './ImportResultView';

/** The README's example: Strapi's own users who confirmed their address and are not blocked. */
const EXAMPLE_FILTERS: Record<string, string> = {
  'plugin::users-permissions.user': JSON.stringify({ confirmed: { $eq: true }, blocked: { $eq: false } }, null, 2),
};
const EMPTY_FILTERS = '{}';

type Parsed = { ok: true; filters: Record<string, unknown> } | { ok: false; message: string };

const parseFilters = (text: string): Parsed => {
  if (!text.trim()) return { ok: true, filters: {} };
  try {
    const value = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, message: 'Must be a JSON object of Strapi filters.' };
    return { ok: true, filters: value };
  } catch (error: any) {
    return { ok: false, message: `Not valid JSON: ${error?.message ?? error}` };
  }
};

/** A source error's field: `["source", "filters"]` is the filters input. */
const sourceErrors = (error: any): FieldErrors => {
  const list = error?.response?.data?.error?.details?.errors;
  const found: FieldErrors = {};
  if (Array.isArray(list)) {
    for (const item of list) {
      const path: string[] = Array.isArray(item.path) ? item.path : [item.path];
      const key = path.filter((p) => p !== 'source').join('.') || 'contentType';
      if (!found[key]) found[key] = item.message;
    }
  }
  return found;
};

export const ImportFromContent = ({ documentId }: { documentId: string }) => {
  const t = useT();
  const { toggleNotification, failed } = useNotify();
  const sources = useRecipientSources();
  const { importSource, countSource } = useCampaignActions(documentId);
  const [contentType, setContentType] = React.useState('');
  const [emailField, setEmailField] = React.useState('');
  const [filters, setFilters] = React.useState(EMPTY_FILTERS);
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const [count, setCount] = React.useState<number | null>(null);
  const [result, setResult] = React.useState<ImportResult | null>(null);
  // A new JSONInput per content type: it takes its value only when it is created.
  const [editorKey, setEditorKey] = React.useState(0);

  const options = sources.data ?? [];
  const chosen = options.find((o) => o.uid === contentType);

  const choose = (uid: string) => {
    const option = options.find((o) => o.uid === uid);
    setContentType(uid);
    setEmailField(option?.emailFields[0] ?? '');
    setFilters(EXAMPLE_FILTERS[uid] ?? EMPTY_FILTERS);
    setEditorKey((k) => k + 1);
    setErrors({});
    setCount(null);
    setResult(null);
  };

  /** The source as the server takes it, or null with the errors shown. */
  const source = (): RecipientSource | null => {
    const found: FieldErrors = {};
    if (!contentType) found.contentType = t('importContent.chooseType', 'Choose a content type.');
    const parsed = parseFilters(filters);
    if (!parsed.ok) found.filters = parsed.message;
    setErrors(found);
    if (Object.keys(found).length || !parsed.ok) return null;
    return { contentType, filters: parsed.filters, ...(emailField ? { emailField } : {}) };
  };

  const fail = (error: any) => {
    if (error?.response?.status === 403 || error?.status === 403) {
      setErrors({ contentType: t('importContent.forbidden', 'You may not read {type}.', { type: chosen?.displayName ?? contentType }) });
      return;
    }
    const found = sourceErrors(error);
    setErrors(found);
    if (!Object.keys(found).length) failed(error);
  };

  const runCount = async () => {
    const body = source();
    if (!body) return;
    try {
      setCount(await countSource.mutateAsync(body));
    } catch (error) {
      setCount(null);
      fail(error);
    }
  };

  const runImport = async () => {
    const body = source();
    if (!body) return;
    try {
      const imported = await importSource.mutateAsync(body);
      setResult(imported);
      toggleNotification({
        type: imported.rejected.length ? 'warning' : 'success',
        message: t('import.done', '{added} added, {rejected} rejected', { added: imported.added, rejected: imported.rejected.length }),
      });
    } catch (error) {
      fail(error);
    }
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={4} data-testid="import-from-content">
      <Flex gap={4} alignItems="flex-start" wrap="wrap">
        <Box style={{ flex: 2, minWidth: 260 }}>
          <SelectField
            name="contentType"
            label={t('importContent.type', 'Content type')}
            required
            placeholder={t('importContent.typePlaceholder', 'Choose a content type')}
            value={contentType}
            onChange={choose}
            options={options.map((o) => ({ value: o.uid, label: o.displayName }))}
            error={
              errors.contentType ??
              (sources.isError ? t('importContent.sourcesUnavailable', 'The content types could not be loaded.') : undefined)
            }
            hint={
              sources.data && !sources.data.length
                ? t('importContent.noSources', 'No content type you may read has an email field.')
                : t('importContent.typeHint', 'Collection types you may read that have an email field')
            }
          />
        </Box>
        <Box style={{ flex: 1, minWidth: 200 }}>
          <SelectField
            name="emailField"
            label={t('importContent.emailField', 'Email field')}
            value={emailField}
            onChange={(value) => {
              setEmailField(value);
              setCount(null);
            }}
            options={(chosen?.emailFields ?? []).map((f) => ({ value: f, label: f }))}
            error={errors.emailField}
          />
        </Box>
      </Flex>
      {contentType ? (
        <Field.Root
          name="filters"
          id="field-filters"
          error={errors.filters}
          hint={t('importContent.filtersHint', 'Strapi filters as JSON, e.g. {example}; {} for every entry. Scalar fields become placeholders: {fields}', {
            example: '{ "confirmed": { "$eq": true } }',
            fields: (chosen?.fields ?? []).join(', ') || '–',
          })}
        >
          <Field.Label>{t('importContent.filters', 'Filters')}</Field.Label>
          <JSONInput
            key={editorKey}
            value={filters}
            aria-label={t('importContent.filters', 'Filters')}
            onChange={(value: string) => {
              setFilters(value);
              setErrors((e) => ({ ...e, filters: undefined }));
              setCount(null);
            }}
          />
          <Field.Hint />
          <Field.Error />
        </Field.Root>
      ) : null}
      <Flex gap={2} alignItems="center">
        <Button variant="secondary" startIcon={<Search />} disabled={!contentType} loading={countSource.isLoading} onClick={runCount}>
          {t('importContent.count', 'Count')}
        </Button>
        <Button startIcon={<Download />} disabled={!contentType} loading={importSource.isLoading} onClick={runImport}>
          {t('import.button', 'Import')}
        </Button>
        {count !== null ? (
          <Typography fontWeight="bold" data-testid="source-count">
            {t('importContent.matches', '{count, plural, one {# entry matches} other {# entries match}}', { count })}
          </Typography>
        ) : null}
      </Flex>
      {result ? <ImportResultView result={result} /> : null}
    </Flex>
  );
};
