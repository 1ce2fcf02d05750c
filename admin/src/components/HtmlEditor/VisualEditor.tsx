import * as React from 'react';
import { Box, Button, Flex, IconButton, TextInput } from '@strapi/design-system';
import { Bold, BulletList, HeadingOne, HeadingThree, HeadingTwo, Italic, Link, NumberList } from '@strapi/icons';
import { EditorContent, useEditor, useEditorState, type Editor } from '@tiptap/react';
import { styled } from 'styled-components';
import { useT } from '../../hooks/useT';
import { editorExtensions } from './extensions';

const Surface = styled(Box)<{ $hasError: boolean }>`
  border: 1px solid ${({ theme, $hasError }: { theme: any; $hasError: boolean }) => ($hasError ? theme.colors.danger600 : theme.colors.neutral200)};
  border-radius: ${({ theme }: { theme: any }) => theme.borderRadius};
  background: ${({ theme }: { theme: any }) => theme.colors.neutral0};
  .ProseMirror {
    min-height: 240px;
    padding: ${({ theme }: { theme: any }) => `${theme.spaces[3]} ${theme.spaces[4]}`};
    outline: none;
    color: ${({ theme }: { theme: any }) => theme.colors.neutral800};
    font-size: ${({ theme }: { theme: any }) => theme.fontSizes[2]};
    line-height: 1.5;
  }
  .ProseMirror:focus-visible {
    box-shadow: ${({ theme }: { theme: any }) => theme.colors.primary600} 0px 0px 0px 2px;
  }
  .ProseMirror p { margin: 0 0 0.75em; }
  .ProseMirror h1 { font-size: 1.75em; font-weight: 600; margin: 0 0 0.5em; }
  .ProseMirror h2 { font-size: 1.4em; font-weight: 600; margin: 0 0 0.5em; }
  .ProseMirror h3 { font-size: 1.15em; font-weight: 600; margin: 0 0 0.5em; }
  .ProseMirror ul, .ProseMirror ol { padding-left: 1.5em; margin: 0 0 0.75em; }
  .ProseMirror ul { list-style: disc; }
  .ProseMirror ol { list-style: decimal; }
  .ProseMirror strong { font-weight: 600; }
  .ProseMirror em { font-style: italic; }
  .ProseMirror a { color: ${({ theme }: { theme: any }) => theme.colors.primary600}; text-decoration: underline; }
  .ProseMirror img { max-width: 100%; }
`;

const Toolbar = ({ editor, label }: { editor: Editor; label: string }) => {
  const t = useT();
  const [linking, setLinking] = React.useState(false);
  const [href, setHref] = React.useState('');
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive('bold'),
      italic: e.isActive('italic'),
      link: e.isActive('link'),
      bulletList: e.isActive('bulletList'),
      orderedList: e.isActive('orderedList'),
      h1: e.isActive('heading', { level: 1 }),
      h2: e.isActive('heading', { level: 2 }),
      h3: e.isActive('heading', { level: 3 }),
    }),
  });
  const chain = () => editor.chain().focus();
  const button = (key: keyof typeof state, name: string, icon: React.ReactNode, run: () => void) => (
    <IconButton
      key={key}
      label={name}
      variant={state[key] ? 'secondary' : 'ghost'}
      aria-pressed={state[key]}
      onClick={run}
    >
      {icon}
    </IconButton>
  );
  const applyLink = () => {
    const url = href.trim();
    if (url) chain().extendMarkRange('link').setLink({ href: url }).run();
    else chain().extendMarkRange('link').unsetLink().run();
    setLinking(false);
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={2} paddingBottom={2}>
      <Flex gap={1} wrap="wrap" role="toolbar" aria-label={t('editor.toolbar', 'Formatting of {label}', { label })}>
        {button('bold', t('editor.bold', 'Bold'), <Bold />, () => chain().toggleBold().run())}
        {button('italic', t('editor.italic', 'Italic'), <Italic />, () => chain().toggleItalic().run())}
        {button('link', t('editor.link', 'Link'), <Link />, () => {
          setHref(editor.getAttributes('link').href ?? '');
          setLinking((open) => !open);
        })}
        {button('h1', t('editor.h1', 'Heading 1'), <HeadingOne />, () => chain().toggleHeading({ level: 1 }).run())}
        {button('h2', t('editor.h2', 'Heading 2'), <HeadingTwo />, () => chain().toggleHeading({ level: 2 }).run())}
        {button('h3', t('editor.h3', 'Heading 3'), <HeadingThree />, () => chain().toggleHeading({ level: 3 }).run())}
        {button('bulletList', t('editor.bulletList', 'Bulleted list'), <BulletList />, () => chain().toggleBulletList().run())}
        {button('orderedList', t('editor.orderedList', 'Numbered list'), <NumberList />, () => chain().toggleOrderedList().run())}
      </Flex>
      {linking ? (
        <Flex gap={2} alignItems="center">
          <Box style={{ flex: 1 }}>
            <TextInput
              aria-label={t('editor.linkAddress', 'Link address')}
              placeholder="https://example.com or {{ unsubscribeUrl }}"
              value={href}
              onChange={(e: React.ChangeEvent<HTMLInputElement>) => setHref(e.target.value)}
              onKeyDown={(e: React.KeyboardEvent) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  applyLink();
                }
              }}
            />
          </Box>
          <Button size="S" onClick={applyLink}>
            {href.trim() ? t('editor.linkApply', 'Apply') : t('editor.linkRemove', 'Remove link')}
          </Button>
          <Button size="S" variant="tertiary" onClick={() => setLinking(false)}>
            {t('editor.linkCancel', 'Cancel')}
          </Button>
        </Flex>
      ) : null}
    </Flex>
  );
};

interface VisualEditorProps {
  value: string;
  onChange: (value: string) => void;
  label: string;
  hasError: boolean;
}

/**
 * Tiptap over the HTML. It only writes back what a person changed here (onUpdate); showing the
 * HTML, or taking a new value from outside, never emits one.
 */
export const VisualEditor = ({ value, onChange, label, hasError }: VisualEditorProps) => {
  const emitted = React.useRef(value);
  const onChangeRef = React.useRef(onChange);
  onChangeRef.current = onChange;
  const editor = useEditor({
    extensions: editorExtensions(),
    content: value,
    immediatelyRender: true,
    editorProps: {
      attributes: { 'aria-label': label, 'aria-multiline': 'true', role: 'textbox', 'data-testid': 'html-visual' },
    },
    onUpdate: ({ editor: e }) => {
      const html = e.isEmpty ? '' : e.getHTML();
      emitted.current = html;
      onChangeRef.current(html);
    },
  });

  React.useEffect(() => {
    if (editor && value !== emitted.current) {
      emitted.current = value;
      editor.commands.setContent(value, { emitUpdate: false });
    }
  }, [editor, value]);

  if (!editor) return null;
  return (
    <Box>
      <Toolbar editor={editor} label={label} />
      <Surface $hasError={hasError}>
        <EditorContent editor={editor} />
      </Surface>
    </Box>
  );
};
