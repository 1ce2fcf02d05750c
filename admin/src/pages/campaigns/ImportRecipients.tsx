import * as React from 'react';
import { Box, Button, Field, Flex, Tabs } from '@strapi/design-system';
import { Upload } from '@strapi/icons';
import { BUILT_IN_VARIABLES } from '../../../../shared/contracts/campaigns';
import { useCampaignActions, type ImportResult } from '../../hooks/useCampaigns';
import { useNotify } from '../../hooks/useNotify';
import { useT } from '../../hooks/useT';
import { errorsFromResponse } from '../../utils/formErrors';
import { ImportResultView } from './ImportResultView';
import { ImportFromContent } from './ImportFromContent';

const INPUT_ID = 'campaign-csv';

/** Sends a CSV file's text as it is: the server parses it, so its row numbers match the file. */
const ImportCsv = ({ documentId, variables }: { documentId: string; variables: string[] }) => {
  const { toggleNotification, failed } = useNotify();
  const { importCsv } = useCampaignActions(documentId);
  const input = React.useRef<HTMLInputElement>(null);
  const [file, setFile] = React.useState<File | null>(null);
  const [result, setResult] = React.useState<ImportResult | null>(null);
  const [fileError, setFileError] = React.useState<string | undefined>();
  const t = useT();

  const run = async () => {
    if (!file) return;
    try {
      const imported = await importCsv.mutateAsync(await file.text());
      setResult(imported);
      setFile(null);
      if (input.current) input.current.value = '';
      toggleNotification({
        type: imported.rejected.length ? 'warning' : 'success',
        message: t('import.done', '{added} added, {rejected} rejected', {
          added: imported.added,
          rejected: imported.rejected.length,
        }),
      });
    } catch (error) {
      // A file the server cannot read (no "email" column, broken quoting) is reported on "file".
      setFileError(errorsFromResponse(error).file);
      failed(error);
    }
  };

  const needed = variables.filter((name) => !BUILT_IN_VARIABLES.includes(name));

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Flex gap={4} alignItems="flex-end" wrap="wrap">
        <Field.Root
          id={INPUT_ID}
          name="csv"
          error={fileError}
          hint={
            needed.length
              ? t('import.hintVariables', 'A header row with an "email" column and one column for each of: {names}', {
                  names: needed.join(', '),
                })
              : t('import.hint', 'A header row with an "email" column; every other column becomes a placeholder value')
          }
        >
          <Field.Label>{t('import.file', 'CSV file')}</Field.Label>
          <input
            ref={input}
            id={INPUT_ID}
            type="file"
            accept=".csv,text/csv"
            aria-describedby={fileError ? `${INPUT_ID}-error` : `${INPUT_ID}-hint`}
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setResult(null);
              setFileError(undefined);
            }}
          />
          <Field.Hint />
          <Field.Error />
        </Field.Root>
        <Box>
          <Button startIcon={<Upload />} disabled={!file} loading={importCsv.isLoading} onClick={run}>
            {t('import.button', 'Import')}
          </Button>
        </Box>
      </Flex>

      {result ? <ImportResultView result={result} /> : null}
    </Flex>
  );
};

/** Recipients from a CSV file or from the entries of a Strapi collection type. */
export const ImportRecipients = ({ documentId, variables }: { documentId: string; variables: string[] }) => {
  const t = useT();
  const [from, setFrom] = React.useState<'csv' | 'content'>('csv');
  return (
    <Tabs.Root variant="simple" value={from} onValueChange={(next: string) => setFrom(next as 'csv' | 'content')}>
      <Tabs.List aria-label={t('import.from', 'Import from')}>
        <Tabs.Trigger value="csv">{t('import.fromCsv', 'CSV')}</Tabs.Trigger>
        <Tabs.Trigger value="content">{t('import.fromContent', 'From Strapi content')}</Tabs.Trigger>
      </Tabs.List>
      <Box paddingTop={4}>
        <Tabs.Content value="csv">
          <ImportCsv documentId={documentId} variables={variables} />
        </Tabs.Content>
        <Tabs.Content value="content">
          <ImportFromContent documentId={documentId} />
        </Tabs.Content>
      </Box>
    </Tabs.Root>
  );
};
