import { Context, type Template } from 'liquidjs';
import { CAMPAIGN_LIMITS, createEngine, describeTemplateError } from '../../../../shared/liquid';
import { errors } from '@strapi/utils';

/** A recipient's values: CSV columns are text; `_track` (tracking links) is an object. */
export type Variables = Record<string, unknown>;
export type Mode = 'html' | 'text' | 'header';
export type Compiled = Template[];

// Output is HTML-escaped in the HTML part (a variable is text, not markup), as it is in the text
// part and the subject.
const engines = {
  html: createEngine({ what: 'campaigns', escapeOutput: true, ...CAMPAIGN_LIMITS }),
  text: createEngine({ what: 'campaigns', ...CAMPAIGN_LIMITS }),
};
export const engineFor = (mode: Mode) => (mode === 'html' ? engines.html : engines.text);

/** Parses a campaign's subject, HTML or text; throws LiquidJS's error (with its line). */
export const compile = (source: string, mode: Mode): Compiled => engineFor(mode).parse(source);

// A line break in a subject would start a new header.
const finish = (out: string, mode: Mode) => (mode === 'header' ? out.replace(/[\r\n]+/g, ' ') : out);

export const renderCompiled = (template: Compiled, vars: Variables, mode: Mode): string => finish(engineFor(mode).renderSync(template, vars), mode);

/**
 * The outputs of a template's top-level pieces for one recipient, rendered one after another in
 * one scope (an `assign` in one piece is seen by the next): SendGrid's substitutions.
 */
export const renderPieces = (pieces: Compiled, vars: Variables, mode: Mode): string[] => {
  const engine = engineFor(mode);
  const ctx = new Context(vars, engine.options);
  return pieces.map((piece) => finish(engine.renderSync([piece], ctx), mode));
};

// Sources seen lately, parsed: `render` is called per recipient and per link with the same few.
const recent = new Map<string, Compiled>();
const cached = (source: string, mode: Mode) => {
  const key = `${mode}\n${source}`;
  let hit = recent.get(key);
  if (!hit) {
    hit = compile(source, mode);
    if (recent.size >= 200) recent.delete(recent.keys().next().value!);
    recent.set(key, hit);
  }
  return hit;
};

/** Fills a Liquid template for one recipient. In HTML every output is escaped; a header is one line. */
export const render = (template: string | null | undefined, vars: Variables, mode: Mode) => {
  if (!template) return template ?? undefined;
  return renderCompiled(cached(template, mode), vars, mode);
};

/**
 * A 400 naming each field whose template does not parse, with the line, so the form shows it
 * under that field. Fields given as `{ field: [source, mode] }`.
 */
export const assertTemplatesParse = (fields: Record<string, [string | null | undefined, Mode]>) => {
  const problems: Array<{ path: string[]; message: string; name: string }> = [];
  for (const [field, [source, mode]] of Object.entries(fields)) {
    if (!source) continue;
    try {
      compile(source, mode);
    } catch (error) {
      problems.push({ path: [field], message: describeTemplateError(error), name: 'ValidationError' });
    }
  }
  if (problems.length === 0) return;
  const summary = problems.length === 1 ? `${problems[0].path[0]}: ${problems[0].message}` : `${problems.length} fields are not valid.`;
  throw new errors.ValidationError(summary, { errors: problems });
};
