import * as React from 'react';
import { Box, Button, Field, Flex, Textarea } from '@strapi/design-system';
import { useAgentActions } from '../../hooks/useAgents';
import { useNotify } from '../../hooks/useNotify';
import { useT } from '../../hooks/useT';

/** An internal note for the other agents: stored in the thread, never sent. */
export const NoteBox = ({ documentId }: { documentId: string }) => {
  const t = useT();
  const { toggleNotification, failed } = useNotify();
  const { note } = useAgentActions(documentId);
  const [text, setText] = React.useState('');
  const save = async () => {
    try {
      await note.mutateAsync(text);
      setText('');
      toggleNotification({ type: 'success', message: t('conversation.noteAdded', 'Note added') });
    } catch (error) {
      failed(error);
    }
  };
  return (
    <Box background="warning100" hasRadius shadow="filterShadow" padding={4}>
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Field.Root name="note" id="note" hint={t('conversation.noteHint', 'Only agents see notes; they are never sent.')}>
          <Field.Label>{t('conversation.note', 'Internal note')}</Field.Label>
          <Textarea value={text} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setText(e.target.value)} />
          <Field.Hint />
        </Field.Root>
        <Flex justifyContent="flex-end">
          <Button variant="secondary" onClick={save} loading={note.isLoading} disabled={!text.trim()}>
            {t('conversation.addNote', 'Add note')}
          </Button>
        </Flex>
      </Flex>
    </Box>
  );
};
