import * as React from 'react';
import {
  BackButton,
  Layouts,
  Page,
  useRBAC,
} from '@strapi/strapi/admin';
import { Alert, Button, Flex, Typography } from '@strapi/design-system';
import { Check, Clock, Cross, Mail, PaperPlane, Play, Trash } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { useNavigate, useParams } from 'react-router-dom';
import { Panel } from '../../components/Layout';
import { MailBody } from '../../components/MailBody';
import { useCampaign, useCampaignActions, type Campaign, type CampaignStatus } from '../../hooks/useCampaigns';
import { useNotify } from '../../hooks/useNotify';
import { useT } from '../../hooks/useT';
import { CAMPAIGN_PERMISSIONS } from '../../permissions';
import { CampaignFields, toCampaignPayload, useCampaignForm } from './CampaignFields';
import { CampaignProgress } from './CampaignProgress';
import { CancelCampaignDialog } from './CancelCampaignDialog';
import { DeleteCampaignDialog } from './DeleteCampaignDialog';
import { ImportRecipients } from './ImportRecipients';
import { RecipientsTable } from './RecipientsTable';
import { ScheduleCampaignModal } from './ScheduleCampaignModal';
import { SendCampaignDialog } from './SendCampaignDialog';
import { TestSendDialog } from './TestSendDialog';
import { CampaignStatusBadge } from './StatusBadges';

const EDITABLE: CampaignStatus[] = ['draft', 'scheduled'];
const CANCELLABLE: CampaignStatus[] = ['scheduled', 'sending', 'paused'];
// The server refuses to delete while the queue may still hold its recipients.
const DELETABLE: CampaignStatus[] = ['draft', 'completed', 'cancelled', 'failed'];

