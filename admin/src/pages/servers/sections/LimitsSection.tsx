import { NumberField } from '../../../components/FormFields';
import { Cell, Section } from '../../../components/Layout';
import { useT } from '../../../hooks/useT';
import type { ServerFormState } from '../useServerForm';

export const LimitsSection = ({ form }: { form: ServerFormState }) => {
  const t = useT();
  const { values, set, shown } = form;
  return (
    <Section title={t('section.limits', 'Sending limits')}>
      <Cell>
        <NumberField
          name="rateLimitPerSecond"
          label={t('field.rateLimitPerSecond', 'Messages per second')}
          value={values.rateLimitPerSecond}
          onChange={set('rateLimitPerSecond')}
          error={shown('rateLimitPerSecond')}
          hint={t('hint.rateLimitPerSecond', 'All Strapi instances together')}
        />
      </Cell>
      <Cell>
        <NumberField
          name="maxConnections"
          label={t('field.maxConnections', 'Concurrent connections')}
          value={values.maxConnections}
          onChange={set('maxConnections')}
          error={shown('maxConnections')}
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
