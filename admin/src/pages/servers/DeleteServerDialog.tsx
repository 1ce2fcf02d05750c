import * as React from 'react';
import { ConfirmActionDialog } from '../../components/ConfirmActionDialog';
import { InUseRefusal, refusalOf, type Refusal } from '../../components/InUseRefusal';
import { useNotify } from '../../hooks/useNotify';
import { useDeleteServer } from '../../hooks/useServers';
import { useT } from '../../hooks/useT';

interface DeleteServerDialogProps {
  server: { documentId: string; name: string; isDefault?: boolean };
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onDeleted?: () => void;
}

/** What happens to Strapi's own mail once the default server is gone or disabled. */
export const useDefaultFallbackSentence = () => {
  const t = useT();
  return t(
    'servers.defaultFallback',
    "This is the default server: Strapi's own mail (password resets, invitations) goes back to the email provider configured in config/plugins."
  );
};

/**
 * The confirmation every delete goes through; it names the server and says it is final. A server
 * that campaigns under way go through stays (409), and the dialog names them.
 */
export const DeleteServerDialog = ({ server, open, onOpenChange, onDeleted }: DeleteServerDialogProps) => {
  const t = useT();
  const { toggleNotification, failed } = useNotify();
  const deleteServer = useDeleteServer();
  const fallback = useDefaultFallbackSentence();
  const [refusal, setRefusal] = React.useState<Refusal | null>(null);
  React.useEffect(() => setRefusal(null), [server.documentId, open]);

  const confirm = async () => {
    try {
      await deleteServer.mutateAsync(server.documentId);
    } catch (error) {
      const inUse = refusalOf(error, t('delete.inUse', 'Campaigns under way go through this server.'));
      return inUse ? setRefusal(inUse) : failed(error);
    }
    toggleNotification({ type: 'success', message: t('notification.deleted', 'Deleted {name}', { name: server.name }) });
    onOpenChange(false);
    onDeleted?.();
  };

  return (
    <ConfirmActionDialog
      open={open}
      onOpenChange={onOpenChange}
      title={t('delete.title', 'Delete {name}', { name: server.name })}
      question={t('delete.question', 'Are you sure you want to delete this Email Server?')}
      subject={server.name}
      consequences={[t('delete.irreversible', 'This action cannot be undone.'), ...(server.isDefault ? [fallback] : [])]}
      confirmLabel={t('delete.confirm', 'Delete')}
      loading={deleteServer.isLoading}
      onConfirm={confirm}
    >
      {refusal ? <InUseRefusal refusal={refusal} testId="server-in-use" /> : null}
    </ConfirmActionDialog>
  );
};
