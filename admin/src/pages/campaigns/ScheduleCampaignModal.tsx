import * as React from 'react';
import { Button, Field, Modal, TextInput } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { useCampaignActions, type Campaign } from '../../hooks/useCampaigns';
import { useNotify } from '../../hooks/useNotify';
import { useT } from '../../hooks/useT';
import { errorsFromResponse } from '../../utils/formErrors';

interface ScheduleCampaignModalProps {
  campaign: Campaign;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

/** A datetime-local value is the browser's local time; the server gets it as an ISO instant. */
export const ScheduleCampaignModal = ({ campaign, open, onOpenChange }: ScheduleCampaignModalProps) => {
  const { formatDate } = useIntl();
  const { toggleNotification, failed } = useNotify();
  const { send } = useCampaignActions(campaign.documentId);
  const [value, setValue] = React.useState('');
  const [error, setError] = React.useState<string | undefined>();
  const t = useT();

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const at = value ? new Date(value) : null;
    if (!at || Number.isNaN(at.getTime()) || at.getTime() <= Date.now()) {
      setError(t('schedule.future', 'Choose a time in the future.'));
      return;
    }
    try {
      const saved = await send.mutateAsync(at.toISOString());
      toggleNotification({
        type: 'success',
        message: t('notification.scheduled', 'Scheduled {name} for {date}', {
          name: saved.name,
          date: formatDate(at, { dateStyle: 'medium', timeStyle: 'short' }),
        }),
      });
      onOpenChange(false);
    } catch (failure) {
      setError(errorsFromResponse(failure).at);
      failed(failure);
    }
  };

  return (
    <Modal.Root open={open} onOpenChange={onOpenChange}>
      <Modal.Content>
        <form noValidate onSubmit={submit}>
          <Modal.Header>
            <Modal.Title>{t('schedule.title', 'Schedule campaign')}</Modal.Title>
          </Modal.Header>
          <Modal.Body>
            <Field.Root
              name="at"
              id="campaign-send-at"
              required
              error={error}
              hint={t('schedule.hint', 'In your browser’s time zone')}
            >
              <Field.Label>{t('schedule.at', 'Send at')}</Field.Label>
              <TextInput
                type="datetime-local"
                value={value}
                onChange={(e: React.ChangeEvent<HTMLInputElement>) => {
                  setValue(e.target.value);
                  setError(undefined);
                }}
              />
              <Field.Hint />
              <Field.Error />
            </Field.Root>
          </Modal.Body>
          <Modal.Footer>
            <Modal.Close>
              <Button variant="tertiary">{t('schedule.close', 'Cancel')}</Button>
            </Modal.Close>
            <Button type="submit" loading={send.isLoading}>
              {t('schedule.confirm', 'Schedule')}
            </Button>
          </Modal.Footer>
        </form>
      </Modal.Content>
    </Modal.Root>
  );
};
