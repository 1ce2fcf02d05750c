import * as React from 'react';
import { html } from '@codemirror/lang-html';
import CodeMirror, { EditorView } from '@uiw/react-codemirror';
import { styled } from 'styled-components';

/** Styled as the design system's JSONInput, which is the same CodeMirror on a dark ground. */
const Frame = styled.div<{ $hasError: boolean }>`
  font-size: ${({ theme }: { theme: any }) => theme.fontSizes[2]};
  .cm-editor {
    background-color: #32324d;
    border-radius: ${({ theme }: { theme: any }) => theme.borderRadius};
    outline: none;
  }
  .cm-scroller {
    border: 1px solid ${({ theme, $hasError }: { theme: any; $hasError: boolean }) => ($hasError ? theme.colors.danger600 : theme.colors.neutral200)};
    border-radius: ${({ theme }: { theme: any }) => theme.borderRadius};
  }
  .cm-gutters,
  .cm-activeLineGutter {
    background-color: #4a4a6a;
  }
`;

interface SourceViewProps {
  value: string;
  onChange: (value: string) => void;
  label: string;
  hasError: boolean;
  disabled?: boolean;
}

/**
 * The HTML as it is stored, character for character: CodeMirror changes only what is typed or
 * pasted (no auto-closed tags or brackets, so Liquid's `{{` stays as typed).
 */
export const SourceView = ({ value, onChange, label, hasError, disabled = false }: SourceViewProps) => {
  const extensions = React.useMemo(
    () => [
      html({ autoCloseTags: false }),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ 'aria-label': label, 'data-testid': 'html-source' }),
    ],
    [label]
  );
  return (
    <Frame $hasError={hasError}>
      <CodeMirror
        value={value}
        onChange={onChange}
        editable={!disabled}
        theme="dark"
        minHeight="240px"
        maxHeight="560px"
        extensions={extensions}
        basicSetup={{ lineNumbers: true, closeBrackets: false, autocompletion: false, foldGutter: false, highlightActiveLine: false }}
      />
    </Frame>
  );
};
