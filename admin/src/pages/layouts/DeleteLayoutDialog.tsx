import * as React from 'react';
import { ConfirmDialog } from '@strapi/strapi/admin';
import { Button, Dialog, Flex, Typography } from '@strapi/design-system';
import { WarningCircle } from '@strapi/icons';
import { useNotify } from '../../hooks/useNotify';
import { useTemplateActions, type Template } from '../../hooks/useTemplates';
import { useT } from '../../hooks/useT';

interface DeleteLayoutDialogProps {
  layout: Template | null;
  onOpenChange: (open: boolean) => void;
  onDeleted?: () => void;
}

/** The campaigns a 409 names, whatever shape the server gives them (names, or objects with a name). */
const campaignsOf = (error: any): string[] => {
  const list = error?.response?.data?.error?.details?.campaigns;
  if (!Array.isArray(list)) return [];
  return list.map((c: any) => (typeof c === 'string' ? c : (c?.name ?? c?.documentId))).filter(Boolean);
};

/** Confirms with the layout's name; a layout that scheduled or sending campaigns use stays, and they are named. */
export const DeleteLayoutDialog = ({ layout, onOpenChange, onDeleted }: DeleteLayoutDialogProps) => {
  const t = useT();
  const { toggleNotification } = useNotify();
  const { remove } = useTemplateActions();
  const [refusal, setRefusal] = React.useState<{ message: string; campaigns: string[] } | null>(null);
  React.useEffect(() => setRefusal(null), [layout?.documentId]);

  const confirm = async () => {
    if (!layout) return;
    try {
      await remove.mutateAsync(layout.documentId);
      toggleNotification({ type: 'success', message: t('layouts.deleted', 'Deleted {name}', { name: layout.name }) });
      onOpenChange(false);
      onDeleted?.();
    } catch (error: any) {
      setRefusal({
        message: error?.response?.data?.error?.message ?? t('layouts.deleteFailed', 'The layout could not be deleted.'),
        campaigns: campaignsOf(error),
      });
    }
  };

  return (
    <Dialog.Root open={Boolean(layout)} onOpenChange={onOpenChange}>
      <ConfirmDialog
        variant="danger-light"
        icon={<WarningCircle width="24px" height="24px" fill="danger600" />}
        title={t('layouts.deleteTitle', 'Delete {name}', { name: layout?.name ?? '' })}
        endAction={
          <Button fullWidth variant="danger-light" loading={remove.isLoading} onClick={confirm}>
            {t('delete.confirm', 'Delete')}
          </Button>
        }
      >
        <Flex direction="column" gap={2}>
          <Typography textAlign="center">{t('layouts.deleteQuestion', 'Are you sure you want to delete this layout?')}</Typography>
          <Typography textAlign="center" fontWeight="bold">
            {layout?.name}
          </Typography>
          <Typography textAlign="center" textColor="danger600">
            {t('delete.irreversible', 'This action cannot be undone.')}
          </Typography>
          {refusal ? (
            <Flex direction="column" gap={1} data-testid="layout-in-use">
              <Typography textAlign="center" textColor="danger600" fontWeight="bold">
                {refusal.message}
              </Typography>
              {refusal.campaigns.map((name) => (
                <Typography key={name} textAlign="center">
                  {name}
                </Typography>
              ))}
            </Flex>
          ) : null}
        </Flex>
      </ConfirmDialog>
    </Dialog.Root>
  );
};
