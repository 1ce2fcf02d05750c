import { Layouts, Page, SearchInput, useRBAC } from '@strapi/strapi/admin';
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
  Tr,
  Typography,
} from '@strapi/design-system';
import { ArrowClockwise, Message } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { Link as RouterLink, useNavigate } from 'react-router-dom';
import { CONVERSATION_STATUSES } from '../../../../shared/contracts/inbox';
import { ListPager, useListQuery, useStayOnAPage } from '../../components/ListControls';
import { TableHeader } from '../../components/TableHeader';
import { useConversations, useInboxActions, useInboxServers } from '../../hooks/useInbox';
import { useNotify } from '../../hooks/useNotify';
import { useRefreshOnChange } from '../../hooks/useAgents';
import { INBOX_PERMISSIONS } from '../../permissions';
import { useT } from '../../hooks/useT';
import { CampaignReplyBadge } from './CampaignReplyBadge';

const STATUS_FILTERS = [...CONVERSATION_STATUSES, 'all'] as const;
/** Who wrote the mail: `automatic` is auto-replies, bounces and bulk mail. */
const SENDER_FILTERS = ['all', 'people', 'automatic'] as const;
/** Whose conversations: mine, nobody's, or anyone's. */
const OWNER_FILTERS = ['all', 'me', 'none'] as const;
/** Whether the sender is an entry of this app's contact sources (README "The customer's records"). */
const CUSTOMER_FILTERS = ['all', 'known', 'unknown'] as const;

