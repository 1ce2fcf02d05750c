import * as React from 'react';
import { BackButton, Layouts, Page, useAuth, useRBAC } from '@strapi/strapi/admin';
import { Badge, Box, Button, Flex, Typography } from '@strapi/design-system';
import { Paperclip } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { useParams } from 'react-router-dom';
import { MailBody } from '../../components/MailBody';
import { WithCustomerPanel } from './CustomerPanel';
import { useConversation, useInboxActions, type MailAddress } from '../../hooks/useInbox';
import { useNotify } from '../../hooks/useNotify';
import { useT } from '../../hooks/useT';
import { INBOX_PERMISSIONS } from '../../permissions';
import { ForwardDialog } from './ForwardDialog';
import { ReplyBox } from './ReplyBox';
import type { ReplyInput } from '../../../../shared/contracts/inbox';
import { useRefreshOnChange } from '../../hooks/useAgents';
import { NoteBox } from './NoteBox';
import { OwnerPicker } from './OwnerPicker';
import { SavedReplyPicker } from './SavedReplyPicker';
import { CampaignReplyBadge } from './CampaignReplyBadge';

/** Notes are for agents only: another colour, so nobody takes one for a mail. */
const BACKGROUND = { inbound: 'neutral0', outbound: 'primary100', note: 'warning100' } as const;

const who = (a: MailAddress | null) => (a ? (a.name ? `${a.name} <${a.address}>` : a.address) : '');

export const ConversationPage = () => {
  const { documentId } = useParams<{ documentId: string }>();
  const { formatDate } = useIntl();
  const { toggleNotification, failed } = useNotify();
  const [remote, setRemote] = React.useState(false);
  const conversation = useConversation(documentId, remote);
  const actions = useInboxActions(documentId);
  const { allowedActions } = useRBAC({ reply: INBOX_PERMISSIONS.reply });
  const insertIntoReply = React.useRef<((text: string) => void) | null>(null);
  const me = useAuth('ConversationPage', (auth) => auth.user?.id) as number | string | undefined;
  useRefreshOnChange(documentId);
  const t = useT();

  if (conversation.isLoading) return <Page.Loading />;
  if (conversation.isError || !conversation.data) return <Page.Error />;
  const data = conversation.data;
  const hasRemote = data.messages.some((m) => m.html?.includes('data-remote-src'));

  // The last received mail is what a forward sends.
  const lastInbound = [...data.messages].reverse().find((m) => m.direction === 'inbound');

  const send = async (body: ReplyInput, files: File[]) => {
    try {
      await actions.reply.mutateAsync({ body, files });
      toggleNotification({ type: 'success', message: t('conversation.sent', 'Reply sent') });
    } catch (error) {
      // The draft stays in the box, so nothing typed is lost; the box shows field errors too.
      failed(error);
      throw error;
    }
  };

  const forward = async (body: { to: string[]; text?: string }) => {
    try {
      await actions.forward.mutateAsync(body);
      toggleNotification({ type: 'success', message: t('conversation.forwarded', 'Forwarded') });
    } catch (error) {
      failed(error);
      throw error;
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
        secondaryAction={data.campaign ? <CampaignReplyBadge campaign={data.campaign} /> : undefined}
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
          <OwnerPicker documentId={data.documentId} assignee={data.assignee} me={me === undefined ? undefined : Number(me)} />
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
              background={BACKGROUND[m.direction] ?? 'neutral0'}
              hasRadius
              shadow="filterShadow"
              padding={4}
              data-testid={`message-${m.direction}`}
            >
              <Flex direction="column" alignItems="stretch" gap={2}>
                <Flex justifyContent="space-between">
                  <Flex gap={2}>
                    <Badge>
                      {m.direction === 'note'
                        ? t('conversation.noteBadge', 'Note')
                        : m.direction === 'outbound'
                          ? t('conversation.outbound', 'Reply')
                          : t('conversation.inbound', 'Received')}
                    </Badge>
                    <Typography fontWeight="bold">{m.direction === 'note' ? m.author?.name ?? '' : who(m.from)}</Typography>
                    {m.direction === 'outbound' && m.author ? (
                      <Typography variant="pi" textColor="neutral600">
                        {t('conversation.sentBy', 'sent by {name}', { name: m.author.name })}
                      </Typography>
                    ) : null}
                  </Flex>
                  <Flex gap={2}>
                    {allowedActions.canReply && m === lastInbound ? <ForwardDialog onForward={forward} sending={actions.forward.isLoading} /> : null}
                    <Typography variant="pi" textColor="neutral600">
                      {formatDate(m.date, { dateStyle: 'medium', timeStyle: 'short' })}
                    </Typography>
                  </Flex>
                </Flex>
                {m.direction === 'note' ? null : (
                  <Typography variant="pi" textColor="neutral600">
                    {t('conversation.to', 'To')}: {m.to.map(who).join(', ')}
                  </Typography>
                )}
                {m.cc?.length ? (
                  <Typography variant="pi" textColor="neutral600" data-testid="message-cc">
                    {t('reply.cc', 'Cc')}: {m.cc.map(who).join(', ')}
                  </Typography>
                ) : null}
                {m.bcc?.length ? (
                  <Typography variant="pi" textColor="neutral600" data-testid="message-bcc">
                    {t('reply.bcc', 'Bcc')}: {m.bcc.map(who).join(', ')}
                  </Typography>
                ) : null}
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
            <ReplyBox
              key={data.documentId}
              replyRecipients={data.replyRecipients ?? []}
              replyCc={data.replyCc ?? []}
              maxAttachmentBytes={data.maxAttachmentBytes}
              onSend={send}
              sending={actions.reply.isLoading}
              draftRef={insertIntoReply}
              extraActions={<SavedReplyPicker conversation={data.documentId} onInsert={(text) => insertIntoReply.current?.(text)} />}
            />
          ) : null}
          {allowedActions.canReply ? <NoteBox documentId={data.documentId} /> : null}
        </Flex>
        </WithCustomerPanel>
      </Layouts.Content>
    </Page.Main>
  );
};
