import * as React from 'react';
import {
  BackButton,
  Layouts,
  Page,
  useAPIErrorHandler,
  useNotification,
  useRBAC,
} from '@strapi/strapi/admin';
import { Box, Button, Flex, Grid, Typography } from '@strapi/design-system';
import { Check, Trash } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { useNavigate, useParams } from 'react-router-dom';
import { ConnectionTools } from '../components/ConnectionTools';
import { DeleteServerDialog } from '../components/DeleteServerDialog';
import {
  NumberField,
  SecretField,
  SelectField,
  TextareaField,
  TextField,
  ToggleField,
} from '../components/FormFields';
import { useSaveServer, useServer, type PublicServer } from '../hooks/useServers';
import { PERMISSIONS } from '../permissions';
import { getTranslation } from '../utils/getTranslation';
import {
  emptyValues,
  errorsFromResponse,
  toPayload,
  validateForm,
  valuesFromServer,
  type FieldErrors,
  type FormValues,
} from '../utils/serverForm';

const Section = ({ title, children }: { title: string; children: React.ReactNode }) => (
  <Box background="neutral0" hasRadius shadow="filterShadow" padding={6}>
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Typography variant="delta" tag="h2">
        {title}
      </Typography>
      <Grid.Root gap={4}>{children}</Grid.Root>
    </Flex>
  </Box>
);

const Cell = ({ children, size = 6 }: { children?: React.ReactNode; size?: number }) => (
  <Grid.Item col={size} s={12} direction="column" alignItems="stretch">
    {children}
  </Grid.Item>
);

interface ServerFormProps {
  server?: PublicServer;
}

