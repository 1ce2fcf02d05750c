import { ConfirmActionDialog } from '../../components/ConfirmActionDialog';
import { useCampaignActions, type Campaign } from '../../hooks/useCampaigns';
import { useNotify } from '../../hooks/useNotify';
import { useT } from '../../hooks/useT';

interface CancelCampaignDialogProps {
  campaign: Campaign;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

/** Cancelling drops every recipient not sent to yet, so it is always confirmed first. */
export const CancelCampaignDialog = ({ campaign, open, onOpenChange }: CancelCampaignDialogProps) => {
  const { attempt } = useNotify();
  const { cancel } = useCampaignActions(campaign.documentId);
  const t = useT();
  const remaining = campaign.counts.queued + campaign.counts.sending;

  const confirm = async () => {
    if (await attempt(() => cancel.mutateAsync(), t('notification.campaignCancelled', 'Cancelled {name}', { name: campaign.name }))) onOpenChange(false);
  };

  return (
    <ConfirmActionDialog
      open={open}
      onOpenChange={onOpenChange}
      title={t('cancelCampaign.title', 'Cancel campaign')}
      question={t('cancelCampaign.question', 'Are you sure you want to cancel this campaign?')}
      subject={campaign.name}
      consequences={[
        t(
          'cancelCampaign.remaining',
          'The remaining {count, plural, one {# recipient} other {# recipients}} will not be sent to.',
          { count: remaining }
        ),
        t('cancelCampaign.irreversible', 'This cannot be undone.'),
      ]}
      dismissLabel={t('cancelCampaign.keep', 'Keep campaign')}
      confirmLabel={t('cancelCampaign.confirm', 'Yes, cancel campaign')}
      loading={cancel.isLoading}
      onConfirm={confirm}
    />
  );
};
