import { NumberField, SecretField, SelectField, TextField } from '../../../components/FormFields';
import { Cell, Section } from '../../../components/Layout';
import { useT } from '../../../hooks/useT';
import type { ServerFormState } from '../useServerForm';
import { useSharedLabels } from './labels';

export const IncomingSection = ({ form }: { form: ServerFormState }) => {
  const t = useT();
  const { secret, security } = useSharedLabels();
  const { field, mustReenter, server, values } = form;
  const imap = values.incomingProtocol === 'imap';
  return (
    <Section title={t('section.incoming', 'Incoming mail server')}>
      <Cell>
        <SelectField
          {...field('incomingProtocol')}
          label={t('field.incomingProtocol', 'Protocol')}
          options={[
            { value: '', label: t('protocol.none', 'None (no incoming mail)') },
            { value: 'imap', label: 'IMAP' },
            { value: 'pop3', label: 'POP3' },
          ]}
        />
      </Cell>
      {values.incomingProtocol ? (
        <>
          <Cell size={6} />
          <Cell>
            <TextField
              {...field('incomingHost')}
              label={t('field.incomingHost', 'Incoming host')}
              required
            />
          </Cell>
          <Cell size={3}>
            <NumberField
              {...field('incomingPort')}
              label={t('field.incomingPort', 'Incoming port')}
              required
            />
          </Cell>
          <Cell size={3}>
            <SelectField
              {...field('incomingSecurity')}
              label={t('field.security', 'Security')}
              options={security}
            />
          </Cell>
          <Cell>
            <TextField
              {...field('incomingUsername')}
              label={t('field.incomingUsername', 'Incoming username')}
              required
              autoComplete="off"
            />
          </Cell>
          <Cell>
            <SecretField
              {...field('incomingPassword')}
              label={t('field.incomingPassword', 'Incoming password')}
              required
              isSet={Boolean(server?.incomingPasswordSet) && !mustReenter('incomingPassword')}
              labels={secret}
            />
          </Cell>
          {imap ? (
            <Cell>
              <TextField
                {...field('incomingFolder')}
                label={t('field.incomingFolder', 'Folder')}
              />
            </Cell>
          ) : null}
          <Cell>
            <SelectField
              {...field('afterFetch')}
              label={t('field.afterFetch', 'After fetching')}
              options={[
                { value: 'keep', label: t('afterFetch.keep', 'Keep on the server') },
                ...(imap ? [{ value: 'seen', label: t('afterFetch.seen', 'Mark as read (IMAP)') }] : []),
                { value: 'delete', label: t('afterFetch.delete', 'Delete from the server') },
              ]}
            />
          </Cell>
          <Cell>
            <NumberField
              {...field('pollIntervalSeconds')}
              label={t('field.pollIntervalSeconds', 'Check for new mail every (seconds)')}
            />
          </Cell>
        </>
      ) : null}
    </Section>
  );
};
