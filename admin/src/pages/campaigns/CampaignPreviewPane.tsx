import * as React from 'react';
import { Box, Field, Flex, IconButton, Loader, Tabs, TextInput, Typography } from '@strapi/design-system';
import { Monitor, Phone } from '@strapi/icons';
import { styled } from 'styled-components';
import { usePreviewRequest, type CampaignPreview } from '../../hooks/useCampaigns';
import { useT } from '../../hooks/useT';
import type { FieldErrors } from '../../utils/formErrors';
import { errorsFromResponse } from '../../utils/formErrors';
import type { CampaignValues } from './CampaignFields';

/** Typing pauses this long before the server renders again. */
const DEBOUNCE_MS = 350;
const MOBILE_WIDTH = 375;
const CONTENT_FIELDS = ['subject', 'html', 'text', 'template'];

const Frame = styled.iframe<{ $width: string }>`
  display: block;
  width: ${({ $width }) => $width};
  max-width: 100%;
  height: 560px;
  margin: 0 auto;
  border: 1px solid ${({ theme }: { theme: any }) => theme.colors.neutral200};
  border-radius: ${({ theme }: { theme: any }) => theme.borderRadius};
  background: #fff;
`;

const TextPart = styled.pre`
  white-space: pre-wrap;
  word-break: break-word;
  font-family: ${({ theme }: { theme: any }) => theme.fonts?.code ?? 'monospace'};
  font-size: ${({ theme }: { theme: any }) => theme.fontSizes[2]};
  color: ${({ theme }: { theme: any }) => theme.colors.neutral800};
  min-height: 200px;
  margin: 0;
  padding: ${({ theme }: { theme: any }) => theme.spaces[4]};
  border: 1px solid ${({ theme }: { theme: any }) => theme.colors.neutral200};
  border-radius: ${({ theme }: { theme: any }) => theme.borderRadius};
`;

interface CampaignPreviewPaneProps {
  /** A saved campaign renders for one of its recipients; a new one with sample values. */
  documentId?: string;
  values: CampaignValues;
  /** The server's template errors, by field, to show under the fields themselves. */
  onErrors: (errors: FieldErrors) => void;
}

/**
 * What a recipient gets, rendered by the server from the form's unsaved values: as they type
 * (debounced), the answer to the latest request only. The HTML is shown in an iframe that may
 * run nothing and reach nothing of the admin (`sandbox=""`).
 */
