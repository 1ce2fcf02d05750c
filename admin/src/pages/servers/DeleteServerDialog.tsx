import { ConfirmActionDialog } from '../../components/ConfirmActionDialog';
import { useNotify } from '../../hooks/useNotify';
import { useDeleteServer } from '../../hooks/useServers';
import { useT } from '../../hooks/useT';

interface DeleteServerDialogProps {
  server: { documentId: string; name: string };
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onDeleted?: () => void;
}

/** The confirmation every delete goes through; it names the server and says it is final. */
export const DeleteServerDialog = ({ server, open, onOpenChange, onDeleted }: DeleteServerDialogProps) => {
  const t = useT();
  const { attempt } = useNotify();
  const deleteServer = useDeleteServer();

  const confirm = async () => {
    const deleted = t('notification.deleted', 'Deleted {name}', { name: server.name });
    if (await attempt(() => deleteServer.mutateAsync(server.documentId), deleted)) {
      onOpenChange(false);
      onDeleted?.();
    }
  };

  return (
    <ConfirmActionDialog
      open={open}
      onOpenChange={onOpenChange}
      title={t('delete.title', 'Delete {name}', { name: server.name })}
      question={t('delete.question', 'Are you sure you want to delete this Email Server?')}
      subject={server.name}
      consequences={[t('delete.irreversible', 'This action cannot be undone.')]}
      confirmLabel={t('delete.confirm', 'Delete')}
      loading={deleteServer.isLoading}
      onConfirm={confirm}
    />
  );
};
