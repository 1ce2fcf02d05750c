import * as React from 'react';
import { Box, Field, Flex, Tabs, Typography } from '@strapi/design-system';
import { useT } from '../../hooks/useT';
import { editorExtensions } from './extensions';
import { checkRoundTrip } from './roundTrip';
import { SourceView } from './SourceView';
import { VisualEditor } from './VisualEditor';

export interface HtmlEditorProps {
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  hint?: React.ReactNode;
  required?: boolean;
  /** Where to start when the HTML allows both; layouts are mostly tables, so they start in source. */
  defaultMode?: 'visual' | 'source';
}

type Mode = 'visual' | 'source';

/**
 * A rich editor and the HTML source of the same value. The stored HTML is the source: the visual
 * mode is offered only while it would keep that HTML as it is (tables, inline styles and most
 * mail layouts it cannot represent), and otherwise the source view stays, with the reason.
 */
export const HtmlEditor = ({ name, label, value, onChange, error, hint, required, defaultMode = 'visual' }: HtmlEditorProps) => {
  const t = useT();
  const extensions = React.useMemo(() => editorExtensions(), []);
  // Only checked when the source changes by other means than the visual editor itself.
  const [check, setCheck] = React.useState(() => checkRoundTrip(value, extensions));
  const [mode, setMode] = React.useState<Mode>(() => (defaultMode === 'visual' && check.ok ? 'visual' : 'source'));
  const fromVisual = React.useRef<string | null>(null);

  React.useEffect(() => {
    if (fromVisual.current === value) return;
    const next = checkRoundTrip(value, extensions);
    setCheck(next);
    // A new value from outside (a reset, a loaded campaign) the editor could not keep.
    if (!next.ok) setMode('source');
  }, [value, extensions]);

  const id = `field-${name}`;
  const reason = check.ok
    ? null
    : check.lost.length
      ? t('editor.sourceOnly', 'The visual editor cannot keep {what} in this HTML, so it stays in the HTML source view. Edit it here; it is saved exactly as written.', {
          what: check.lost.slice(0, 4).join(', '),
        })
      : t('editor.sourceOnlyGeneric', 'The visual editor cannot keep this HTML as written, so it stays in the HTML source view.');

  return (
    <Field.Root name={name} id={id} error={error} hint={hint} required={required}>
      <Flex direction="column" alignItems="stretch" gap={1}>
        <Field.Label>{label}</Field.Label>
        <Tabs.Root
          variant="simple"
          value={mode}
          onValueChange={(next: string) => {
            if (next === 'visual' && !check.ok) return;
            setMode(next as Mode);
          }}
        >
          <Tabs.List aria-label={t('editor.modes', 'Editing mode of {label}', { label })}>
            <Tabs.Trigger value="visual" disabled={!check.ok}>
              {t('editor.visual', 'Visual')}
            </Tabs.Trigger>
            <Tabs.Trigger value="source">{t('editor.source', 'HTML source')}</Tabs.Trigger>
          </Tabs.List>
          <Box paddingTop={3}>
            <Tabs.Content value="visual">
              {mode === 'visual' ? (
                <VisualEditor
                  value={value}
                  label={label}
                  hasError={Boolean(error)}
                  onChange={(html) => {
                    fromVisual.current = html;
                    onChange(html);
                  }}
                />
              ) : null}
            </Tabs.Content>
            <Tabs.Content value="source">
              {mode === 'source' ? (
                <SourceView
                  value={value}
                  label={t('editor.sourceLabel', '{label} (HTML source)', { label })}
                  hasError={Boolean(error)}
                  onChange={(html) => {
                    fromVisual.current = null;
                    onChange(html);
                  }}
                />
              ) : null}
            </Tabs.Content>
          </Box>
        </Tabs.Root>
        {reason ? (
          <Typography variant="pi" textColor="warning600" data-testid={`${name}-source-only`}>
            {reason}
          </Typography>
        ) : null}
        <Field.Hint />
        <Field.Error />
      </Flex>
    </Field.Root>
  );
};
