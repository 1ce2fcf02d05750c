import { ConfirmActionDialog } from '../../components/ConfirmActionDialog';
import type { Campaign } from '../../hooks/useCampaigns';
import { useT } from '../../hooks/useT';

interface SendCampaignDialogProps {
  campaign: Campaign;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  loading: boolean;
  onConfirm: () => void;
}

/** A mail once sent cannot be recalled: "Send now" says to how many and through which server first. */
export const SendCampaignDialog = ({ campaign, open, onOpenChange, loading, onConfirm }: SendCampaignDialogProps) => {
  const t = useT();
  return (
    <ConfirmActionDialog
      tone="primary"
      open={open}
      onOpenChange={onOpenChange}
      title={t('sendCampaign.title', 'Send campaign')}
      question={t('sendCampaign.question', 'Send this campaign now?')}
      subject={campaign.name}
      consequences={[
        t('sendCampaign.recipients', 'It goes to {count, plural, one {# recipient} other {# recipients}} through {server}.', {
          count: campaign.counts.queued,
          server: campaign.server?.name ?? '?',
        }),
        t('sendCampaign.irreversible', 'Mails that went out cannot be recalled.'),
      ]}
      dismissLabel={t('sendCampaign.notYet', 'Not yet')}
      confirmLabel={t('sendCampaign.confirm', 'Yes, send now')}
      loading={loading}
      onConfirm={onConfirm}
    />
  );
};
