import * as React from 'react';
import { useClipboard } from '@strapi/strapi/admin';
import { Alert, Box, Button, Field, Flex, TextInput, Typography } from '@strapi/design-system';
import { Duplicate, Link as LinkIcon } from '@strapi/icons';
import { ConfirmActionDialog } from '../../../components/ConfirmActionDialog';
import { SecretField, SelectField, TextField } from '../../../components/FormFields';
import { Cell, Section } from '../../../components/Layout';
import { useNotify } from '../../../hooks/useNotify';
import { useDisconnectOAuth, useRedirectUri, useStartOAuth } from '../../../hooks/useOAuth';
import { useT } from '../../../hooks/useT';
import { oauthConnectionChange } from '../../../../../shared/validation/servers';
import { toPayload } from '../serverValues';
import type { ServerFormState } from '../useServerForm';
import { useSharedLabels } from './labels';

/**
 * The OAuth2 app both sides log in with (shown when one of them uses OAuth2): the provider, the
 * client registered there, the redirect URL to register, and the connected account.
 */
export const OAuthSection = ({ form, canConnect }: { form: ServerFormState; canConnect: boolean }) => {
  const t = useT();
  const { secret } = useSharedLabels();
  const { field, values, server, mustReenter } = form;
  const provider = values.oauthProvider;
  return (
    <Section title={t('section.oauth', 'OAuth2 app')}>
      <Cell>
        <SelectField
          {...field('oauthProvider')}
          label={t('field.oauthProvider', 'OAuth provider')}
          required
          placeholder={t('oauth.choose', 'Choose the provider')}
          options={[
            { value: 'google', label: t('oauth.google', 'Google (Gmail, Google Workspace)') },
            { value: 'microsoft', label: t('oauth.microsoft', 'Microsoft 365 / Outlook.com') },
            { value: 'custom', label: t('oauth.custom', 'Other (custom OAuth2 server)') },
          ]}
        />
      </Cell>
      {provider === 'microsoft' ? (
        <Cell>
          <TextField
            {...field('oauthTenant')}
            label={t('field.oauthTenant', 'Tenant')}
            hint={t('hint.oauthTenant', 'Directory (tenant) ID or domain from the app registration; empty = common (any account)')}
          />
        </Cell>
      ) : (
        <Cell size={6} />
      )}
      <Cell>
        <TextField {...field('oauthClientId')} label={t('field.oauthClientId', 'Client ID')} required autoComplete="off" />
      </Cell>
      <Cell>
        <SecretField
          {...field('oauthClientSecret')}
          label={t('field.oauthClientSecret', 'Client secret')}
          required
          isSet={Boolean(server?.oauthClientSecretSet) && !mustReenter('oauthClientSecret')}
          labels={secret}
        />
      </Cell>
      {provider === 'custom' ? (
        <>
          <Cell>
            <TextField {...field('oauthAuthorizeUrl')} label={t('field.oauthAuthorizeUrl', 'Authorization URL')} required />
          </Cell>
          <Cell>
            <TextField {...field('oauthTokenUrl')} label={t('field.oauthTokenUrl', 'Token URL')} required />
          </Cell>
          <Cell size={12}>
            <TextField
              {...field('oauthScopes')}
              label={t('field.oauthScopes', 'Scopes')}
              required
              hint={t('hint.oauthScopes', 'Separated by spaces, including the one that gives a refresh token (e.g. offline_access)')}
            />
          </Cell>
        </>
      ) : null}
      <Cell size={12}>
        <RedirectUri />
      </Cell>
      <Cell size={12}>
        <AccountState form={form} canConnect={canConnect} />
      </Cell>
    </Section>
  );
};

/** The URL to paste into the provider's console, read-only, with a copy button. */
const RedirectUri = () => {
  const t = useT();
  const { copy } = useClipboard();
  const { toggleNotification } = useNotify();
  const { data: redirectUri = '' } = useRedirectUri(true);
  return (
    <Field.Root
      name="oauthRedirectUri"
      id="field-oauthRedirectUri"
      hint={t('hint.oauthRedirectUri', 'Register exactly this URL as a redirect URI of the app in the provider’s console.')}
    >
      <Field.Label>{t('field.oauthRedirectUri', 'Redirect URL')}</Field.Label>
      <Flex gap={2}>
        <Box style={{ flex: 1 }}>
          <TextInput readOnly value={redirectUri} />
        </Box>
        <Button
          type="button"
          variant="secondary"
          startIcon={<Duplicate />}
          disabled={!redirectUri}
          onClick={async () => {
            if (await copy(redirectUri)) toggleNotification({ type: 'success', message: t('oauth.copied', 'Redirect URL copied') });
          }}
        >
          {t('oauth.copy', 'Copy')}
        </Button>
      </Flex>
      <Field.Hint />
    </Field.Root>
  );
};