const CampaignDetail = ({ campaign }: { campaign: Campaign }) => {
  const { formatDate } = useIntl();
  const navigate = useNavigate();
  const { toggleNotification, failed } = useNotify();
  const actions = useCampaignActions(campaign.documentId);
  const { allowedActions } = useRBAC({ create: CAMPAIGN_PERMISSIONS.create, send: CAMPAIGN_PERMISSIONS.send });
  const form = useCampaignForm(campaign);
  const [dialog, setDialog] = React.useState<'send' | 'cancel' | 'delete' | 'schedule' | 'test' | null>(null);
  const [hiddenReason, setHiddenReason] = React.useState<string | null>(null);
  const t = useT();

  const { status } = campaign;
  const editable = EDITABLE.includes(status) && allowedActions.canCreate;

  const run = async (mutation: { mutateAsync: () => Promise<Campaign> }, id: string, defaultMessage: string) => {
    try {
      const updated = await mutation.mutateAsync();
      toggleNotification({ type: 'success', message: t(id, defaultMessage, { name: updated.name }) });
    } catch (error) {
      // Sending re-checks the message (e.g. a server disabled since): show that under its field.
      if (editable) form.fail(error);
      failed(error);
    }
  };

  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!(await form.check())) {
      toggleNotification({ type: 'warning', message: t('form.invalid', 'Some fields need your attention.') });
      return;
    }
    try {
      const saved = await actions.update.mutateAsync(toCampaignPayload(form.values));
      form.reset(saved);
      toggleNotification({ type: 'success', message: t('notification.updated', 'Saved {name}', { name: saved.name }) });
    } catch (error) {
      form.fail(error);
      failed(error);
    }
  };

  // Sending what is on screen matters: unsaved edits would not go out.
  const unsaved = editable && form.dirty;
  const buttons: React.ReactNode[] = [];
  if (allowedActions.canCreate) {
    // The test renders the saved campaign: with unsaved edits it would show something else.
    buttons.push(
      <Button key="test" variant="secondary" startIcon={<Mail />} disabled={unsaved} onClick={() => setDialog('test')}>
        {t('campaign.test', 'Send test')}
      </Button>
    );
  }
  if (allowedActions.canSend && status === 'draft') {
    buttons.push(
      <Button
        key="send"
        startIcon={<PaperPlane />}
        disabled={unsaved}
        loading={actions.send.isLoading}
        onClick={() => setDialog('send')}
      >
        {t('campaign.sendNow', 'Send now')}
      </Button>,
      <Button key="schedule" variant="secondary" startIcon={<Clock />} disabled={unsaved} onClick={() => setDialog('schedule')}>
        {t('campaign.schedule', 'Schedule…')}
      </Button>
    );
  }
  if (allowedActions.canSend && status === 'sending') {
    buttons.push(
      <Button key="pause" variant="secondary" loading={actions.pause.isLoading} onClick={() => run(actions.pause, 'notification.paused', 'Paused {name}')}>
        {t('campaign.pause', 'Pause')}
      </Button>
    );
  }
  if (allowedActions.canSend && status === 'paused') {
    buttons.push(
      <Button key="resume" startIcon={<Play />} loading={actions.resume.isLoading} onClick={() => run(actions.resume, 'notification.resumed', 'Resumed {name}')}>
        {t('campaign.resume', 'Resume')}
      </Button>
    );
  }
  if (allowedActions.canSend && CANCELLABLE.includes(status)) {
    buttons.push(
      <Button key="cancel" variant="danger-light" startIcon={<Cross />} onClick={() => setDialog('cancel')}>
        {t('campaign.cancel', 'Cancel campaign')}
      </Button>
    );
  }
  if (allowedActions.canCreate && DELETABLE.includes(status)) {
    buttons.push(
      <Button key="delete" variant="danger-light" startIcon={<Trash />} onClick={() => setDialog('delete')}>
        {t('form.delete', 'Delete')}
      </Button>
    );
  }

  const subtitle = [
    campaign.server?.name ?? t('campaigns.serverDeleted', 'Deleted server'),
    status === 'scheduled' && campaign.scheduledAt
      ? t('campaign.scheduledFor', 'Scheduled for {date}', {
          date: formatDate(campaign.scheduledAt, { dateStyle: 'medium', timeStyle: 'short' }),
        })
      : null,
    campaign.completedAt
      ? t('campaign.completedAt', 'Finished {date}', {
          date: formatDate(campaign.completedAt, { dateStyle: 'medium', timeStyle: 'short' }),
        })
      : null,
  ]
    .filter(Boolean)
    .join(' · ');

  return (
    <Page.Main>
      <Page.Title>{campaign.name}</Page.Title>
      <Layouts.Header
        navigationAction={<BackButton fallback=".." disabled={false} />}
        title={campaign.name}
        subtitle={subtitle}
        secondaryAction={<CampaignStatusBadge status={status} />}
        primaryAction={buttons.length ? <Flex gap={2}>{buttons}</Flex> : undefined}
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {campaign.pauseReason && status === 'paused' && hiddenReason !== campaign.pauseReason ? (
            <Alert
              variant="warning"
              title={t('campaign.pausedBySystem', 'Sending paused itself')}
              closeLabel={t('campaign.dismiss', 'Dismiss')}
              onClose={() => setHiddenReason(campaign.pauseReason)}
              data-testid="pause-reason"
            >
              {campaign.pauseReason}
            </Alert>
          ) : null}
          {campaign.waitReason && status === 'sending' ? (
            <Alert variant="default" title={t('campaign.waitingForLimit', 'Waiting for the next window')} closeLabel={t('campaign.dismiss', 'Dismiss')} data-testid="wait-reason">
              {campaign.waitReason}
            </Alert>
          ) : null}

          <Panel title={t('campaign.section.progress', 'Progress')}>
            <CampaignProgress counts={campaign.counts} />
          </Panel>

          <Panel title={t('campaign.section.message', 'Message')}>
            {editable ? (
              <form noValidate onSubmit={save}>
                <Flex direction="column" alignItems="stretch" gap={4}>
                  <CampaignFields form={form} current={campaign} />
                  <Flex justifyContent="flex-end" gap={2}>
                    {unsaved ? (
                      <Typography variant="pi" textColor="neutral600">
                        {t('campaign.unsaved', 'Save your changes before sending.')}
                      </Typography>
                    ) : null}
                    <Button type="submit" startIcon={<Check />} disabled={!form.dirty} loading={actions.update.isLoading}>
                      {t('campaign.save', 'Save changes')}
                    </Button>
                  </Flex>
                </Flex>
              </form>
            ) : (
              <Flex direction="column" alignItems="stretch" gap={2}>
                <Typography>
                  <Typography fontWeight="bold">{t('campaignForm.subject', 'Subject')}: </Typography>
                  {campaign.subject}
                </Typography>
                <MailBody html={campaign.html} text={campaign.text} remote={false} />
              </Flex>
            )}
          </Panel>

          {editable ? (
            <Panel title={t('import.titleAny', 'Import recipients')}>
              <ImportRecipients documentId={campaign.documentId} variables={campaign.variables} />
            </Panel>
          ) : null}

          <Panel title={t('recipients.title', 'Recipients')}>
            <RecipientsTable documentId={campaign.documentId} campaignStatus={status} />
          </Panel>
        </Flex>
      </Layouts.Content>

      <SendCampaignDialog
        campaign={campaign}
        open={dialog === 'send'}
        onOpenChange={(open) => setDialog(open ? 'send' : null)}
        loading={actions.send.isLoading}
        onConfirm={async () => {
          await run({ mutateAsync: () => actions.send.mutateAsync(undefined) }, 'notification.sending', 'Sending {name}');
          setDialog(null);
        }}
      />
      <CancelCampaignDialog campaign={campaign} open={dialog === 'cancel'} onOpenChange={(open) => setDialog(open ? 'cancel' : null)} />
      <DeleteCampaignDialog
        campaign={campaign}
        open={dialog === 'delete'}
        onOpenChange={(open) => setDialog(open ? 'delete' : null)}
        onDeleted={() => navigate('..', { relative: 'path' })}
      />
      {dialog === 'test' ? <TestSendDialog campaign={campaign} open onOpenChange={(open) => setDialog(open ? 'test' : null)} /> : null}
      {dialog === 'schedule' ? (
        <ScheduleCampaignModal campaign={campaign} open onOpenChange={(open) => setDialog(open ? 'schedule' : null)} />
      ) : null}
    </Page.Main>
  );
};

export const CampaignDetailPage = () => {
  const { documentId } = useParams<{ documentId: string }>();
  const { data: campaign, isLoading } = useCampaign(documentId);
  // A failed poll keeps the last answer on screen; only a campaign never loaded is an error.
  if (!campaign) return isLoading ? <Page.Loading /> : <Page.Error />;
  return <CampaignDetail key={campaign.documentId} campaign={campaign} />;
};
