import * as React from 'react';
import { Layouts, Page, useRBAC } from '@strapi/strapi/admin';
import {
  Badge,
  Box,
  Button,
  EmptyStateLayout,
  Flex,
  IconButton,
  Table,
  Tbody,
  Td,
  Tr,
  Typography,
} from '@strapi/design-system';
import { Pencil, Plus, Trash } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { useNavigate } from 'react-router-dom';
import { TableHeader } from '../../components/TableHeader';
import { useServers, type PublicServer } from '../../hooks/useServers';
import { useT } from '../../hooks/useT';
import { PERMISSIONS } from '../../permissions';
import { DeleteServerDialog } from './DeleteServerDialog';

const TYPE_LABELS: Record<string, string> = { smtp: 'SMTP', sendgrid: 'SendGrid' };

export const ServerListPage = () => {
  const { formatDate } = useIntl();
  const navigate = useNavigate();
  const { data: servers, isLoading, isError } = useServers();
  const { allowedActions } = useRBAC({
    create: PERMISSIONS.create,
    update: PERMISSIONS.update,
    delete: PERMISSIONS.delete,
  });
  const [toDelete, setToDelete] = React.useState<PublicServer | null>(null);
  const t = useT();

  const title = t('list.title', 'Email servers');
  if (isLoading) return <Page.Loading />;
  if (isError || !servers) return <Page.Error />;

  const createButton = allowedActions.canCreate ? (
    <Button startIcon={<Plus />} onClick={() => navigate('create')}>
      {t('list.create', 'Create new server')}
    </Button>
  ) : undefined;

  return (
    <Page.Main>
      <Page.Title>{title}</Page.Title>
      <Layouts.Header
        title={title}
        subtitle={t('list.subtitle', 'The SMTP and SendGrid servers Strapi sends and receives mail through')}
        primaryAction={createButton}
      />
      <Layouts.Content>
        {servers.length === 0 ? (
          <EmptyStateLayout
            content={t('list.empty', 'No email server yet')}
            action={createButton}
          />
        ) : (
          <Table colCount={10} rowCount={servers.length + 1}>
            <TableHeader
              columns={[
                t('field.name', 'Name'),
                t('field.type', 'Server type'),
                t('field.senderEmail', 'Sender email'),
                t('field.isDefault', 'Default'),
                t('field.enabled', 'Enabled'),
                t('list.lastCheck', 'Last check'),
                t('list.sentToday', 'Messages today'),
                t('list.lastSend', 'Last send'),
                t('list.lastPoll', 'Last poll'),
                { hidden: t('list.actions', 'Actions') },
              ]}
            />
            <Tbody>
              {servers.map((server) => (
                <Tr
                  key={server.documentId}
                  onClick={() => navigate(server.documentId)}
                  style={{ cursor: 'pointer' }}
                  data-testid={`server-row-${server.name}`}
                >
                  <Td>
                    <Flex gap={2}>
                      <Typography fontWeight="bold">{server.name}</Typography>
                      {server.oauthAttention ? (
                        <Badge textColor="danger600" title={server.oauthAttention} data-testid="oauth-attention-badge">
                          {t('list.reconnect', 'Needs attention: reconnect the account')}
                        </Badge>
                      ) : null}
                    </Flex>
                  </Td>
                  <Td><Typography>{TYPE_LABELS[server.type] ?? server.type}</Typography></Td>
                  <Td><Typography>{server.senderEmail}</Typography></Td>
                  <Td>
                    {server.isDefault ? <Badge active>{t('list.default', 'Default')}</Badge> : null}
                  </Td>
                  <Td>
                    <Typography textColor={server.enabled ? 'success600' : 'neutral500'}>
                      {server.enabled ? t('list.enabled', 'Enabled') : t('list.disabled', 'Disabled')}
                    </Typography>
                    {server.status?.needsAttention?.length ? (
                      <Box>
                        <Badge textColor="danger600" title={server.status.needsAttention.join(' ')} data-testid="needs-attention">
                          {t('list.attention', 'Needs attention')}
                        </Badge>
                      </Box>
                    ) : null}
                  </Td>
                  <Td>
                    <Typography textColor={server.lastCheckOk === false ? 'danger600' : undefined}>
                      {server.lastCheckAt
                        ? `${server.lastCheckOk ? t('list.checkOk', 'OK') : server.lastCheckMessage ?? ''} · ${formatDate(server.lastCheckAt, { dateStyle: 'short', timeStyle: 'short' })}`
                        : t('list.neverChecked', 'Never')}
                    </Typography>
                  </Td>
                  <Td data-testid="sent-today">
                    <Typography>
                      {server.dailyLimit ? `${server.status.sentToday} / ${server.dailyLimit}` : String(server.status.sentToday)}
                    </Typography>
                    {server.hourlyLimit ? (
                      <Typography variant="pi" textColor="neutral600" tag="p">
                        {t('list.thisHour', '{count} / {limit} this hour', { count: server.status.sentThisHour, limit: server.hourlyLimit })}
                      </Typography>
                    ) : null}
                  </Td>
                  <Td data-testid="last-send">
                    {server.status.lastSendError ? (
                      <Typography textColor="danger600" title={server.status.lastSendError} ellipsis style={{ maxWidth: 240, display: 'block' }}>
                        {server.status.lastSendError}
                      </Typography>
                    ) : (
                      <Typography>
                        {server.status.lastSendAt ? formatDate(server.status.lastSendAt, { dateStyle: 'short', timeStyle: 'short' }) : t('list.neverSent', 'Never')}
                      </Typography>
                    )}
                  </Td>
                  <Td data-testid="last-poll">
                    <Typography textColor={server.status.lastPollOk === false ? 'danger600' : undefined} title={server.status.lastPollMessage ?? undefined}>
                      {server.status.lastPollAt
                        ? `${server.status.lastPollOk ? t('list.checkOk', 'OK') : t('list.pollFailed', 'Failed')} · ${formatDate(server.status.lastPollAt, { dateStyle: 'short', timeStyle: 'short' })}`
                        : '—'}
                    </Typography>
                  </Td>
                  <Td onClick={(e: React.MouseEvent) => e.stopPropagation()}>
                    <Flex gap={1} justifyContent="flex-end">
                      {allowedActions.canUpdate ? (
                        <IconButton
                          label={t('list.edit', 'Edit {name}', { name: server.name })}
                          variant="ghost"
                          onClick={() => navigate(server.documentId)}
                        >
                          <Pencil />
                        </IconButton>
                      ) : null}
                      {allowedActions.canDelete ? (
                        <IconButton
                          label={t('list.delete', 'Delete {name}', { name: server.name })}
                          variant="ghost"
                          onClick={() => setToDelete(server)}
                        >
                          <Trash />
                        </IconButton>
                      ) : null}
                    </Flex>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
        <Box paddingTop={4} />
      </Layouts.Content>
      {toDelete ? (
        <DeleteServerDialog
          server={toDelete}
          open
          onOpenChange={(open) => !open && setToDelete(null)}
        />
      ) : null}
    </Page.Main>
  );
};
