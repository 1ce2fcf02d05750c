import * as React from 'react';
import { Button, Field, Flex, Modal, TextInput, Textarea } from '@strapi/design-system';
import type { ForwardInput } from '../../../../shared/contracts/inbox';
import { forwardSchema } from '../../../../shared/validation/inbox';
import { errorsFromResponse, errorsFromSchema, type FieldErrors } from '../../utils/formErrors';
import { useT } from '../../hooks/useT';

const split = (value: string) =>
  value
    .split(/[,;]/)
    .map((a) => a.trim())
    .filter(Boolean);

/** Forwards the conversation's last received mail, with its attachments, to new addresses. */
export const ForwardDialog = ({ onForward, sending }: { onForward: (body: ForwardInput) => Promise<unknown>; sending: boolean }) => {
  const t = useT();
  const [open, setOpen] = React.useState(false);
  const [to, setTo] = React.useState('');
  const [text, setText] = React.useState('');
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const clean = (found: FieldErrors) => Object.fromEntries(Object.entries(found).map(([k, v]) => [k.replace(/\[\d+\]$/, ''), v]));

  const submit = async () => {
    const body: ForwardInput = { to: split(to), ...(text.trim() ? { text } : {}) };
    const found = clean(await errorsFromSchema(forwardSchema, body));
    setErrors(found);
    if (Object.keys(found).length) return;
    try {
      await onForward(body);
      setOpen(false);
      setTo('');
      setText('');
    } catch (error) {
      setErrors(clean(errorsFromResponse(error)));
    }
  };

  return (
    <Modal.Root open={open} onOpenChange={setOpen}>
      <Modal.Trigger>
        <Button variant="tertiary" size="S">
          {t('forward.open', 'Forward')}
        </Button>
      </Modal.Trigger>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{t('forward.title', 'Forward with its attachments')}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Field.Root name="forward-to" id="forward-to" error={errors.to} required>
              <Field.Label>{t('forward.to', 'Forward to')}</Field.Label>
              <TextInput value={to} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setTo(e.target.value)} />
              <Field.Hint>{t('forward.toHint', 'Addresses separated by commas.')}</Field.Hint>
              <Field.Error />
            </Field.Root>
            <Field.Root name="forward-text" id="forward-text" error={errors.text}>
              <Field.Label>{t('forward.text', 'Message')}</Field.Label>
              <Textarea value={text} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setText(e.target.value)} />
              <Field.Error />
            </Field.Root>
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('forward.cancel', 'Cancel')}</Button>
          </Modal.Close>
          <Button onClick={submit} loading={sending}>
            {t('forward.send', 'Send forward')}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
