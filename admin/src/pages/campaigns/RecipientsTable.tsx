import { Page, SearchInput } from '@strapi/strapi/admin';
import {
  Box,
  EmptyStateLayout,
  Flex,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  Tr,
  Typography,
} from '@strapi/design-system';
import { useIntl } from 'react-intl';
import {
  RECIPIENT_STATUSES,
  useRecipients,
  type CampaignStatus,
} from '../../hooks/useCampaigns';
import { ListPager, useListQuery, useStayOnAPage } from '../../components/ListControls';
import { TableHeader } from '../../components/TableHeader';
import { useT } from '../../hooks/useT';
import { RecipientStatusBadge, useStatusLabels } from './StatusBadges';

const ALL = 'all';

export const RecipientsTable = ({ documentId, campaignStatus }: { documentId: string; campaignStatus: CampaignStatus }) => {
  const { formatDate } = useIntl();
  const labels = useStatusLabels();
  const { q, page, pageSize, readOneOf, setFilter } = useListQuery();
  const status = readOneOf('status', [...RECIPIENT_STATUSES, ALL], ALL);
  const list = useRecipients(documentId, { status: status === ALL ? '' : status, q, page, pageSize }, campaignStatus);
  useStayOnAPage(list.data?.meta.pagination);
  const t = useT();

  const filtered = status !== ALL || q !== '';

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Flex gap={3} alignItems="flex-end">
        <Box style={{ minWidth: 200 }}>
          <SingleSelect
            aria-label={t('recipients.filter.status', 'Recipient status')}
            value={status}
            onChange={(v: string | number) => setFilter('status', String(v) === ALL ? '' : String(v))}
          >
            <SingleSelectOption value={ALL}>{t('recipients.filter.all', 'All statuses')}</SingleSelectOption>
            {RECIPIENT_STATUSES.map((s) => (
              <SingleSelectOption key={s} value={s}>
                {labels.recipient(s)}
              </SingleSelectOption>
            ))}
          </SingleSelect>
        </Box>
        <SearchInput
          label={t('recipients.search', 'Search recipients')}
          placeholder={t('recipients.searchPlaceholder', 'Search by email address')}
        />
      </Flex>

      {!list.data ? (
        list.isLoading ? <Page.Loading /> : <Page.Error />
      ) : list.data.data.length === 0 ? (
        <EmptyStateLayout
          content={filtered ? t('recipients.noMatch', 'No recipient matches') : t('recipients.empty', 'No recipients yet')}
        />
      ) : (
        <>
          <Table colCount={5} rowCount={list.data.data.length + 1}>
            <TableHeader
              columns={[
                t('recipients.col.email', 'Email'),
                t('recipients.col.status', 'Status'),
                t('recipients.col.attempts', 'Attempts'),
                t('recipients.col.lastError', 'Last error'),
                t('recipients.col.sentAt', 'Sent at'),
              ]}
            />
            <Tbody>
              {list.data.data.map((r) => (
                <Tr key={r.id} data-testid={`recipient-row-${r.email}`}>
                  <Td><Typography>{r.email}</Typography></Td>
                  <Td><RecipientStatusBadge status={r.status} /></Td>
                  <Td><Typography>{r.attempts}</Typography></Td>
                  <Td style={{ maxWidth: 360, whiteSpace: 'normal' }}>
                    <Typography textColor={r.lastError ? 'danger600' : 'neutral500'}>{r.lastError ?? '–'}</Typography>
                  </Td>
                  <Td>
                    <Typography>
                      {r.sentAt ? formatDate(r.sentAt, { dateStyle: 'short', timeStyle: 'medium' }) : '–'}
                    </Typography>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
          <ListPager pagination={list.data.meta.pagination} />
        </>
      )}
    </Flex>
  );
};
