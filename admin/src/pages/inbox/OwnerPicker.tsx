import { useRBAC } from '@strapi/strapi/admin';
import { Button, Flex, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import type { Agent } from '../../../../shared/contracts/inbox';
import { useAgentActions, useAgents } from '../../hooks/useAgents';
import { useNotify } from '../../hooks/useNotify';
import { useT } from '../../hooks/useT';
import { INBOX_PERMISSIONS } from '../../permissions';

/**
 * Who owns the conversation: "Take it" when nobody does, "Release" for my own, and, with
 * inbox.assign, a picker of every active admin.
 */
export const OwnerPicker = ({ documentId, assignee, me }: { documentId: string; assignee: Agent | null; me: number | undefined }) => {
  const t = useT();
  const { failed } = useNotify();
  const { allowedActions } = useRBAC({ reply: INBOX_PERMISSIONS.reply, assign: INBOX_PERMISSIONS.assign });
  const agents = useAgents();
  const { assign } = useAgentActions(documentId);
  const set = (id: number | null) => assign.mutateAsync(id).catch(failed);
  const mine = assignee && assignee.id === me;

  return (
    <Flex gap={2} alignItems="center">
      <Typography variant="pi" textColor="neutral600" data-testid="owner">
        {assignee ? t('conversation.owner', 'Owner: {name}', { name: assignee.name }) : t('conversation.noOwner', 'Nobody owns this')}
      </Typography>
      {allowedActions.canReply && !assignee && me ? (
        <Button size="S" variant="secondary" loading={assign.isLoading} onClick={() => set(me)}>
          {t('conversation.take', 'Take it')}
        </Button>
      ) : null}
      {allowedActions.canReply && mine ? (
        <Button size="S" variant="tertiary" loading={assign.isLoading} onClick={() => set(null)}>
          {t('conversation.release', 'Release')}
        </Button>
      ) : null}
      {allowedActions.canAssign ? (
        <SingleSelect
          size="S"
          aria-label={t('conversation.assign', 'Assign to')}
          placeholder={t('conversation.assign', 'Assign to…')}
          value={assignee ? String(assignee.id) : undefined}
          onChange={(v: string | number) => set(v === 'none' ? null : Number(v))}
        >
          <SingleSelectOption value="none">{t('conversation.nobody', 'Nobody')}</SingleSelectOption>
          {(agents.data ?? []).map((a) => (
            <SingleSelectOption key={a.id} value={String(a.id)}>
              {a.name}
            </SingleSelectOption>
          ))}
        </SingleSelect>
      ) : null}
    </Flex>
  );
};
