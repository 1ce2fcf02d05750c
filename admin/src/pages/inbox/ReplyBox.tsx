import * as React from 'react';
import { Box, Button, Field, Flex, Tag, TextButton, TextInput, Textarea, Typography } from '@strapi/design-system';
import { Cross, Paperclip } from '@strapi/icons';
import type { MailAddress } from '../../../../shared/contracts/common';
import type { ReplyInput } from '../../../../shared/contracts/inbox';
import { attachmentsTooLargeMessage, formatBytes, replySchema } from '../../../../shared/validation/inbox';
import { errorsFromResponse, errorsFromSchema, type FieldErrors } from '../../utils/formErrors';
import { useT } from '../../hooks/useT';

const plain = (list: MailAddress[] | undefined) => (list ?? []).map((a) => a.address).join(', ');
/** `cc[1]` → `cc`: an address list's error shows under its field. */
const byField = (errors: FieldErrors): FieldErrors => {
  const out: FieldErrors = {};
  for (const [path, message] of Object.entries(errors)) out[path.replace(/\[\d+\]$/, '')] ??= message;
  return out;
};
const split = (value: string) =>
  value
    .split(/[,;]/)
    .map((a) => a.trim())
    .filter(Boolean);

export interface ReplyBoxProps {
  replyRecipients: MailAddress[];
  replyCc: MailAddress[];
  maxAttachmentBytes: number;
  /** Sends the reply; rejects with the request's error (its field errors are shown here). */
  onSend: (body: ReplyInput, files: File[]) => Promise<unknown>;
  sending: boolean;
  /** More tools beside "Attach files" (saved replies, a note): the slot other parts of the inbox fill. */
  extraActions?: React.ReactNode;
  /** Lets a tool in `extraActions` put text into the reply. */
  draftRef?: React.MutableRefObject<((text: string) => void) | null>;
}

/**
 * The reply box: To/Cc/Bcc prefilled with the reply-all and editable, the text, and files
 * (attach button or drag and drop) within the configured total. A failed send keeps everything.
 */
export const ReplyBox = ({ replyRecipients, replyCc, maxAttachmentBytes, onSend, sending, extraActions, draftRef }: ReplyBoxProps) => {
  const t = useT();
  const [to, setTo] = React.useState(() => plain(replyRecipients));
  const [cc, setCc] = React.useState(() => plain(replyCc));
  const [bcc, setBcc] = React.useState('');
  const [showCopies, setShowCopies] = React.useState(() => replyCc.length > 0);
  const [draft, setDraft] = React.useState('');
  const [files, setFiles] = React.useState<File[]>([]);
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const [dragging, setDragging] = React.useState(false);
  const input = React.useRef<HTMLInputElement>(null);

  if (draftRef) draftRef.current = (text: string) => setDraft((d) => (d ? `${d}\n${text}` : text));

  const total = files.reduce((sum, f) => sum + f.size, 0);
  const tooLarge = total > maxAttachmentBytes;
  const add = (list: FileList | null) => {
    if (list?.length) setFiles((current) => [...current, ...Array.from(list)]);
  };

  const send = async () => {
    if (!draft.trim() || tooLarge) return;
    const body: ReplyInput = { text: draft, to: split(to), cc: split(cc), bcc: split(bcc) };
    const found = byField(await errorsFromSchema(replySchema, body));
    if (body.to!.length + body.cc!.length + body.bcc!.length === 0) found.to ??= t('reply.noRecipient', 'Give at least one recipient.');
    setErrors(found);
    if (Object.keys(found).length) return;
    try {
      await onSend(body, files);
      setDraft('');
      setFiles([]);
    } catch (error: any) {
      const fromServer = byField(errorsFromResponse(error));
      if (error?.response?.status === 413) fromServer.files = error.response.data?.error?.message ?? attachmentsTooLargeMessage(maxAttachmentBytes);
      setErrors(fromServer);
      if (fromServer.cc || fromServer.bcc) setShowCopies(true);
    }
  };

  const address = (name: 'to' | 'cc' | 'bcc', label: string, value: string, set: (v: string) => void) => (
    <Field.Root name={`reply-${name}`} id={`reply-${name}`} error={errors[name]}>
      <Field.Label>{label}</Field.Label>
      <TextInput value={value} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set(e.target.value)} />
      <Field.Error />
    </Field.Root>
  );

  const recipientsLine = [
    t('conversation.replyTo', 'To: {recipients}', { recipients: split(to).join(', ') }),
    ...(split(cc).length ? [`${t('reply.cc', 'Cc')}: ${split(cc).join(', ')}`] : []),
  ].join(' · ');

  return (
    <Box
      background={dragging ? 'primary100' : 'neutral0'}
      hasRadius
      shadow="filterShadow"
      padding={4}
      data-testid="reply-box"
      onDragOver={(e: React.DragEvent) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e: React.DragEvent) => {
        e.preventDefault();
        setDragging(false);
        add(e.dataTransfer.files);
      }}
    >
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Flex gap={2} alignItems="flex-end">
          <Box flex="1">{address('to', t('reply.to', 'To'), to, setTo)}</Box>
          {showCopies ? null : (
            <TextButton onClick={() => setShowCopies(true)}>{t('reply.showCopies', 'Cc/Bcc')}</TextButton>
          )}
        </Flex>
        {showCopies ? (
          <>
            {address('cc', t('reply.cc', 'Cc'), cc, setCc)}
            {address('bcc', t('reply.bcc', 'Bcc'), bcc, setBcc)}
          </>
        ) : null}
        <Field.Root name="reply" id="reply" error={errors.text}>
          <Field.Label>{t('conversation.reply', 'Reply')}</Field.Label>
          <Textarea value={draft} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setDraft(e.target.value)} />
          <Field.Error />
        </Field.Root>
        <Typography variant="pi" textColor="neutral600" data-testid="reply-recipients">
          {recipientsLine}
        </Typography>
        {files.length ? (
          <Flex gap={2} wrap="wrap" data-testid="reply-files">
            {files.map((file, index) => (
              <Tag
                key={`${file.name}-${index}`}
                icon={<Cross aria-hidden />}
                label={t('reply.removeFile', 'Remove {name}', { name: file.name })}
                onClick={() => setFiles((current) => current.filter((_, i) => i !== index))}
              >
                {file.name} ({formatBytes(file.size)})
              </Tag>
            ))}
          </Flex>
        ) : null}
        {tooLarge || errors.files ? (
          <Typography textColor="danger600" data-testid="reply-files-error">
            {tooLarge ? attachmentsTooLargeMessage(maxAttachmentBytes) : errors.files}
          </Typography>
        ) : null}
        <Flex justifyContent="space-between" gap={2}>
          <Flex gap={2} data-testid="reply-tools">
            <input
              ref={input}
              type="file"
              multiple
              hidden
              data-testid="reply-file-input"
              onChange={(e) => {
                add(e.target.files);
                e.target.value = '';
              }}
            />
            <Button variant="tertiary" startIcon={<Paperclip />} onClick={() => input.current?.click()}>
              {t('reply.attach', 'Attach files')}
            </Button>
            {extraActions}
          </Flex>
          <Button onClick={send} loading={sending} disabled={!draft.trim() || tooLarge}>
            {t('conversation.send', 'Send reply')}
          </Button>
        </Flex>
      </Flex>
    </Box>
  );
};
