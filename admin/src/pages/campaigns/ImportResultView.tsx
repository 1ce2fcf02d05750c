import { Flex, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { TableHeader } from '../../components/TableHeader';
import type { ImportResult } from '../../hooks/useCampaigns';
import { useT } from '../../hooks/useT';

/** "N added, M rejected" and why each rejected row was, for a CSV file and Strapi content alike. */
export const ImportResultView = ({ result }: { result: ImportResult }) => {
  const t = useT();
  return (
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
          <TableHeader columns={[t('import.col.row', 'Row'), t('import.col.email', 'Email'), t('import.col.reason', 'Reason')]} />
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
  );
};