export const InboxPage = () => {
  const { formatDate } = useIntl();
  const navigate = useNavigate();
  const { toggleNotification, failed } = useNotify();
  const list = useListQuery();
  const filters = { server: list.read('server'), status: list.readOneOf('status', STATUS_FILTERS, 'open'), q: list.q, page: list.page, pageSize: list.pageSize };
  const servers = useInboxServers();
  const sender = list.readOneOf('mail', SENDER_FILTERS, 'all');
  const owner = list.readOneOf('owner', OWNER_FILTERS, 'all');
  const customer = list.readOneOf('customer', CUSTOMER_FILTERS, 'all');
  const conversations = useConversations({
    ...filters,
    assignee: owner === 'all' ? undefined : owner,
    status: filters.status === 'all' ? '' : filters.status,
    automatic: sender === 'all' ? undefined : sender === 'automatic',
    known: customer === 'all' ? undefined : customer === 'known',
  });
  const { fetchNow } = useInboxActions();
  useStayOnAPage(conversations.data?.meta.pagination);
  useRefreshOnChange();
  const { allowedActions } = useRBAC({ manage: INBOX_PERMISSIONS.manage });
  const t = useT();

  const runFetch = async () => {
    const ids = (servers.data ?? []).filter((s) => s.enabled && (!filters.server || s.documentId === filters.server)).map((s) => s.documentId);
    try {
      const stored = await fetchNow.mutateAsync(ids);
      toggleNotification({ type: 'success', message: t('inbox.fetched', '{count, plural, =0 {No new mail} one {# new mail} other {# new mails}}', { count: stored }) });
    } catch (error) {
      failed(error);
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
        secondaryAction={
          allowedActions.canManage ? (
            <Button variant="tertiary" startIcon={<Message />} tag={RouterLink} to="saved-replies">
              {t('savedReplies.title', 'Saved replies')}
            </Button>
          ) : undefined
        }
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
                onChange={(v: string | number) => list.setFilter('server', String(v))}
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
                onChange={(v: string | number) => list.setFilter('status', String(v))}
              >
                <SingleSelectOption value="open">{t('inbox.status.open', 'Open')}</SingleSelectOption>
                <SingleSelectOption value="closed">{t('inbox.status.closed', 'Closed')}</SingleSelectOption>
                <SingleSelectOption value="all">{t('inbox.status.all', 'All')}</SingleSelectOption>
              </SingleSelect>
            </Box>
            <Box style={{ minWidth: 180 }}>
              <SingleSelect
                aria-label={t('inbox.filter.mail', 'Mail')}
                value={sender}
                onChange={(v: string | number) => list.setFilter('mail', v === 'all' ? '' : String(v))}
              >
                <SingleSelectOption value="all">{t('inbox.mail.all', 'All mail')}</SingleSelectOption>
                <SingleSelectOption value="people">{t('inbox.mail.people', 'From people')}</SingleSelectOption>
                <SingleSelectOption value="automatic">{t('inbox.mail.automatic', 'Automatic mail')}</SingleSelectOption>
              </SingleSelect>
            </Box>
            <Box style={{ minWidth: 170 }}>
              <SingleSelect
                aria-label={t('inbox.filter.owner', 'Owner')}
                value={owner}
                onChange={(v: string | number) => list.setFilter('owner', v === 'all' ? '' : String(v))}
              >
                <SingleSelectOption value="all">{t('inbox.owner.all', 'Everyone’s')}</SingleSelectOption>
                <SingleSelectOption value="me">{t('inbox.owner.me', 'Mine')}</SingleSelectOption>
                <SingleSelectOption value="none">{t('inbox.owner.none', 'Unassigned')}</SingleSelectOption>
              </SingleSelect>
            </Box>
            <Box style={{ minWidth: 180 }}>
              <SingleSelect
                aria-label={t('inbox.filter.customer', 'Customer')}
                value={customer}
                onChange={(v: string | number) => list.setFilter('customer', v === 'all' ? '' : String(v))}
              >
                <SingleSelectOption value="all">{t('inbox.customer.all', 'All customers')}</SingleSelectOption>
                <SingleSelectOption value="known">{t('inbox.customer.known', 'Known customers')}</SingleSelectOption>
                <SingleSelectOption value="unknown">{t('inbox.customer.unknown', 'Unknown senders')}</SingleSelectOption>
              </SingleSelect>
            </Box>
            <SearchInput
              label={t('inbox.search', 'Search subject, sender or text')}
              placeholder={t('inbox.search', 'Search subject, sender or text')}
            />
          </Flex>

          {conversations.isLoading ? (
            <Page.Loading />
          ) : conversations.isError || !conversations.data ? (
            <Page.Error />
          ) : conversations.data.data.length === 0 ? (
            <EmptyStateLayout content={t('inbox.empty', 'No conversation here')} />
          ) : (
            <>
              <Table colCount={5} rowCount={conversations.data.data.length + 1}>
                <TableHeader
                  columns={[
                    t('inbox.col.subject', 'Subject'),
                    t('inbox.col.from', 'From'),
                    t('inbox.col.server', 'Server'),
                    t('inbox.col.owner', 'Owner'),
                    t('inbox.col.last', 'Last activity'),
                  ]}
                />
                <Tbody>
                  {conversations.data.data.map((c) => (
                    <Tr key={c.documentId} onClick={() => navigate(c.documentId)} style={{ cursor: 'pointer' }}>
                      <Td>
                        <Flex gap={2}>
                          {c.unread ? <Badge active>{t('inbox.unread', 'New')}</Badge> : null}
                          {c.automatic ? <Badge>{t('inbox.automatic', 'Automatic')}</Badge> : null}
                          <Typography fontWeight={c.unread ? 'bold' : 'regular'}>{c.subject}</Typography>
                          <CampaignReplyBadge campaign={c.campaign} />
                        </Flex>
                      </Td>
                      <Td>
                        <Typography>{c.participants.map((p) => p.name || p.address).join(', ')}</Typography>
                      </Td>
                      <Td><Typography>{c.server.name}</Typography></Td>
                      <Td><Typography textColor={c.assignee ? 'neutral800' : 'neutral500'}>{c.assignee?.name ?? '—'}</Typography></Td>
                      <Td>
                        <Typography>{formatDate(c.lastMessageAt, { dateStyle: 'medium', timeStyle: 'short' })}</Typography>
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
              <ListPager pagination={conversations.data.meta.pagination} />
            </>
          )}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};
