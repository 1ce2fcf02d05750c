import sanitizeHtml from 'sanitize-html';

/**
 * Inline CSS a mail may keep. sanitize-html parses every `style` attribute with postcss and keeps
 * only these properties, each with a value made of plain words, numbers, colours and a few
 * functions: no url(), image-set(), expression(), no escapes (a `\75rl(` is a url( to a browser),
 * so no declaration can fetch anything. `<style>` elements (and their @import) are dropped whole.
 */
const PROPERTIES = [
  'color', 'background', 'background-color', 'opacity',
  'border', 'border-top', 'border-right', 'border-bottom', 'border-left', 'border-color', 'border-style', 'border-width',
  'border-radius', 'border-collapse', 'border-spacing',
  'margin', 'margin-top', 'margin-right', 'margin-bottom', 'margin-left',
  'padding', 'padding-top', 'padding-right', 'padding-bottom', 'padding-left',
  'font', 'font-family', 'font-size', 'font-style', 'font-weight', 'font-variant', 'line-height', 'letter-spacing', 'word-spacing',
  'text-align', 'text-decoration', 'text-indent', 'text-transform', 'vertical-align', 'white-space', 'word-break', 'word-wrap', 'overflow-wrap', 'direction',
  'width', 'height', 'max-width', 'min-width', 'max-height', 'min-height',
  'display', 'float', 'clear', 'table-layout', 'list-style-type', 'list-style-position', 'overflow', 'box-sizing', 'visibility',
];
const LOCAL_VALUE = /^(?:[-#%.,\w\s'"!/+]|(?:rgba?|hsla?|calc)\([-#%.,\w\s/+*]*\))*$/i;
const allowedStyles = { '*': Object.fromEntries(PROPERTIES.map((p) => [p, [LOCAL_VALUE]])) };

const REMOTE = /^(https?:)?\/\//i;

/**
 * Mail HTML as the admin may show it: no scripts, no event handlers, no forms or frames, and no
 * remote content. A remote image keeps its address in data-remote-src (and no src), so the admin
 * can load it when the agent asks (`withRemoteImages`). Run once, when a mail is stored.
 */
export const sanitizeMailHtml = (html: string) =>
  sanitizeHtml(html, {
    allowedTags: sanitizeHtml.defaults.allowedTags.concat(['img', 'center', 'font', 'span']),
    allowedAttributes: {
      '*': ['style', 'align', 'width', 'height', 'bgcolor', 'color', 'dir', 'lang', 'title'],
      a: ['href', 'name', 'target', 'rel'],
      img: ['src', 'alt', 'width', 'height', 'data-remote-src'],
      td: ['colspan', 'rowspan', 'valign'],
      th: ['colspan', 'rowspan', 'valign'],
      font: ['face', 'size', 'color'],
    },
    allowedStyles,
    allowedSchemes: ['http', 'https', 'mailto', 'cid'],
    allowedSchemesByTag: { img: ['cid', 'data'] },
    allowProtocolRelative: false,
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' } }),
      img: (tagName, attribs) => {
        // Only we write data-remote-src: a sender's own would become a src on "Load remote images".
        const { 'data-remote-src': _given, src, ...rest } = attribs;
        if (src && REMOTE.test(src)) return { tagName, attribs: { ...rest, 'data-remote-src': src } };
        return { tagName, attribs: src === undefined ? rest : { ...rest, src } };
      },
    },
  });

/**
 * Sanitised HTML with its remote images loading. Safe as a string edit: in sanitize-html's output
 * attribute values have `"`, `<` and `>` escaped, so the pattern only meets our own img tags.
 */
export const withRemoteImages = (safeHtml: string) =>
  safeHtml.replace(/<img\b[^>]*>/g, (tag) => {
    const at = tag.indexOf(' data-remote-src="');
    if (at < 0) return tag;
    const end = tag.indexOf('"', at + 18);
    const url = tag.slice(at + 18, end);
    // The address was checked to be http(s) when it was stored; checked again all the same.
    return REMOTE.test(url.replace(/&amp;/g, '&')) ? `${tag.slice(0, at)} src="${url}"${tag.slice(end + 1)}` : tag;
  });
