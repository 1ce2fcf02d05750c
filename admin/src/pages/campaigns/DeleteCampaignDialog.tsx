import { ConfirmActionDialog } from '../../components/ConfirmActionDialog';
import { useCampaignActions, type Campaign } from '../../hooks/useCampaigns';
import { useNotify } from '../../hooks/useNotify';
import { useT } from '../../hooks/useT';

interface DeleteCampaignDialogProps {
  campaign: Campaign;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onDeleted: () => void;
}

export const DeleteCampaignDialog = ({ campaign, open, onOpenChange, onDeleted }: DeleteCampaignDialogProps) => {
  const { attempt } = useNotify();
  const { remove } = useCampaignActions(campaign.documentId);
  const t = useT();

  const confirm = async () => {
    if (await attempt(() => remove.mutateAsync(), t('notification.deleted', 'Deleted {name}', { name: campaign.name }))) {
      onOpenChange(false);
      onDeleted();
    }
  };

  return (
    <ConfirmActionDialog
      open={open}
      onOpenChange={onOpenChange}
      title={t('deleteCampaign.title', 'Delete {name}', { name: campaign.name })}
      question={t('deleteCampaign.question', 'Are you sure you want to delete this campaign and its recipient list?')}
      subject={campaign.name}
      consequences={[t('delete.irreversible', 'This action cannot be undone.')]}
      confirmLabel={t('delete.confirm', 'Delete')}
      loading={remove.isLoading}
      onConfirm={confirm}
    />
  );
};
