import { NumberField, SelectField } from '../../../components/FormFields';
import { Cell, Section } from '../../../components/Layout';
import { useServers } from '../../../hooks/useServers';
import { useT } from '../../../hooks/useT';
import type { ServerFormState } from '../useServerForm';

/** The value the fallback select shows for "no fallback" (a select cannot hold ''). */
const NONE = '__none__';

export const LimitsSection = ({ form, documentId }: { form: ServerFormState; documentId?: string }) => {
  const t = useT();
  const { field, values, set } = form;
  const { data: servers } = useServers();
  // Any other server, of either type: a SendGrid server may fall back to SMTP and back.
  const others = (servers ?? []).filter((s) => s.documentId !== documentId);
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
      <Cell>
        <NumberField
          {...field('hourlyLimit')}
          label={t('field.hourlyLimit', 'Messages per hour')}
          hint={t('hint.hourlyLimit', 'Empty for no limit. All instances together; the hour is UTC.')}
        />
      </Cell>
      <Cell>
        <NumberField
          {...field('dailyLimit')}
          label={t('field.dailyLimit', 'Messages per day')}
          hint={t('hint.dailyLimit', 'Empty for no limit. All instances together; the day is UTC.')}
        />
      </Cell>
      <Cell>
        <SelectField
          {...field('fallbackServer')}
          value={values.fallbackServer || NONE}
          onChange={(v) => set('fallbackServer')(v === NONE ? '' : v)}
          label={t('field.fallbackServer', 'Fallback server')}
          hint={t(
            'hint.fallbackServer',
            'Takes the mail when this server cannot: no connection, TLS or login failure, a refused session, or a limit reached. Never for a refused recipient.'
          )}
          options={[
            { value: NONE, label: t('field.fallbackNone', 'None') },
            ...others.map((s) => ({ value: s.documentId, label: `${s.name}${s.enabled ? '' : ` (${t('list.disabled', 'Disabled')})`}` })),
          ]}
        />
      </Cell>
    </Section>
  );
};
