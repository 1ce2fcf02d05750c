import * as React from 'react';
import { BackButton, Layouts, Page, useRBAC } from '@strapi/strapi/admin';
import { Badge, Box, Button, Field, Flex, Textarea, Typography } from '@strapi/design-system';
import { Paperclip } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { useParams } from 'react-router-dom';
import { MailBody } from '../../components/MailBody';
import { WithCustomerPanel } from './CustomerPanel';
import { useConversation, useInboxActions, type MailAddress } from '../../hooks/useInbox';
import { useNotify } from '../../hooks/useNotify';
import { useT } from '../../hooks/useT';
import { INBOX_PERMISSIONS } from '../../permissions';

const who = (a: MailAddress | null) => (a ? (a.name ? `${a.name} <${a.address}>` : a.address) : '');

export const ConversationPage = () => {
  const { documentId } = useParams<{ documentId: string }>();
  const { formatDate } = useIntl();
  const { toggleNotification, failed } = useNotify();
  const [remote, setRemote] = React.useState(false);
  const conversation = useConversation(documentId, remote);
  const actions = useInboxActions(documentId);
  const { allowedActions } = useRBAC({ reply: INBOX_PERMISSIONS.reply });
  const [draft, setDraft] = React.useState('');
  const t = useT();

  if (conversation.isLoading) return <Page.Loading />;
  if (conversation.isError || !conversation.data) return <Page.Error />;
  const data = conversation.data;
  const hasRemote = data.messages.some((m) => m.html?.includes('data-remote-src'));

  const send = async () => {
    if (!draft.trim()) return;
    try {
      await actions.reply.mutateAsync({ text: draft });
      setDraft('');
      toggleNotification({ type: 'success', message: t('conversation.sent', 'Reply sent') });
    } catch (error) {
      // The draft stays in the box, so nothing typed is lost.
      failed(error);
    }
  };

  const toggleStatus = async () => {
    try {
      await actions.setStatus.mutateAsync(data.status === 'open' ? 'closed' : 'open');
    } catch (error) {
      failed(error);
    }
  };

  return (
    <Page.Main>
      <Page.Title>{data.subject}</Page.Title>
      <Layouts.Header
        navigationAction={<BackButton fallback=".." disabled={false} />}
        title={data.subject}
        subtitle={`${data.server.name ?? ''} · ${data.participants.map(who).join(', ')}`}
        primaryAction={
          allowedActions.canReply ? (
            <Button variant="secondary" onClick={toggleStatus} loading={actions.setStatus.isLoading}>
              {data.status === 'open' ? t('conversation.close', 'Close conversation') : t('conversation.reopen', 'Reopen')}
            </Button>
          ) : undefined
        }
      />
      <Layouts.Content>
        <WithCustomerPanel documentId={data.documentId} address={data.participants[0]?.address ?? ''}>
        <Flex direction="column" alignItems="stretch" gap={4}>
          {hasRemote && !remote ? (
            <Flex gap={2}>
              <Typography variant="pi" textColor="neutral600">
                {t('conversation.remoteBlocked', 'Remote images are blocked to protect your privacy.')}
              </Typography>
              <Button variant="tertiary" size="S" onClick={() => setRemote(true)}>
                {t('conversation.loadRemote', 'Load remote images')}
              </Button>
            </Flex>
          ) : null}
          {data.messages.map((m) => (
            <Box
              key={m.documentId}
              background={m.direction === 'outbound' ? 'primary100' : 'neutral0'}
              hasRadius
              shadow="filterShadow"
              padding={4}
              data-testid={`message-${m.direction}`}
            >
              <Flex direction="column" alignItems="stretch" gap={2}>
                <Flex justifyContent="space-between">
                  <Flex gap={2}>
                    <Badge>{m.direction === 'outbound' ? t('conversation.outbound', 'Reply') : t('conversation.inbound', 'Received')}</Badge>
                    <Typography fontWeight="bold">{who(m.from)}</Typography>
                  </Flex>
                  <Typography variant="pi" textColor="neutral600">
                    {formatDate(m.date, { dateStyle: 'medium', timeStyle: 'short' })}
                  </Typography>
                </Flex>
                <Typography variant="pi" textColor="neutral600">
                  {t('conversation.to', 'To')}: {m.to.map(who).join(', ')}
                </Typography>
                {m.problem ? <Typography textColor="warning600">{m.problem}</Typography> : null}
                <MailBody html={m.html} text={m.text} remote={remote} />
                {m.attachments.length ? (
                  <Flex gap={2} wrap="wrap">
                    {m.attachments.map((a) => (
                      <Button
                        key={a.url}
                        variant="tertiary"
                        size="S"
                        startIcon={<Paperclip />}
                        onClick={() => actions.download(a.url, a.filename).catch(failed)}
                      >
                        {a.filename} ({Math.ceil(a.size / 1024)} KB)
                      </Button>
                    ))}
                  </Flex>
                ) : null}
              </Flex>
            </Box>
          ))}
          {allowedActions.canReply ? (
            <Box background="neutral0" hasRadius shadow="filterShadow" padding={4}>
              <Flex direction="column" alignItems="stretch" gap={3}>
                <Field.Root name="reply" id="reply">
                  <Field.Label>{t('conversation.reply', 'Reply')}</Field.Label>
                  <Textarea value={draft} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setDraft(e.target.value)} />
                </Field.Root>
                <Typography variant="pi" textColor="neutral600" data-testid="reply-recipients">
                  {t('conversation.replyTo', 'To: {recipients}', { recipients: (data.replyRecipients ?? []).map(who).join(', ') })}
                </Typography>
                <Flex justifyContent="flex-end">
                  <Button onClick={send} loading={actions.reply.isLoading} disabled={!draft.trim()}>
                    {t('conversation.send', 'Send reply')}
                  </Button>
                </Flex>
              </Flex>
            </Box>
          ) : null}
        </Flex>
        </WithCustomerPanel>
      </Layouts.Content>
    </Page.Main>
  );
};