/** "Not connected" + Connect account, or "Connected as …" + Reconnect and Disconnect. */
const AccountState = ({ form, canConnect }: { form: ServerFormState; canConnect: boolean }) => {
  const t = useT();
  const { server, dirty, values, original } = form;
  const documentId = server?.documentId ?? '';
  const { failed, attempt } = useNotify();
  const start = useStartOAuth(documentId);
  const disconnect = useDisconnectOAuth(documentId);
  const [confirming, setConfirming] = React.useState(false);
  const [hidden, setHidden] = React.useState<string | null>(null);
  const connected = Boolean(server?.oauthConnected);
  const account = server?.oauthAccount ?? '';
  // The flow runs with the stored app settings, so unsaved edits would not be the ones used.
  const mustSave = !server || dirty;
  // The same rule the server applies on save: a token never follows a changed app or host.
  const change = React.useMemo(
    () => (connected && dirty ? oauthConnectionChange(toPayload(values), original) : null),
    [connected, dirty, values, original]
  );

  const connect = async () => {
    try {
      await start.mutateAsync();
    } catch (error) {
      failed(error);
    }
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <Typography variant="sigma" textColor="neutral600">
        {t('oauth.account', 'Account')}
      </Typography>
      {server?.oauthAttention && hidden !== server.oauthAttention ? (
        <Alert
          variant="danger"
          closeLabel={t('oauth.dismiss', 'Dismiss')}
          onClose={() => setHidden(server.oauthAttention)}
          data-testid="oauth-attention"
        >
          {server.oauthAttention}
        </Alert>
      ) : null}
      <Flex gap={3} wrap="wrap" alignItems="center">
        <Typography fontWeight="bold" textColor={server?.oauthAttention ? 'danger600' : connected ? 'success600' : 'neutral600'} data-testid="oauth-account">
          {connected
            ? account
              ? t('oauth.connectedAs', 'Connected as {account}', { account })
              : t('oauth.connected', 'Connected')
            : t('oauth.notConnected', 'Not connected')}
        </Typography>
        {canConnect ? (
          <Button type="button" variant={connected ? 'secondary' : 'default'} startIcon={<LinkIcon />} disabled={mustSave} loading={start.isLoading} onClick={connect}>
            {mustSave
              ? t('oauth.saveFirst', 'Save first, then connect')
              : connected || server?.oauthAttention
                ? t('oauth.reconnect', 'Reconnect')
                : t('oauth.connect', 'Connect account')}
          </Button>
        ) : null}
        {canConnect && connected ? (
          <Button type="button" variant="danger-light" onClick={() => setConfirming(true)}>
            {t('oauth.disconnect', 'Disconnect')}
          </Button>
        ) : null}
      </Flex>
      {change ? (
        <Typography textColor="warning600" data-testid="oauth-will-disconnect">
          {t('oauth.willDisconnect', 'Saving disconnects the account: the {change} changed. Connect it again after saving.', { change })}
        </Typography>
      ) : null}
      <Typography variant="pi" textColor="neutral600">
        {mustSave
          ? t('oauth.saveFirstHint', 'Connect uses the saved settings: press Done (or Create) first.')
          : t('oauth.connectHint', 'Opens the provider’s sign-in page; sign in as the mailbox and allow access.')}
      </Typography>
      <ConfirmActionDialog
        open={confirming}
        onOpenChange={setConfirming}
        title={t('oauth.disconnectTitle', 'Disconnect the account')}
        question={t('oauth.disconnectQuestion', 'Forget the tokens of this account?')}
        subject={account}
        consequences={[t('oauth.disconnectConsequence', 'Mail through this server stops until an account is connected again.')]}
        confirmLabel={t('oauth.disconnect', 'Disconnect')}
        loading={disconnect.isLoading}
        onConfirm={async () => {
          const done = t('oauth.disconnected', 'Disconnected {account}', { account });
          if (await attempt(() => disconnect.mutateAsync(), done)) setConfirming(false);
        }}
      />
    </Flex>
  );
};
