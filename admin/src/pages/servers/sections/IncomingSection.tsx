import { NumberField, SecretField, SelectField, TextField } from '../../../components/FormFields';
import { Cell, Section } from '../../../components/Layout';
import { useT } from '../../../hooks/useT';
import type { ServerFormState } from '../useServerForm';
import { useSharedLabels } from './labels';

export const IncomingSection = ({ form }: { form: ServerFormState }) => {
  const t = useT();
  const { secret, security } = useSharedLabels();
  const { server, values, set, shown, mustReenter } = form;
  const imap = values.incomingProtocol === 'imap';
  return (
    <Section title={t('section.incoming', 'Incoming mail server')}>
      <Cell>
        <SelectField
          name="incomingProtocol"
          label={t('field.incomingProtocol', 'Protocol')}
          value={values.incomingProtocol}
          onChange={set('incomingProtocol')}
          options={[
            { value: '', label: t('protocol.none', 'None (no incoming mail)') },
            { value: 'imap', label: 'IMAP' },
            { value: 'pop3', label: 'POP3' },
          ]}
          error={shown('incomingProtocol')}
        />
      </Cell>
      {values.incomingProtocol ? (
        <>
          <Cell size={6} />
          <Cell>
            <TextField
              name="incomingHost"
              label={t('field.incomingHost', 'Incoming host')}
              required
              value={values.incomingHost}
              onChange={set('incomingHost')}
              error={shown('incomingHost')}
            />
          </Cell>
          <Cell size={3}>
            <NumberField
              name="incomingPort"
              label={t('field.incomingPort', 'Incoming port')}
              required
              value={values.incomingPort}
              onChange={set('incomingPort')}
              error={shown('incomingPort')}
            />
          </Cell>
          <Cell size={3}>
            <SelectField
              name="incomingSecurity"
              label={t('field.security', 'Security')}
              value={values.incomingSecurity}
              onChange={set('incomingSecurity')}
              options={security}
              error={shown('incomingSecurity')}
            />
          </Cell>
          <Cell>
            <TextField
              name="incomingUsername"
              label={t('field.incomingUsername', 'Incoming username')}
              required
              autoComplete="off"
              value={values.incomingUsername}
              onChange={set('incomingUsername')}
              error={shown('incomingUsername')}
            />
          </Cell>
          <Cell>
            <SecretField
              name="incomingPassword"
              label={t('field.incomingPassword', 'Incoming password')}
              required
              isSet={Boolean(server?.incomingPasswordSet) && !mustReenter('incomingPassword')}
              labels={secret}
              value={values.incomingPassword}
              onChange={set('incomingPassword')}
              error={shown('incomingPassword')}
            />
          </Cell>
          {imap ? (
            <Cell>
              <TextField
                name="incomingFolder"
                label={t('field.incomingFolder', 'Folder')}
                value={values.incomingFolder}
                onChange={set('incomingFolder')}
                error={shown('incomingFolder')}
              />
            </Cell>
          ) : null}
          <Cell>
            <SelectField
              name="afterFetch"
              label={t('field.afterFetch', 'After fetching')}
              value={values.afterFetch}
              onChange={set('afterFetch')}
              options={[
                { value: 'keep', label: t('afterFetch.keep', 'Keep on the server') },
                ...(imap ? [{ value: 'seen', label: t('afterFetch.seen', 'Mark as read (IMAP)') }] : []),
                { value: 'delete', label: t('afterFetch.delete', 'Delete from the server') },
              ]}
              error={shown('afterFetch')}
            />
          </Cell>
          <Cell>
            <NumberField
              name="pollIntervalSeconds"
              label={t('field.pollIntervalSeconds', 'Check for new mail every (seconds)')}
              value={values.pollIntervalSeconds}
              onChange={set('pollIntervalSeconds')}
              error={shown('pollIntervalSeconds')}
            />
          </Cell>
        </>
      ) : null}
    </Section>
  );
};
