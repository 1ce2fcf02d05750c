import * as React from 'react';
import { BackButton, Layouts, Page } from '@strapi/strapi/admin';
import { Box, Button, EmptyStateLayout, Field, Flex, IconButton, Table, Tbody, Td, TextInput, Textarea, Tr, Typography } from '@strapi/design-system';
import { Pencil, Plus, Trash } from '@strapi/icons';
import { ConfirmActionDialog } from '../../components/ConfirmActionDialog';
import { TableHeader } from '../../components/TableHeader';
import { useSavedReplies, useSavedReplyActions, type SavedReply } from '../../hooks/useAgents';
import { useNotify } from '../../hooks/useNotify';
import { useT } from '../../hooks/useT';
import { INBOX_PERMISSIONS } from '../../permissions';

/** Not through the translations: ICU would read the braces as its own placeholders. */
const FIELDS = '{{ customer.name }}, {{ customer.email }}, {{ agent.name }}, {{ agent.email }}, {{ conversation.subject }}';

/** The server's field errors (`details.errors[]`) by field, to show under the inputs. */
const fieldErrors = (error: any): Record<string, string> =>
  Object.fromEntries((error?.response?.data?.error?.details?.errors ?? []).map((e: any) => [e.path?.[0], e.message]));

const Editor = ({ reply, onDone }: { reply: Partial<SavedReply>; onDone: () => void }) => {
  const t = useT();
  const { toggleNotification, failed } = useNotify();
  const { save } = useSavedReplyActions();
  const [name, setName] = React.useState(reply.name ?? '');
  const [text, setText] = React.useState(reply.text ?? '');
  const [errors, setErrors] = React.useState<Record<string, string>>({});
  const submit = async () => {
    try {
      await save.mutateAsync({ documentId: reply.documentId, name, text });
      toggleNotification({ type: 'success', message: t('savedReplies.saved', 'Saved reply saved') });
      onDone();
    } catch (error) {
      const byField = fieldErrors(error);
      setErrors(byField);
      if (!Object.keys(byField).length) failed(error);
    }
  };
  return (
    <Box background="neutral0" hasRadius shadow="filterShadow" padding={4}>
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Field.Root name="name" id="saved-reply-name" error={errors.name}>
          <Field.Label>{t('savedReplies.name', 'Name')}</Field.Label>
          <TextInput value={name} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setName(e.target.value)} />
          <Field.Error />
        </Field.Root>
        <Field.Root
          name="text"
          id="saved-reply-text"
          error={errors.text}
          hint={`${t('savedReplies.fields', 'Fields')}: ${FIELDS}`}
        >
          <Field.Label>{t('savedReplies.text', 'Text')}</Field.Label>
          <Textarea value={text} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setText(e.target.value)} />
          <Field.Hint />
          <Field.Error />
        </Field.Root>
        <Flex gap={2} justifyContent="flex-end">
          <Button variant="tertiary" onClick={onDone}>
            {t('savedReplies.cancel', 'Cancel')}
          </Button>
          <Button onClick={submit} loading={save.isLoading}>
            {t('savedReplies.save', 'Save')}
          </Button>
        </Flex>
      </Flex>
    </Box>
  );
};

/** Settings of the saved replies library (inbox.manage), reached from the Inbox header. */
export const SavedRepliesPage = () => {
  const t = useT();
  const { attempt } = useNotify();
  const replies = useSavedReplies();
  const { remove } = useSavedReplyActions();
  const [editing, setEditing] = React.useState<Partial<SavedReply> | null>(null);
  const [deleting, setDeleting] = React.useState<SavedReply | null>(null);
  const title = t('savedReplies.title', 'Saved replies');

  return (
    <Page.Protect permissions={INBOX_PERMISSIONS.manage}>
      <Page.Main>
        <Page.Title>{title}</Page.Title>
        <Layouts.Header
          navigationAction={<BackButton fallback=".." disabled={false} />}
          title={title}
          subtitle={t('savedReplies.subtitle', 'Canned answers agents insert from the reply box')}
          primaryAction={
            <Button startIcon={<Plus />} onClick={() => setEditing({})}>
              {t('savedReplies.create', 'New saved reply')}
            </Button>
          }
        />
        <Layouts.Content>
          <Flex direction="column" alignItems="stretch" gap={4}>
            {editing ? <Editor key={editing.documentId ?? 'new'} reply={editing} onDone={() => setEditing(null)} /> : null}
            {replies.isLoading ? (
              <Page.Loading />
            ) : replies.isError || !replies.data ? (
              <Page.Error />
            ) : replies.data.length === 0 ? (
              <EmptyStateLayout content={t('savedReplies.empty', 'No saved reply yet')} />
            ) : (
              <Table colCount={3} rowCount={replies.data.length + 1}>
                <TableHeader columns={[t('savedReplies.name', 'Name'), t('savedReplies.text', 'Text'), '']} />
                <Tbody>
                  {replies.data.map((r) => (
                    <Tr key={r.documentId}>
                      <Td><Typography fontWeight="bold">{r.name}</Typography></Td>
                      <Td><Typography ellipsis>{r.text}</Typography></Td>
                      <Td>
                        <Flex gap={1} justifyContent="flex-end">
                          <IconButton label={t('savedReplies.edit', 'Edit {name}', { name: r.name }) as string} onClick={() => setEditing(r)}>
                            <Pencil />
                          </IconButton>
                          <IconButton label={t('savedReplies.delete', 'Delete {name}', { name: r.name }) as string} onClick={() => setDeleting(r)}>
                            <Trash />
                          </IconButton>
                        </Flex>
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            )}
          </Flex>
          <ConfirmActionDialog
            open={deleting !== null}
            onOpenChange={(open) => !open && setDeleting(null)}
            title={t('savedReplies.deleteTitle', 'Delete saved reply')}
            question={t('savedReplies.deleteQuestion', 'Are you sure you want to delete this saved reply?')}
            subject={deleting?.name ?? ''}
            consequences={[t('savedReplies.deleteConsequence', 'This action cannot be undone.')]}
            confirmLabel={t('savedReplies.confirmDelete', 'Delete')}
            loading={remove.isLoading}
            onConfirm={async () => {
              if (deleting && (await attempt(() => remove.mutateAsync(deleting.documentId), t('savedReplies.deleted', 'Saved reply deleted')))) setDeleting(null);
            }}
          />
        </Layouts.Content>
      </Page.Main>
    </Page.Protect>
  );
};
