import { Layouts, Page, useRBAC } from '@strapi/strapi/admin';
import {
  Box,
  Button,
  EmptyStateLayout,
  Flex,
  Table,
  Tbody,
  Td,
  Tr,
  Typography,
} from '@strapi/design-system';
import { Layout, Plus, Shield } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { useNavigate } from 'react-router-dom';
import { TableHeader } from '../../components/TableHeader';
import { finishedCount, useCampaigns } from '../../hooks/useCampaigns';
import { useT } from '../../hooks/useT';
import { CAMPAIGN_PERMISSIONS } from '../../permissions';
import { Bar } from './CampaignProgress';
import { CampaignStatusBadge } from './StatusBadges';

export const CampaignListPage = () => {
  const { formatDate } = useIntl();
  const navigate = useNavigate();
  const { data: campaigns, isLoading } = useCampaigns();
  const { allowedActions } = useRBAC({ create: CAMPAIGN_PERMISSIONS.create });
  // useRBAC names a result by the action's last word ("read"), so layouts get a call of their own.
  const layouts = useRBAC({ read: CAMPAIGN_PERMISSIONS.templatesRead }).allowedActions.canRead;
  const t = useT();

  const title = t('campaigns.title', 'Campaigns');
  // A failed poll keeps the last list on screen.
  if (!campaigns) return isLoading ? <Page.Loading /> : <Page.Error />;

  const createButton = allowedActions.canCreate ? (
    <Button startIcon={<Plus />} onClick={() => navigate('create')}>
      {t('campaigns.create', 'Create campaign')}
    </Button>
  ) : undefined;

  return (
    <Page.Main>
      <Page.Title>{title}</Page.Title>
      <Layouts.Header
        title={title}
        subtitle={t('campaigns.subtitle', 'Mail sent to a list of recipients through one of your email servers')}
        primaryAction={
          <Flex gap={2}>
            {layouts ? (
              <Button variant="secondary" startIcon={<Layout />} onClick={() => navigate('layouts')}>
                {t('campaigns.layouts', 'Layouts')}
              </Button>
            ) : null}
            <Button variant="secondary" startIcon={<Shield />} onClick={() => navigate('suppressions')}>
              {t('campaigns.suppressions', 'Suppression list')}
            </Button>
            {createButton}
          </Flex>
        }
      />
      <Layouts.Content>
        {campaigns.length === 0 ? (
          <EmptyStateLayout content={t('campaigns.empty', 'No campaign yet')} action={createButton} />
        ) : (
          <Table colCount={5} rowCount={campaigns.length + 1}>
            <TableHeader
              columns={[
                t('campaigns.col.name', 'Name'),
                t('campaigns.col.server', 'Server'),
                t('campaigns.col.status', 'Status'),
                t('campaigns.col.progress', 'Progress'),
                t('campaigns.col.created', 'Created'),
              ]}
            />
            <Tbody>
              {campaigns.map((campaign) => {
                const done = finishedCount(campaign.counts);
                const total = campaign.counts.total;
                return (
                  <Tr
                    key={campaign.documentId}
                    onClick={() => navigate(campaign.documentId)}
                    style={{ cursor: 'pointer' }}
                    data-testid={`campaign-row-${campaign.name}`}
                  >
                    <Td><Typography fontWeight="bold">{campaign.name}</Typography></Td>
                    <Td>
                      <Typography textColor={campaign.server ? undefined : 'neutral500'}>
                        {campaign.server?.name ?? t('campaigns.serverDeleted', 'Deleted server')}
                      </Typography>
                    </Td>
                    <Td><CampaignStatusBadge status={campaign.status} /></Td>
                    <Td>
                      <Flex gap={2} alignItems="center">
                        <Bar
                          size="S"
                          value={total === 0 ? 0 : Math.round((done / total) * 100)}
                          aria-label={t('campaigns.progressOf', 'Progress of {name}', { name: campaign.name })}
                        />
                        <Typography>{`${done} / ${total}`}</Typography>
                      </Flex>
                    </Td>
                    <Td>
                      <Typography>{formatDate(campaign.createdAt, { dateStyle: 'medium', timeStyle: 'short' })}</Typography>
                    </Td>
                  </Tr>
                );
              })}
            </Tbody>
          </Table>
        )}
        <Box paddingTop={4} />
      </Layouts.Content>
    </Page.Main>
  );
};
