import * as React from 'react';
import { Box, Button, Field, Flex, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { Upload } from '@strapi/icons';
import { BUILT_IN_VARIABLES } from '../../../../shared/contracts/campaigns';
import { TableHeader } from '../../components/TableHeader';
import { useCampaignActions, type ImportResult } from '../../hooks/useCampaigns';
import { useNotify } from '../../hooks/useNotify';
import { useT } from '../../hooks/useT';
import { errorsFromResponse } from '../../utils/formErrors';

const INPUT_ID = 'campaign-csv';

/** Sends a CSV file's text as it is: the server parses it, so its row numbers match the file. */
export const ImportRecipients = ({ documentId, variables }: { documentId: string; variables: string[] }) => {
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

      {result ? (
        <Flex direction="column" alignItems="stretch" gap={2}>
          <Flex gap={4}>
            <Typography fontWeight="bold" textColor="success600" data-testid="import-added">
              {t('import.added', '{count} added', { count: result.added })}
            </Typography>
            {result.rejected.length ? (
              <Typography fontWeight="bold" textColor="danger600" data-testid="import-rejected">
                {t('import.rejected', '{count} rejected', { count: result.rejected.length })}
              </Typography>
            ) : null}
          </Flex>
          {result.rejected.length ? (
            <Table colCount={3} rowCount={result.rejected.length + 1} aria-label={t('import.rejectedTable', 'Rejected rows')}>
              <TableHeader
                columns={[
                  t('import.col.row', 'Row'),
                  t('import.col.email', 'Email'),
                  t('import.col.reason', 'Reason'),
                ]}
              />
              <Tbody>
                {result.rejected.map((row) => (
                  <Tr key={`${row.row}-${row.email}`}>
                    <Td><Typography>{row.row}</Typography></Td>
                    <Td><Typography>{row.email}</Typography></Td>
                    <Td><Typography textColor="danger600">{row.reason}</Typography></Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          ) : null}
        </Flex>
      ) : null}
    </Flex>
  );
};
