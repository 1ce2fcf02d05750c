import { SingleSelect, SingleSelectOption } from '@strapi/design-system';
import { useSavedReplies, useSavedReplyActions } from '../../hooks/useAgents';
import { useNotify } from '../../hooks/useNotify';
import { useT } from '../../hooks/useT';

/** Picks a saved reply, fills in its fields for this conversation on the server, and hands the text over. */
export const SavedReplyPicker = ({ conversation, onInsert }: { conversation: string; onInsert: (text: string) => void }) => {
  const t = useT();
  const { failed } = useNotify();
  const replies = useSavedReplies();
  const { render } = useSavedReplyActions();
  if (!replies.data?.length) return null;
  return (
    <SingleSelect
      size="S"
      aria-label={t('savedReplies.insert', 'Insert a saved reply')}
      placeholder={t('savedReplies.insert', 'Insert a saved reply')}
      value=""
      onChange={(v: string | number) => {
        render(String(v), conversation).then(onInsert, failed);
      }}
    >
      {replies.data.map((r) => (
        <SingleSelectOption key={r.documentId} value={r.documentId}>
          {r.name}
        </SingleSelectOption>
      ))}
    </SingleSelect>
  );
};
