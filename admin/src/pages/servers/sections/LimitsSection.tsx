import { NumberField } from '../../../components/FormFields';
import { Cell, Section } from '../../../components/Layout';
import { useT } from '../../../hooks/useT';
import type { ServerFormState } from '../useServerForm';

export const LimitsSection = ({ form }: { form: ServerFormState }) => {
  const t = useT();
  const { field, values } = form;
  return (
    <Section title={t('section.limits', 'Sending limits')}>
      <Cell>
        <NumberField
          {...field('rateLimitPerSecond')}
          label={t('field.rateLimitPerSecond', 'Messages per second')}
          hint={t('hint.rateLimitPerSecond', 'All Strapi instances together')}
        />
      </Cell>
      <Cell>
        <NumberField
          {...field('maxConnections')}
          label={t('field.maxConnections', 'Concurrent connections')}
          hint={
            values.type === 'sendgrid'
              ? t('hint.maxConnectionsSendgrid', 'Concurrent API requests, all Strapi instances together')
              : t('hint.maxConnections', 'Concurrent SMTP connections, all Strapi instances together')
          }
        />
      </Cell>
    </Section>
  );
};
