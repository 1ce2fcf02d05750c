import * as React from 'react';
import { Button, Field, Flex, Modal, TextInput, Textarea, Typography } from '@strapi/design-system';
import { MAX_TEST_ADDRESSES } from '../../../../shared/contracts/campaigns';
import { testSendSchema } from '../../../../shared/validation/campaigns';
import { useCampaignActions, type Campaign } from '../../hooks/useCampaigns';
import { useT } from '../../hooks/useT';
import { errorsFromResponse, errorsFromSchema, type FieldErrors } from '../../utils/formErrors';

const split = (value: string) =>
  value
    .split(/[\s,;]+/)
    .map((a) => a.trim())
    .filter(Boolean);

/** `to[3]` is still the "to" field. */
const byField = (found: FieldErrors): FieldErrors =>
  Object.fromEntries(Object.entries(found).map(([key, message]) => [key.replace(/\[\d+\]$/, ''), message]));

interface TestSendDialogProps {
  campaign: Campaign;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

/** The saved campaign, rendered for one recipient (or sample values), to a few addresses of the team. */
export const TestSendDialog = ({ campaign, open, onOpenChange }: TestSendDialogProps) => {
  const t = useT();
  const { testSend } = useCampaignActions(campaign.documentId);
  const [to, setTo] = React.useState('');
  const [email, setEmail] = React.useState('');
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const [result, setResult] = React.useState<{ sent: number } | { failed: string } | null>(null);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setResult(null);
    const body = { to: split(to), ...(email.trim() ? { email: email.trim() } : {}) };
    const found = byField(await errorsFromSchema(testSendSchema, body));
    if (body.to.length > MAX_TEST_ADDRESSES) {
      found.to = t('testSend.tooMany', 'At most {max} addresses.', { max: MAX_TEST_ADDRESSES });
    }
    setErrors(found);
    if (Object.keys(found).length) return;
    try {
      setResult(await testSend.mutateAsync(body));
    } catch (error: any) {
      const fields = byField(errorsFromResponse(error));
      setErrors(fields);
      if (!Object.keys(fields).length) {
        setResult({ failed: error?.response?.data?.error?.message ?? t('testSend.failed', 'The test mail could not be sent.') });
      }
    }
  };

  return (
    <Modal.Root open={open} onOpenChange={onOpenChange}>
      <Modal.Content>
        <form noValidate onSubmit={submit}>
          <Modal.Header>
            <Modal.Title>{t('testSend.title', 'Send a test')}</Modal.Title>
          </Modal.Header>
          <Modal.Body>
            <Flex direction="column" alignItems="stretch" gap={4}>
              <Typography variant="pi" textColor="neutral600">
                {t(
                  'testSend.explain',
                  'The saved campaign goes out through {server} with "[Test]" before its subject. It is not counted and the addresses are not added as recipients.',
                  { server: campaign.server?.name ?? '–' }
                )}
              </Typography>
              <Field.Root
                name="to"
                id="test-send-to"
                error={errors.to}
                required
                hint={t('testSend.toHint', 'Up to {max} addresses, separated by commas or new lines', { max: MAX_TEST_ADDRESSES })}
              >
                <Field.Label>{t('testSend.to', 'Send to')}</Field.Label>
                <Textarea value={to} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setTo(e.target.value)} />
                <Field.Hint />
                <Field.Error />
              </Field.Root>
              <Field.Root
                name="email"
                id="test-send-email"
                error={errors.email}
                hint={t('testSend.emailHint', 'Whose values fill the placeholders; empty: the first recipient, or sample values')}
              >
                <Field.Label>{t('testSend.email', 'Render for recipient')}</Field.Label>
                <TextInput type="email" value={email} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setEmail(e.target.value)} />
                <Field.Hint />
                <Field.Error />
              </Field.Root>
              {result && 'sent' in result ? (
                <Typography fontWeight="bold" textColor="success600" data-testid="test-send-result">
                  {t('testSend.sent', 'Sent to {count, plural, one {# address} other {# addresses}}', { count: result.sent })}
                </Typography>
              ) : null}
              {result && 'failed' in result ? (
                <Typography fontWeight="bold" textColor="danger600" data-testid="test-send-result">
                  {result.failed}
                </Typography>
              ) : null}
            </Flex>
          </Modal.Body>
          <Modal.Footer>
            <Modal.Close>
              <Button variant="tertiary">{t('testSend.close', 'Close')}</Button>
            </Modal.Close>
            <Button type="submit" loading={testSend.isLoading}>
              {t('testSend.send', 'Send test')}
            </Button>
          </Modal.Footer>
        </form>
      </Modal.Content>
    </Modal.Root>
  );
};
