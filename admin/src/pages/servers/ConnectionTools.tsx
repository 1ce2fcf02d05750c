import * as React from 'react';
import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { Mail, Play } from '@strapi/icons';
import { testEmailSchema } from '../../../../shared/validation/servers';
import { TextField } from '../../components/FormFields';
import { useNotify } from '../../hooks/useNotify';
import { useSendTestEmail, useVerifyServer, type Check } from '../../hooks/useServers';
import { useT } from '../../hooks/useT';

const CheckLine = ({ label, check }: { label: string; check: Check }) => (
  <Typography textColor={check.ok ? 'success600' : 'danger600'} data-testid="check-result">
    {label}: {check.message}
  </Typography>
);

/** "Test connection" and "Send test email" for a saved server. */
export const ConnectionTools = ({ documentId }: { documentId: string }) => {
  const { toggleNotification, failed } = useNotify();
  const verify = useVerifyServer(documentId);
  const sendTest = useSendTestEmail(documentId);
  const [to, setTo] = React.useState('');
  const [toError, setToError] = React.useState<string | undefined>();
  const t = useT();

  const runVerify = async () => {
    try {
      const result = await verify.mutateAsync();
      const ok = result.outgoing.ok && (result.incoming?.ok ?? true);
      toggleNotification({
        type: ok ? 'success' : 'danger',
        message: ok ? t('check.ok', 'Connection works') : t('check.failed', 'Connection test failed'),
      });
    } catch (error) {
      failed(error);
    }
  };

  const runTestEmail = async () => {
    try {
      await testEmailSchema.validate({ to });
      setToError(undefined);
    } catch (error: any) {
      setToError(error.message);
      return;
    }
    try {
      await sendTest.mutateAsync(to);
      toggleNotification({ type: 'success', message: t('testEmail.sent', 'Test email sent to {to}', { to }) });
    } catch (error) {
      failed(error);
    }
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Typography variant="pi" textColor="neutral600">
        {t('check.hint', 'These use the saved settings: press Done first to test your changes.')}
      </Typography>
      <Flex gap={4} alignItems="flex-start" wrap="wrap">
        <Box>
          <Button type="button" variant="secondary" startIcon={<Play />} loading={verify.isLoading} onClick={runVerify}>
            {t('check.button', 'Test connection')}
          </Button>
        </Box>
        {verify.data ? (
          <Flex direction="column" alignItems="flex-start" gap={1}>
            <CheckLine label={t('check.outgoing', 'Outgoing')} check={verify.data.outgoing} />
            {verify.data.incoming ? <CheckLine label={t('check.incoming', 'Incoming')} check={verify.data.incoming} /> : null}
          </Flex>
        ) : null}
      </Flex>
      <Flex gap={4} alignItems="flex-end">
        <Box style={{ flex: 1, maxWidth: 420 }}>
          <TextField
            name="testEmailTo"
            label={t('testEmail.to', 'Send a test email to')}
            type="email"
            value={to}
            onChange={(value) => {
              setTo(value);
              setToError(undefined);
            }}
            error={toError}
          />
        </Box>
        <Box paddingBottom={toError ? 6 : 0}>
          <Button type="button" variant="secondary" startIcon={<Mail />} loading={sendTest.isLoading} onClick={runTestEmail}>
            {t('testEmail.button', 'Send test email')}
          </Button>
        </Box>
      </Flex>
    </Flex>
  );
};