const ServerForm = ({ server }: ServerFormProps) => {
  const { formatMessage } = useIntl();
  const navigate = useNavigate();
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  const save = useSaveServer(server?.documentId);
  const { allowedActions } = useRBAC({
    update: PERMISSIONS.update,
    delete: PERMISSIONS.delete,
    test: PERMISSIONS.test,
    setDefault: PERMISSIONS.setDefault,
  });
  const isEdit = Boolean(server);

  const [values, setValues] = React.useState<FormValues>(() =>
    server ? valuesFromServer(server) : emptyValues
  );
  const [errors, setErrors] = React.useState<FieldErrors>({});
  // Errors only the server can find (e.g. a duplicate name), kept until that field changes.
  const [serverErrors, setServerErrors] = React.useState<FieldErrors>({});
  const [submitted, setSubmitted] = React.useState(false);
  const [touched, setTouched] = React.useState<Set<string>>(new Set());
  const [deleteOpen, setDeleteOpen] = React.useState(false);

  const t = (id: string, defaultMessage: string, values?: Record<string, React.ReactNode>) =>
    formatMessage({ id: getTranslation(id), defaultMessage }, values) as string;

  // A secret that no longer decrypts counts as not stored: the form asks for it again.
  const readable = (field: 'apiToken' | 'smtpPassword' | 'incomingPassword' | 'dkimPrivateKey') =>
    Boolean(server?.[`${field}Set` as const]) && !(server?.unreadableSecrets ?? []).includes(field);
  const context = React.useMemo(
    () => ({
      stored: {
        apiToken: readable('apiToken'),
        smtpPassword: readable('smtpPassword'),
        incomingPassword: readable('incomingPassword'),
        dkimPrivateKey: readable('dkimPrivateKey'),
      },
      // The saved connection: editing its host, port, security or certificate check asks for the
      // password again, with the same rule the server applies.
      original: server ? toPayload(valuesFromServer(server)) : null,
    }),
    [server]
  );
  /** Whether the stored password must be typed again now (the schema said so on its field). */
  const mustReenter = (field: 'smtpPassword' | 'incomingPassword') =>
    Boolean((serverErrors[field] ?? errors[field])?.startsWith('Re-enter the password')) || !readable(field);

  // The shared schema runs on every change; errors show once a field was touched or a submit tried.
  React.useEffect(() => {
    let current = true;
    validateForm(values, context).then((result) => {
      if (current) setErrors(result);
    });
    return () => {
      current = false;
    };
  }, [values, context]);

  const set = <K extends keyof FormValues>(key: K) => (value: FormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setTouched((s) => new Set(s).add(key));
    setServerErrors((e) => ({ ...e, [key]: undefined }));
  };

  const shown = (key: string) =>
    serverErrors[key] ??
    // "Re-enter the password" shows as soon as the connection changed, not only once touched.
    (submitted || touched.has(key) || errors[key]?.startsWith('Re-enter the password') ? errors[key] : undefined);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    const clientErrors = await validateForm(values, context);
    setErrors(clientErrors);
    if (Object.keys(clientErrors).length > 0) {
      toggleNotification({
        type: 'warning',
        message: t('form.invalid', 'Some fields need your attention.'),
      });
      return;
    }
    try {
      const saved = await save.mutateAsync(toPayload(values));
      toggleNotification({
        type: 'success',
        message: isEdit
          ? t('notification.updated', 'Saved {name}', { name: saved.name })
          : t('notification.created', 'Created {name}', { name: saved.name }),
      });
      navigate(isEdit ? '..' : `../${saved.documentId}`, { relative: 'path' });
    } catch (error) {
      setServerErrors(errorsFromResponse(error));
      toggleNotification({ type: 'danger', message: formatAPIError(error as any) });
    }
  };

  const secretLabels = {
    set: t('secret.set', 'Set'),
    notSet: t('secret.notSet', 'Not set'),
    replace: t('secret.replace', 'Replace'),
    keep: t('secret.keep', 'Keep current'),
  };
  const securityOptions = [
    { value: '', label: t('security.auto', 'Automatic (from the port)') },
    { value: 'tls', label: t('security.tls', 'TLS (implicit)') },
    { value: 'starttls', label: t('security.starttls', 'STARTTLS (required)') },
    { value: 'none', label: t('security.none', 'None (plain text)') },
  ];
  // SendGrid posts its events to the server's public webhook, which is known once it is saved.
  const webhookUrl = server
    ? `${(window as unknown as { strapi?: { backendURL?: string } }).strapi?.backendURL || window.location.origin}/api/email-server/webhooks/sendgrid/${server.documentId}`
    : null;
  const title = isEdit ? server!.name : t('form.createTitle', 'Create new server');
  const canSave = isEdit ? allowedActions.canUpdate : true;

  return (
    <Page.Main>
      <Page.Title>{title}</Page.Title>
      <form noValidate onSubmit={submit}>
        <Layouts.Header
          navigationAction={<BackButton fallback=".." disabled={false} />}
          title={title}
          subtitle={t('form.subtitle', 'Only the fields of the chosen server type are used.')}
          primaryAction={
            <Flex gap={2}>
              {isEdit && allowedActions.canDelete ? (
                <Button
                  type="button"
                  variant="danger-light"
                  startIcon={<Trash />}
                  onClick={() => setDeleteOpen(true)}
                >
                  {t('form.delete', 'Delete')}
                </Button>
              ) : null}
              {canSave ? (
                <Button type="submit" startIcon={<Check />} loading={save.isLoading}>
                  {isEdit ? t('form.done', 'Done') : t('form.create', 'Create')}
                </Button>
              ) : null}
            </Flex>
          }
        />
        <Layouts.Content>
          <Flex direction="column" alignItems="stretch" gap={6}>
            <Section title={t('section.general', 'Server')}>
              <Cell>
                <TextField
                  name="name"
                  label={t('field.name', 'Name')}
                  required
                  value={values.name}
                  onChange={set('name')}
                  error={shown('name')}
                />
              </Cell>
              <Cell>
                <SelectField
                  name="type"
                  label={t('field.type', 'Server type')}
                  required
                  value={values.type}
                  onChange={(v) => set('type')(v as FormValues['type'])}
                  options={[
                    { value: 'smtp', label: 'SMTP' },
                    { value: 'sendgrid', label: 'SendGrid' },
                  ]}
                  error={shown('type')}
                />
              </Cell>
              <Cell>
                <TextField
                  name="senderEmail"
                  label={t('field.senderEmail', 'Sender email')}
                  required
                  type="email"
                  value={values.senderEmail}
                  onChange={set('senderEmail')}
                  error={shown('senderEmail')}
                  hint={t('hint.senderEmail', 'The From address, e.g. support@example.com')}
                />
              </Cell>
              <Cell>
                <TextField
                  name="senderName"
                  label={t('field.senderName', 'Sender name')}
                  value={values.senderName}
                  onChange={set('senderName')}
                  error={shown('senderName')}
                />
              </Cell>
              <Cell>
                <TextField
                  name="replyTo"
                  label={t('field.replyTo', 'Reply to')}
                  type="email"
                  value={values.replyTo}
                  onChange={set('replyTo')}
                  error={shown('replyTo')}
                  hint={t('hint.replyTo', 'Replies go to this address instead of the sender')}
                />
              </Cell>
              <Cell size={3}>
                <ToggleField
                  name="isDefault"
                  label={t('field.isDefault', 'Default')}
                  hint={
                    allowedActions.canSetDefault
                      ? t('hint.isDefault', "Strapi's own emails go out through the default server")
                      : t('hint.isDefaultLocked', 'Only admins allowed to set the default server can change this')
                  }
                  checked={values.isDefault}
                  onChange={set('isDefault')}
                  disabled={!allowedActions.canSetDefault}
                  onLabel={t('toggle.yes', 'Yes')}
                  offLabel={t('toggle.no', 'No')}
                />
              </Cell>
              <Cell size={3}>
                <ToggleField
                  name="enabled"
                  label={t('field.enabled', 'Enabled')}
                  hint={t('hint.enabled', 'A disabled server sends and fetches nothing')}
                  checked={values.enabled}
                  onChange={set('enabled')}
                  onLabel={t('toggle.yes', 'Yes')}
                  offLabel={t('toggle.no', 'No')}
                />
              </Cell>
            </Section>

            {values.type === 'sendgrid' ? (
              <Section title={t('section.sendgrid', 'SendGrid')}>
                <Cell size={12}>
                  <SecretField
                    name="apiToken"
                    label={t('field.apiToken', 'SendGrid API token')}
                    required
                    isSet={readable('apiToken')}
                    labels={secretLabels}
                    value={values.apiToken}
                    onChange={set('apiToken')}
                    error={shown('apiToken')}
                  />
                </Cell>
                <Cell size={12}>
                  <TextareaField
                    name="webhookPublicKey"
                    label={t('field.webhookPublicKey', 'Event Webhook verification key')}
                    value={values.webhookPublicKey}
                    onChange={set('webhookPublicKey')}
                    error={shown('webhookPublicKey')}
                    hint={
                      webhookUrl
                        ? t(
                            'hint.webhookPublicKey',
                            'Optional, for bounces, unsubscribes, opens and clicks. In SendGrid, set the Event Webhook URL to {url}, turn on the signed webhook and paste its verification key here.',
                            { url: webhookUrl }
                          )
                        : t(
                            'hint.webhookPublicKeyNew',
                            'Optional, for bounces, unsubscribes, opens and clicks. The Event Webhook URL to set in SendGrid is shown here once the server is saved.'
                          )
                    }
                  />
                </Cell>
              </Section>
            ) : (
              <>
                <Section title={t('section.outgoing', 'Outgoing mail server')}>
                  <Cell>
                    <TextField
                      name="smtpHost"
                      label={t('field.smtpHost', 'SMTP host')}
                      required
                      value={values.smtpHost}
                      onChange={set('smtpHost')}
                      error={shown('smtpHost')}
                      hint={t('hint.host', 'A hostname or IP address, without smtp:// or a port')}
                    />
                  </Cell>
                  <Cell size={3}>
                    <NumberField
                      name="smtpPort"
                      label={t('field.smtpPort', 'SMTP port')}
                      required
                      value={values.smtpPort}
                      onChange={set('smtpPort')}
                      error={shown('smtpPort')}
                    />
                  </Cell>
                  <Cell size={3}>
                    <SelectField
                      name="smtpSecurity"
                      label={t('field.security', 'Security')}
                      value={values.smtpSecurity}
                      onChange={set('smtpSecurity')}
                      options={securityOptions}
                      error={shown('smtpSecurity')}
                    />
                  </Cell>
                  <Cell>
                    <TextField
                      name="smtpUsername"
                      label={t('field.smtpUsername', 'SMTP username')}
                      autoComplete="off"
                      value={values.smtpUsername}
                      onChange={set('smtpUsername')}
                      error={shown('smtpUsername')}
                    />
                  </Cell>
                  <Cell>
                    <SecretField
                      name="smtpPassword"
                      label={t('field.smtpPassword', 'SMTP password')}
                      isSet={Boolean(server?.smtpPasswordSet) && !mustReenter('smtpPassword')}
                      labels={secretLabels}
                      value={values.smtpPassword}
                      onChange={set('smtpPassword')}
                      error={shown('smtpPassword')}
                    />
                  </Cell>
                  <Cell>
                    <ToggleField
                      name="tlsRejectUnauthorized"
                      label={t('field.tlsRejectUnauthorized', 'Verify TLS certificates')}
                      hint={t(
                        'hint.tlsRejectUnauthorized',
                        'Turn off only for a server with a self-signed certificate you trust'
                      )}
                      checked={values.tlsRejectUnauthorized}
                      onChange={set('tlsRejectUnauthorized')}
                      onLabel={t('toggle.yes', 'Yes')}
                      offLabel={t('toggle.no', 'No')}
                    />
                  </Cell>
                </Section>

                <Section title={t('section.dkim', 'DKIM signing (optional)')}>
                  <Cell>
                    <TextField
                      name="dkimDomain"
                      label={t('field.dkimDomain', 'DKIM domain')}
                      value={values.dkimDomain}
                      onChange={set('dkimDomain')}
                      error={shown('dkimDomain')}
                      hint={t('hint.dkimDomain', 'The domain that signs, e.g. example.com')}
                    />
                  </Cell>
                  <Cell>
                    <TextField
                      name="dkimSelector"
                      label={t('field.dkimSelector', 'DKIM selector')}
                      value={values.dkimSelector}
                      onChange={set('dkimSelector')}
                      error={shown('dkimSelector')}
                      hint={t(
                        'hint.dkimSelector',
                        'The public key goes in a TXT record at selector._domainkey.domain, e.g. mail._domainkey.example.com'
                      )}
                    />
                  </Cell>
                  <Cell size={12}>
                    <SecretField
                      name="dkimPrivateKey"
                      label={t('field.dkimPrivateKey', 'DKIM private key (PEM)')}
                      multiline
                      isSet={readable('dkimPrivateKey')}
                      labels={secretLabels}
                      value={values.dkimPrivateKey}
                      onChange={set('dkimPrivateKey')}
                      error={shown('dkimPrivateKey')}
                      hint={t('hint.dkimPrivateKey', 'Domain, selector and key are needed together, or none of them')}
                    />
                  </Cell>
                </Section>

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
                          options={securityOptions}
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
                          labels={secretLabels}
                          value={values.incomingPassword}
                          onChange={set('incomingPassword')}
                          error={shown('incomingPassword')}
                        />
                      </Cell>
                      {values.incomingProtocol === 'imap' ? (
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
                            ...(values.incomingProtocol === 'imap'
                              ? [{ value: 'seen', label: t('afterFetch.seen', 'Mark as read (IMAP)') }]
                              : []),
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
              </>
            )}

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

            {server && allowedActions.canTest ? (
              <Box background="neutral0" hasRadius shadow="filterShadow" padding={6}>
                <Flex direction="column" alignItems="stretch" gap={4}>
                  <Typography variant="delta" tag="h2">
                    {t('section.connection', 'Connection')}
                  </Typography>
                  <ConnectionTools documentId={server.documentId} />
                </Flex>
              </Box>
            ) : null}
          </Flex>
        </Layouts.Content>
      </form>
      {server ? (
        <DeleteServerDialog
          server={server}
          open={deleteOpen}
          onOpenChange={setDeleteOpen}
          onDeleted={() => navigate('..', { relative: 'path' })}
        />
      ) : null}
    </Page.Main>
  );
};

export const CreatePage = () => {
  const { allowedActions, isLoading } = useRBAC({ create: PERMISSIONS.create });
  if (isLoading) return <Page.Loading />;
  if (!allowedActions.canCreate) return <Page.NoPermissions />;
  return <ServerForm />;
};

export const EditPage = () => {
  const { documentId } = useParams<{ documentId: string }>();
  const { data: server, isLoading, isError } = useServer(documentId);
  if (isLoading) return <Page.Loading />;
  if (isError || !server) return <Page.Error />;
  return <ServerForm key={server.updatedAt} server={server} />;
};
