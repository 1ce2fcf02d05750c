import * as React from 'react';
import { Layouts, Page, useAPIErrorHandler } from '@strapi/strapi/admin';
import { Alert, Button, Flex } from '@strapi/design-system';
import { ArrowLeft } from '@strapi/icons';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { useNotify } from '../../hooks/useNotify';
import { useFinishOAuth, type OAuthCallbackBody } from '../../hooks/useOAuth';
import { useT } from '../../hooks/useT';

/** What the provider appended to the redirect URL: a code, or an error, with the state either way. */
const bodyFrom = (params: URLSearchParams): OAuthCallbackBody | null => {
  const state = params.get('state');
  if (!state) return null;
  const error = params.get('error');
  if (error) {
    const description = params.get('error_description');
    return description ? { state, error, error_description: description } : { state, error };
  }
  return { state, code: params.get('code') ?? '' };
};

/**
 * Where the provider sends the browser back after Connect account. It hands the code and state
 * to the server once (the state is single-use), then opens the server's edit page, or says what
 * went wrong with a way back.
 */
export const OAuthCallbackPage = () => {
  const t = useT();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { toggleNotification } = useNotify();
  const { formatAPIError } = useAPIErrorHandler();
  const finish = useFinishOAuth();
  const body = React.useMemo(() => bodyFrom(params), [params]);
  const sent = React.useRef(false);

  React.useEffect(() => {
    if (!body || sent.current) return;
    sent.current = true;
    finish.mutate(body, {
      onSuccess: (server) => {
        toggleNotification({
          type: 'success',
          message: t('oauth.connectedAs', 'Connected as {account}', { account: server.oauthAccount ?? server.name }),
        });
        // replace: Back must not land here again with a used state.
        navigate(`../../${server.documentId}`, { relative: 'path', replace: true });
      },
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [body]);

  const title = t('oauth.callbackTitle', 'Connect account');
  const message = !body
    ? t('oauth.noState', 'This page is where the provider sends you back after Connect account; it was opened without the provider’s answer.')
    : finish.isError
      ? formatAPIError(finish.error as Parameters<typeof formatAPIError>[0])
      : null;

  return (
    <Page.Main>
      <Page.Title>{title}</Page.Title>
      <Layouts.Header title={title} />
      <Layouts.Content>
        {message ? (
          <Flex direction="column" alignItems="flex-start" gap={4}>
            <Alert variant="danger" title={t('oauth.failed', 'The account was not connected')} closeLabel={t('oauth.dismiss', 'Dismiss')} onClose={() => navigate('../..', { relative: 'path' })} data-testid="oauth-error">
              {message}
            </Alert>
            <Button variant="secondary" startIcon={<ArrowLeft />} onClick={() => navigate('../..', { relative: 'path' })}>
              {t('oauth.back', 'Back to email servers')}
            </Button>
          </Flex>
        ) : (
          <Page.Loading />
        )}
      </Layouts.Content>
    </Page.Main>
  );
};
