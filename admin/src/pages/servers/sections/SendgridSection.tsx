import { SecretField, TextareaField } from '../../../components/FormFields';
import { Cell, Section } from '../../../components/Layout';
import { useT } from '../../../hooks/useT';
import type { ServerFormState } from '../useServerForm';
import { useSharedLabels } from './labels';

// SendGrid posts its events to the server's public webhook, which is known once it is saved.
const webhookUrl = (documentId: string) =>
  `${(window as unknown as { strapi?: { backendURL?: string } }).strapi?.backendURL || window.location.origin}/api/email-server/webhooks/sendgrid/${documentId}`;

export const SendgridSection = ({ form }: { form: ServerFormState }) => {
  const t = useT();
  const { secret } = useSharedLabels();
  const { field, readable, server } = form;
  return (
    <Section title={t('section.sendgrid', 'SendGrid')}>
      <Cell size={12}>
        <SecretField
          {...field('apiToken')}
          label={t('field.apiToken', 'SendGrid API token')}
          required
          isSet={readable('apiToken')}
          labels={secret}
        />
      </Cell>
      <Cell size={12}>
        <TextareaField
          {...field('webhookPublicKey')}
          label={t('field.webhookPublicKey', 'Event Webhook verification key')}
          hint={
            server
              ? t(
                  'hint.webhookPublicKey',
                  'Optional, for bounces, unsubscribes, opens and clicks. In SendGrid, set the Event Webhook URL to {url}, turn on the signed webhook and paste its verification key here.',
                  { url: webhookUrl(server.documentId) }
                )
              : t(
                  'hint.webhookPublicKeyNew',
                  'Optional, for bounces, unsubscribes, opens and clicks. The Event Webhook URL to set in SendGrid is shown here once the server is saved.'
                )
          }
        />
      </Cell>
    </Section>
  );
};
