import type { Extensions } from '@tiptap/react';
import Image from '@tiptap/extension-image';
import StarterKit from '@tiptap/starter-kit';

/** A Liquid output (`{{ unsubscribeUrl }}`) is a link target too: the server fills it per recipient. */
const LIQUID_URL = /^\s*\{\{[^}]*\}\}/;

/**
 * What the visual mode can represent. Nothing here adds markup of its own (no trailing empty
 * paragraph, no target/rel on links), so HTML made of these nodes comes back as it went in.
 */
export const editorExtensions = (): Extensions => [
  StarterKit.configure({
    trailingNode: false,
    codeBlock: false,
    link: {
      openOnClick: false,
      autolink: false,
      HTMLAttributes: { target: null, rel: null, class: null },
      isAllowedUri: (url, ctx) => LIQUID_URL.test(url) || Boolean(ctx.defaultValidate(url)),
    },
  }),
  Image.configure({ inline: false, allowBase64: false }),
];
