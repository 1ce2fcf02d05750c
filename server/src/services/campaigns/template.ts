import { VARIABLE } from '../../../../shared/validation/campaigns';
import { escapeHtml } from '../../utils/html';

export type Variables = Record<string, string>;

/** Fills `{{name}}` placeholders. In HTML every value is escaped: a variable is text, not markup. */
export const render = (template: string | null | undefined, vars: Variables, mode: 'html' | 'text' | 'header') => {
  if (!template) return template ?? undefined;
  return template.replace(VARIABLE, (_, name: string) => {
    const value = Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name] ?? '') : '';
    if (mode === 'html') return escapeHtml(value);
    // A line break in a subject would start a new header.
    if (mode === 'header') return value.replace(/[\r\n]+/g, ' ');
    return value;
  });
};

/**
 * The template with each placeholder turned into a SendGrid substitution key of its own per
 * part (`{{h:name}}` for HTML, `{{t:name}}` for text), so one request carries per-recipient values
 * that are escaped in the HTML and not in the text.
 */
export const toSubstitutionTemplate = (template: string | null | undefined, prefix: 'h' | 't') =>
  template ? template.replace(VARIABLE, (_, name: string) => `{{${prefix}:${name}}}`) : template ?? undefined;
