import { Badge } from '@strapi/design-system';
import type { CampaignStatus, RecipientStatus } from '../../hooks/useCampaigns';
import { useT } from '../../hooks/useT';

const CAMPAIGN_LABELS: Record<CampaignStatus, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  sending: 'Sending',
  paused: 'Paused',
  completed: 'Completed',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

const CAMPAIGN_VARIANTS: Record<CampaignStatus, string> = {
  draft: 'neutral',
  scheduled: 'secondary',
  sending: 'primary',
  paused: 'warning',
  completed: 'success',
  cancelled: 'neutral',
  failed: 'danger',
};

const RECIPIENT_LABELS: Record<RecipientStatus, string> = {
  queued: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed',
  bounced: 'Bounced',
  unsubscribed: 'Unsubscribed',
  suppressed: 'Suppressed',
  cancelled: 'Cancelled',
};

const RECIPIENT_VARIANTS: Record<RecipientStatus, string> = {
  queued: 'neutral',
  sending: 'primary',
  sent: 'success',
  failed: 'danger',
  bounced: 'danger',
  unsubscribed: 'warning',
  suppressed: 'warning',
  cancelled: 'neutral',
};

export const useStatusLabels = () => {
  const t = useT();
  return {
    campaign: (status: CampaignStatus) => t(`campaign.status.${status}`, CAMPAIGN_LABELS[status] ?? status),
    recipient: (status: RecipientStatus) => t(`recipient.status.${status}`, RECIPIENT_LABELS[status] ?? status),
  };
};

export const CampaignStatusBadge = ({ status }: { status: CampaignStatus }) => {
  const labels = useStatusLabels();
  return (
    <Badge variant={CAMPAIGN_VARIANTS[status]} data-testid="campaign-status">
      {labels.campaign(status)}
    </Badge>
  );
};

export const RecipientStatusBadge = ({ status }: { status: RecipientStatus }) => {
  const labels = useStatusLabels();
  return <Badge variant={RECIPIENT_VARIANTS[status]}>{labels.recipient(status)}</Badge>;
};
