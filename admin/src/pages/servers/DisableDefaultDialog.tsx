import * as React from 'react';
import type { PublicServer } from '../../../../shared/contracts/servers';
import { ConfirmActionDialog } from '../../components/ConfirmActionDialog';
import { useT } from '../../hooks/useT';
import { useDefaultFallbackSentence } from './DeleteServerDialog';
import type { ServerFormState } from './useServerForm';

/**
 * Saving the default server disabled moves Strapi's own mail elsewhere: the save asks first.
 * Returns the form's submit handler and the dialog to render.
 */
export const useConfirmDisableDefault = (server: PublicServer | undefined, form: ServerFormState) => {
  const t = useT();
  const fallback = useDefaultFallbackSentence();
  const [open, setOpen] = React.useState(false);

  const onSubmit = (event: React.FormEvent) => {
    if (server?.isDefault && server.enabled && form.values.enabled === false) {
      event.preventDefault();
      setOpen(true);
      return;
    }
    return form.submit(event);
  };

  const dialog = server ? (
    <ConfirmActionDialog
      open={open}
      onOpenChange={setOpen}
      title={t('disableDefault.title', 'Disable {name}', { name: server.name })}
      question={t('disableDefault.question', 'Save this server disabled?')}
      subject={server.name}
      consequences={[fallback]}
      confirmLabel={t('disableDefault.confirm', 'Disable and save')}
      loading={form.saving}
      onConfirm={async () => {
        setOpen(false);
        await form.submit({ preventDefault: () => undefined } as React.FormEvent);
      }}
    />
  ) : null;

  return { onSubmit, dialog };
};
