import * as React from 'react';
import { ConfirmDialog } from '@strapi/strapi/admin';
import { Button, Dialog, Flex, Typography } from '@strapi/design-system';
import { WarningCircle } from '@strapi/icons';
import { useNotify } from '../../hooks/useNotify';
import { useTemplateActions, type Template } from '../../hooks/useTemplates';
import { useT } from '../../hooks/useT';
import { InUseRefusal, refusalOf, type Refusal } from '../../components/InUseRefusal';

interface DeleteLayoutDialogProps {
  layout: Template | null;
  onOpenChange: (open: boolean) => void;
  onDeleted?: () => void;
}


/** Confirms with the layout's name; a layout that scheduled or sending campaigns use stays, and they are named. */
export const DeleteLayoutDialog = ({ layout, onOpenChange, onDeleted }: DeleteLayoutDialogProps) => {
  const t = useT();
  const { toggleNotification } = useNotify();
  const { remove } = useTemplateActions();
  const [refusal, setRefusal] = React.useState<Refusal | null>(null);
  React.useEffect(() => setRefusal(null), [layout?.documentId]);

  const confirm = async () => {
    if (!layout) return;
    try {
      await remove.mutateAsync(layout.documentId);
      toggleNotification({ type: 'success', message: t('layouts.deleted', 'Deleted {name}', { name: layout.name }) });
      onOpenChange(false);
      onDeleted?.();
    } catch (error: any) {
      const fallback = t('layouts.deleteFailed', 'The layout could not be deleted.');
      setRefusal(refusalOf(error, fallback) ?? { message: error?.response?.data?.error?.message ?? fallback, campaigns: [] });
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
          {refusal ? <InUseRefusal refusal={refusal} testId="layout-in-use" /> : null}
        </Flex>
      </ConfirmDialog>
    </Dialog.Root>
  );
};