export const CampaignPreviewPane = ({ documentId, values, onErrors }: CampaignPreviewPaneProps) => {
  const t = useT();
  const request = usePreviewRequest(documentId);
  const [email, setEmail] = React.useState('');
  const [preview, setPreview] = React.useState<CampaignPreview | null>(null);
  const [problem, setProblem] = React.useState<string | null>(null);
  const [emailError, setEmailError] = React.useState<string | undefined>();
  const [loading, setLoading] = React.useState(false);
  const [view, setView] = React.useState<'html' | 'text'>('html');
  const [width, setWidth] = React.useState<'desktop' | 'mobile'>('desktop');
  const latest = React.useRef(0);
  const onErrorsRef = React.useRef(onErrors);
  onErrorsRef.current = onErrors;

  const { subject, html, text, template } = values;
  React.useEffect(() => {
    const id = ++latest.current;
    const timer = setTimeout(async () => {
      setLoading(true);
      try {
        const answer = await request({
          subject,
          html: html.trim() ? html : null,
          text: text.trim() ? text : null,
          template: template || null,
          ...(documentId && email.trim() ? { email: email.trim() } : {}),
        });
        if (id !== latest.current) return;
        setPreview(answer);
        setProblem(null);
        setEmailError(undefined);
        onErrorsRef.current({});
      } catch (error: any) {
        if (id !== latest.current) return;
        const found = errorsFromResponse(error);
        const fields = Object.fromEntries(Object.entries(found).filter(([key]) => CONTENT_FIELDS.includes(key)));
        onErrorsRef.current(fields);
        setEmailError(found.email);
        setProblem(
          Object.keys(found).length
            ? t('preview.fieldErrors', 'The preview could not be rendered: see the marked fields.')
            : (error?.response?.data?.error?.message ?? t('preview.failed', 'The preview could not be rendered.'))
        );
      } finally {
        if (id === latest.current) setLoading(false);
      }
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [request, documentId, subject, html, text, template, email, t]);

  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid="campaign-preview">
      <Flex justifyContent="space-between" alignItems="center">
        <Typography variant="omega" fontWeight="bold">
          {t('preview.title', 'Preview')}
        </Typography>
        {loading ? <Loader small>{t('preview.loading', 'Rendering the preview')}</Loader> : null}
      </Flex>
      {documentId ? (
        <Field.Root
          name="previewEmail"
          id="field-previewEmail"
          error={emailError}
          hint={t('preview.emailHint', 'A recipient of this campaign; empty: the first one')}
        >
          <Field.Label>{t('preview.email', 'Preview for')}</Field.Label>
          <TextInput
            type="email"
            value={email}
            placeholder="ann@example.com"
            onChange={(e: React.ChangeEvent<HTMLInputElement>) => setEmail(e.target.value)}
          />
          <Field.Hint />
          <Field.Error />
        </Field.Root>
      ) : null}
      {preview ? (
        <Typography variant="pi" textColor="neutral600" data-testid="preview-recipient">
          {preview.recipient
            ? t('preview.renderedFor', 'Rendered for {email}', { email: preview.recipient })
            : t('preview.sample', 'Rendered with sample values (no recipient yet)')}
        </Typography>
      ) : null}
      {problem ? (
        <Typography variant="pi" textColor="danger600" data-testid="preview-problem">
          {problem}
        </Typography>
      ) : null}
      <Box>
        <Typography variant="pi" textColor="neutral600">
          {t('preview.subject', 'Subject')}:{' '}
        </Typography>
        <Typography variant="pi" fontWeight="bold" data-testid="preview-subject">
          {preview?.subject ?? ''}
        </Typography>
      </Box>
      <Tabs.Root variant="simple" value={view} onValueChange={(next: string) => setView(next as 'html' | 'text')}>
        <Flex justifyContent="space-between" alignItems="flex-end">
          <Tabs.List aria-label={t('preview.parts', 'Part of the mail')}>
            <Tabs.Trigger value="html">{t('preview.html', 'HTML')}</Tabs.Trigger>
            <Tabs.Trigger value="text">{t('preview.text', 'Text')}</Tabs.Trigger>
          </Tabs.List>
          {view === 'html' ? (
            <Flex gap={1}>
              <IconButton
                label={t('preview.desktop', 'Desktop width')}
                variant={width === 'desktop' ? 'secondary' : 'ghost'}
                aria-pressed={width === 'desktop'}
                onClick={() => setWidth('desktop')}
              >
                <Monitor />
              </IconButton>
              <IconButton
                label={t('preview.mobile', 'Mobile width')}
                variant={width === 'mobile' ? 'secondary' : 'ghost'}
                aria-pressed={width === 'mobile'}
                onClick={() => setWidth('mobile')}
              >
                <Phone />
              </IconButton>
            </Flex>
          ) : null}
        </Flex>
        <Box paddingTop={3}>
          <Tabs.Content value="html">
            {preview?.html ? (
              <Frame
                title={t('preview.frame', 'HTML preview')}
                sandbox=""
                srcDoc={preview.html}
                $width={width === 'mobile' ? `${MOBILE_WIDTH}px` : '100%'}
                data-width={width}
              />
            ) : (
              <Typography variant="pi" textColor="neutral600">
                {t('preview.noHtml', 'No HTML part: recipients get the text only.')}
              </Typography>
            )}
          </Tabs.Content>
          <Tabs.Content value="text">
            <TextPart data-testid="preview-text">{preview?.text ?? ''}</TextPart>
          </Tabs.Content>
        </Box>
      </Tabs.Root>
    </Flex>
  );
};
