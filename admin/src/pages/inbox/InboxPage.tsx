import * as React from 'react';
import { Layouts, Page, useAPIErrorHandler, useNotification } from '@strapi/strapi/admin';
import {
  Badge,
  Box,
  Button,
  EmptyStateLayout,
  Flex,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  TextInput,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { useConversations, useInboxActions, useInboxServers } from '../../hooks/useInbox';
import { useT } from '../../hooks/useT';

export const InboxPage = () => {
  const { formatDate } = useIntl();
  const navigate = useNavigate();
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  const [params, setParams] = useSearchParams();
  const filters = {
    server: params.get('server') ?? '',
    status: params.get('status') ?? 'open',
    q: params.get('q') ?? '',
    page: Number(params.get('page') ?? 1) || 1,
  };
  const [search, setSearch] = React.useState(filters.q);
  const servers = useInboxServers();
  const list = useConversations({ ...filters, status: filters.status === 'all' ? '' : filters.status });
  const { fetchNow } = useInboxActions();
  const t = useT();

  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== 'page') next.delete('page');
    setParams(next);
  };

  const runFetch = async () => {
    const ids = (servers.data ?? []).filter((s) => s.enabled && (!filters.server || s.documentId === filters.server)).map((s) => s.documentId);
    try {
      const stored = await fetchNow.mutateAsync(ids);
      toggleNotification({ type: 'success', message: t('inbox.fetched', '{count, plural, =0 {No new mail} one {# new mail} other {# new mails}}', { count: stored }) });
    } catch (error) {
      toggleNotification({ type: 'danger', message: formatAPIError(error as any) });
    }
  };

  const title = t('inbox.title', 'Inbox');
  const attention = (servers.data ?? []).filter((s) => s.incomingAttention);

  return (
    <Page.Main>
      <Page.Title>{title}</Page.Title>
      <Layouts.Header
        title={title}
        subtitle={t('inbox.subtitle', 'Customer mail fetched from your email servers')}
        primaryAction={
          <Button startIcon={<ArrowClockwise />} loading={fetchNow.isLoading} onClick={runFetch} disabled={!servers.data?.length}>
            {t('inbox.fetch', 'Fetch now')}
          </Button>
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          {attention.map((s) => (
            <Box key={s.documentId} background="danger100" padding={3} hasRadius>
              <Typography textColor="danger700">
                {s.name}: {s.incomingAttention}
              </Typography>
            </Box>
          ))}
          <Flex gap={3} alignItems="flex-end">
            <Box style={{ minWidth: 220 }}>
              <SingleSelect
                aria-label={t('inbox.filter.server', 'Server')}
                value={filters.server}
                onChange={(v: string | number) => setFilter('server', String(v))}
              >
                <SingleSelectOption value="">{t('inbox.filter.allServers', 'All servers')}</SingleSelectOption>
                {(servers.data ?? []).map((s) => (
                  <SingleSelectOption key={s.documentId} value={s.documentId}>
                    {s.name}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
            </Box>
            <Box style={{ minWidth: 160 }}>
              <SingleSelect
                aria-label={t('inbox.filter.status', 'Status')}
                value={filters.status}
                onChange={(v: string | number) => setFilter('status', String(v))}
              >
                <SingleSelectOption value="open">{t('inbox.status.open', 'Open')}</SingleSelectOption>
                <SingleSelectOption value="closed">{t('inbox.status.closed', 'Closed')}</SingleSelectOption>
                <SingleSelectOption value="all">{t('inbox.status.all', 'All')}</SingleSelectOption>
              </SingleSelect>
            </Box>
            <form
              style={{ flex: 1 }}
              onSubmit={(e) => {
                e.preventDefault();
                setFilter('q', search.trim());
              }}
            >
              <TextInput
                aria-label={t('inbox.search', 'Search sender or subject')}
                placeholder={t('inbox.search', 'Search sender or subject')}
                value={search}
                onChange={(e: React.ChangeEvent<HTMLInputElement>) => setSearch(e.target.value)}
              />
            </form>
          </Flex>

          {list.isLoading ? (
            <Page.Loading />
          ) : list.isError || !list.data ? (
            <Page.Error />
          ) : list.data.data.length === 0 ? (
            <EmptyStateLayout content={t('inbox.empty', 'No conversation here')} />
          ) : (
            <>
              <Table colCount={4} rowCount={list.data.data.length + 1}>
                <Thead>
                  <Tr>
                    <Th><Typography variant="sigma">{t('inbox.col.subject', 'Subject')}</Typography></Th>
                    <Th><Typography variant="sigma">{t('inbox.col.from', 'From')}</Typography></Th>
                    <Th><Typography variant="sigma">{t('inbox.col.server', 'Server')}</Typography></Th>
                    <Th><Typography variant="sigma">{t('inbox.col.last', 'Last activity')}</Typography></Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {list.data.data.map((c) => (
                    <Tr key={c.documentId} onClick={() => navigate(c.documentId)} style={{ cursor: 'pointer' }}>
                      <Td>
                        <Flex gap={2}>
                          {c.unread ? <Badge active>{t('inbox.unread', 'New')}</Badge> : null}
                          <Typography fontWeight={c.unread ? 'bold' : 'regular'}>{c.subject}</Typography>
                        </Flex>
                      </Td>
                      <Td>
                        <Typography>{c.participants.map((p) => p.name || p.address).join(', ')}</Typography>
                      </Td>
                      <Td><Typography>{c.server.name}</Typography></Td>
                      <Td>
                        <Typography>{formatDate(c.lastMessageAt, { dateStyle: 'medium', timeStyle: 'short' })}</Typography>
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
              <Flex gap={2} justifyContent="flex-end">
                <Button variant="tertiary" disabled={filters.page <= 1} onClick={() => setFilter('page', String(filters.page - 1))}>
                  {t('inbox.previous', 'Previous')}
                </Button>
                <Typography>
                  {filters.page} / {Math.max(list.data.meta.pagination.pageCount, 1)}
                </Typography>
                <Button
                  variant="tertiary"
                  disabled={filters.page >= list.data.meta.pagination.pageCount}
                  onClick={() => setFilter('page', String(filters.page + 1))}
                >
                  {t('inbox.next', 'Next')}
                </Button>
              </Flex>
            </>
          )}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};
