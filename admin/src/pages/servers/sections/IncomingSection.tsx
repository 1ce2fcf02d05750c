import { NumberField, SecretField, SelectField, TextField } from '../../../components/FormFields';
import { Cell, Section } from '../../../components/Layout';
import { useT } from '../../../hooks/useT';
import type { ServerFormState } from '../useServerForm';
import { SENT_FOLDER_OFF } from '../serverValues';
import { useSharedLabels } from './labels';

export const IncomingSection = ({ form }: { form: ServerFormState }) => {
  const t = useT();
  const { secret, security, authMethods, oauthUsernameHint } = useSharedLabels();
  const { field, mustReenter, server, values } = form;
  const imap = values.incomingProtocol === 'imap';
  const oauth = values.incomingAuthMethod === 'oauth2';
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
            <SelectField
              {...field('incomingAuthMethod')}
              label={t('field.incomingAuthMethod', 'Incoming authentication')}
              options={authMethods}
            />
          </Cell>
          <Cell size={6} />
          <Cell>
            <TextField
              {...field('incomingUsername')}
              label={t('field.incomingUsername', 'Incoming username')}
              required={!oauth}
              hint={oauth ? oauthUsernameHint : undefined}
              autoComplete="off"
            />
          </Cell>
          {oauth ? null : (
            <Cell>
              <SecretField
                {...field('incomingPassword')}
                label={t('field.incomingPassword', 'Incoming password')}
                required
                isSet={Boolean(server?.incomingPasswordSet) && !mustReenter('incomingPassword')}
                labels={secret}
              />
            </Cell>
          )}
          {imap ? (
            <Cell>
              <TextField
                {...field('incomingFolder')}
                label={t('field.incomingFolder', 'Folder')}
              />
            </Cell>
          ) : null}
          {imap ? <SentFolder form={form} /> : null}
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

/** Where replies are saved: found (the \\Sent folder, else "Sent"), a named folder, or nowhere. */
const SentFolder = ({ form }: { form: ServerFormState }) => {
  const t = useT();
  const { name, value, onChange, error } = form.field('sentFolder');
  const mode = value === SENT_FOLDER_OFF ? 'off' : value === '' ? 'auto' : 'named';
  return (
    <>
      <Cell>
        <SelectField
          name="sentFolderMode"
          label={t('field.sentFolderMode', 'Save replies to the Sent folder')}
          value={mode}
          onChange={(next) => onChange(next === 'off' ? SENT_FOLDER_OFF : next === 'auto' ? '' : 'Sent')}
          options={[
            { value: 'auto', label: t('sentFolder.auto', 'Yes, the Sent folder of the mailbox') },
            { value: 'named', label: t('sentFolder.named', 'Yes, this folder…') },
            { value: 'off', label: t('sentFolder.off', 'No') },
          ]}
          hint={t('sentFolder.hint', 'So the mailbox shows the answers in other mail clients too.')}
        />
      </Cell>
      {mode === 'named' ? (
        <Cell>
          <TextField name={name} value={value} onChange={onChange} error={error} label={t('field.sentFolder', 'Sent folder')} />
        </Cell>
      ) : null}
    </>
  );
};
