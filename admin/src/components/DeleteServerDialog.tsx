import { ConfirmDialog, useAPIErrorHandler, useNotification } from '@strapi/strapi/admin';
import { Button, Dialog, Flex, Typography } from '@strapi/design-system';
import { WarningCircle } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { useDeleteServer } from '../hooks/useServers';
import { getTranslation } from '../utils/getTranslation';

interface DeleteServerDialogProps {
  server: { documentId: string; name: string };
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onDeleted?: () => void;
}

/** The confirmation every delete goes through; it names the server and says it is final. */
export const DeleteServerDialog = ({ server, open, onOpenChange, onDeleted }: DeleteServerDialogProps) => {
  const { formatMessage } = useIntl();
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  const deleteServer = useDeleteServer();

  const confirm = async () => {
    try {
      await deleteServer.mutateAsync(server.documentId);
      toggleNotification({
        type: 'success',
        message: formatMessage(
          { id: getTranslation('notification.deleted'), defaultMessage: 'Deleted {name}' },
          { name: server.name }
        ),
      });
      onOpenChange(false);
      onDeleted?.();
    } catch (error) {
      toggleNotification({ type: 'danger', message: formatAPIError(error as any) });
    }
  };

  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <ConfirmDialog
        variant="danger-light"
        icon={<WarningCircle width="24px" height="24px" fill="danger600" />}
        title={formatMessage(
          { id: getTranslation('delete.title'), defaultMessage: 'Delete {name}' },
          { name: server.name }
        )}
        endAction={
          <Button
            fullWidth
            variant="danger-light"
            loading={deleteServer.isLoading}
            onClick={confirm}
          >
            {formatMessage({ id: getTranslation('delete.confirm'), defaultMessage: 'Delete' })}
          </Button>
        }
      >
        <Flex direction="column" gap={2}>
          <Typography textAlign="center">
            {formatMessage({
              id: getTranslation('delete.question'),
              defaultMessage: 'Are you sure you want to delete this Email Server?',
            })}
          </Typography>
          <Typography textAlign="center" fontWeight="bold">
            {server.name}
          </Typography>
          <Typography textAlign="center" textColor="danger600">
            {formatMessage({
              id: getTranslation('delete.irreversible'),
              defaultMessage: 'This action cannot be undone.',
            })}
          </Typography>
        </Flex>
      </ConfirmDialog>
    </Dialog.Root>
  );
};
