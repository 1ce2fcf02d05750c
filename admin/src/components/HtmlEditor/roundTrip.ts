import { generateHTML, generateJSON, type Extensions } from '@tiptap/react';

/** Tags that mean the same to every mail program, so `<b>` and the editor's `<strong>` are equal. */
const SAME_TAG: Record<string, string> = { b: 'strong', i: 'em', strike: 's', del: 's' };
/** A whole document (doctype, head with styles, body attributes) is more than a body fragment. */
const DOCUMENT = /<!doctype|<html[\s>]|<head[\s>]|<body[\s>]/i;
/** Liquid outputs and tags, which must come back byte for byte (an `&lt;` in `{% if a < b %}` breaks it). */
const LIQUID = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;

const canonical = (node: Node, out: string[], tags: Set<string>) => {
  if (node.nodeType === Node.TEXT_NODE) {
    const text = (node.textContent ?? '').replace(/[ \t\n\r\f]+/g, ' ').trim();
    if (text) out.push(text);
    return;
  }
  if (node.nodeType !== Node.ELEMENT_NODE) return;
  const element = node as Element;
  const raw = element.tagName.toLowerCase();
  const tag = SAME_TAG[raw] ?? raw;
  tags.add(tag);
  const attributes = [...element.attributes]
    .map((a) => `${a.name}="${a.value}"`)
    .sort()
    .join(' ');
  out.push(`<${tag}${attributes ? ` ${attributes}` : ''}>`);
  for (const child of element.childNodes) canonical(child, out, tags);
  out.push(`</${tag}>`);
};

const describe = (html: string) => {
  const body = new DOMParser().parseFromString(html, 'text/html').body;
  const out: string[] = [];
  const tags = new Set<string>();
  for (const child of body.childNodes) canonical(child, out, tags);
  const attributes = new Set<string>();
  body.querySelectorAll('*').forEach((el) => [...el.attributes].forEach((a) => attributes.add(a.name)));
  return { text: out.join(''), tags, attributes };
};

export type RoundTrip = { ok: true } | { ok: false; lost: string[] };

/**
 * Whether the visual editor would keep this HTML: parsed into its schema and written back, the
 * markup must be the same (whitespace between tags aside) and every Liquid snippet identical.
 * When not, `lost` names what it would drop (`<table>`, `style`) for the hint.
 */
export const checkRoundTrip = (html: string, extensions: Extensions): RoundTrip => {
  if (!html.trim()) return { ok: true };
  if (DOCUMENT.test(html)) return { ok: false, lost: ['<html>'] };
  let back: string;
  try {
    back = generateHTML(generateJSON(html, extensions), extensions);
  } catch {
    return { ok: false, lost: [] };
  }
  const before = describe(html);
  const after = describe(back);
  const liquidBefore = html.match(LIQUID) ?? [];
  const liquidAfter = back.match(LIQUID) ?? [];
  if (before.text === after.text && liquidBefore.join('\n') === liquidAfter.join('\n')) return { ok: true };
  const lost = [
    ...[...before.tags].filter((tag) => !after.tags.has(tag)).map((tag) => `<${tag}>`),
    ...[...before.attributes].filter((name) => !after.attributes.has(name)),
  ];
  if (!lost.length && liquidBefore.join('\n') !== liquidAfter.join('\n')) lost.push('Liquid');
  return { ok: false, lost };
};
