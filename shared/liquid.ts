/**
 * The one LiquidJS setup of the plugin (saved replies, campaigns, layouts), and what the forms
 * need to know of a template: the variables it uses. Imports only liquidjs, whose browser build
 * the admin bundles, so the form and the server read a template the same way.
 */
import { Liquid, Tag, type Template } from 'liquidjs';

/** Tags that read other templates: every template here is one self-contained text. */
const FILE_TAGS = ['include', 'render', 'layout'];

const refuse = () => {
  throw new Error('Templates cannot read files.');
};

export interface EngineOptions {
  /** Named in the error for a file tag: "is not available in saved replies". */
  what: string;
  /** HTML-escape every output (campaign HTML): a variable is text, not markup. */
  escapeOutput?: boolean;
  parseLimit?: number;
  renderLimit?: number;
  memoryLimit?: number;
}

/**
 * LiquidJS with nothing to read: no file system (the `fs` below refuses everything, and the tags
 * that would use it are rejected when the text is parsed), own properties only, unknown filters
 * refused at parse, and limits on parse size, render time and memory: rendering is synchronous
 * work on the one event loop every request shares, so the render limit is what any other
 * request may have to wait.
 */
export const createEngine = (options: EngineOptions) => {
  const { what } = options;
  class NoFiles extends Tag {
    constructor(...args: ConstructorParameters<typeof Tag>) {
      super(...args);
      throw new Error(`"${this.name}" is not available in ${what}`);
    }
    render() {
      return '';
    }
  }
  const engine = new Liquid({
    fs: { exists: async () => false, existsSync: () => false, readFile: refuse, readFileSync: refuse, resolve: refuse, contains: () => false } as any,
    relativeReference: false,
    dynamicPartials: false,
    ownPropertyOnly: true,
    strictFilters: true,
    outputEscape: options.escapeOutput ? 'escape' : undefined,
    parseLimit: options.parseLimit ?? 100_000,
    renderLimit: options.renderLimit ?? 50,
    memoryLimit: options.memoryLimit ?? 1_000_000,
  });
  for (const tag of FILE_TAGS) engine.registerTag(tag, NoFiles);
  return engine;
};

/** "Line 2: tag "foo" not found" from a LiquidJS error, whose message ends with the position. */
export const describeTemplateError = (error: any) => {
  const message = String(error?.originalError?.message ?? error?.message ?? 'Not a valid template.').replace(/,\s*line:\d+,\s*col:\d+\s*$/, '');
  const position = /line:(\d+)/.exec(String(error?.message ?? ''));
  const line = error?.token?.getPosition?.()[0] ?? (position ? Number(position[1]) : null);
  return line ? `Line ${line}: ${message}` : message;
};

// Campaign templates: a whole newsletter (up to 2 MB of HTML, in a layout) parses; rendering one
// recipient's mail takes well under a millisecond, so a second is a template that loops away.
export const CAMPAIGN_LIMITS = { parseLimit: 5_000_000, renderLimit: 1000, memoryLimit: 50_000_000 };

let analyser: Liquid | undefined;
const analysis = () => (analyser ??= createEngine({ what: 'campaigns', ...CAMPAIGN_LIMITS }));

/** Runs one of LiquidJS's child generators (synchronous here: no tag loads a partial). */
const drive = <T>(gen: Generator<unknown, T>): T => {
  for (let step = gen.next(); ; step = gen.next(step.value)) if (step.done) return step.value;
};

const at = (v: { location: { row: number; col: number } }) => `${v.location.row}:${v.location.col}`;

/**
 * Where a missing value does no harm: the subject of a `default` filter, and the condition of
 * an `if`/`unless`/`case` (a test whether it is there). Positions as "row:col".
 */
const optionalUses = (engine: Liquid, templates: Template[], out = new Set<string>()) => {
  for (const node of templates as any[]) {
    if (node.value?.filters?.some((f: { name: unknown }) => f.name === 'default')) {
      for (const uses of Object.values(engine.analyzeSync([node]).variables)) for (const v of uses) out.add(at(v));
    }
    const tag = String(node.name ?? '');
    if (['if', 'unless', 'case'].includes(tag) && node.arguments) {
      const conditions = { token: node.token, render: () => '', arguments: () => node.arguments() } as unknown as Template;
      for (const uses of Object.values(engine.analyzeSync([conditions]).variables)) for (const v of uses) out.add(at(v));
    }
    if (node.children) optionalUses(engine, drive(node.children(false, true)) as Template[], out);
  }
  return out;
};

/**
 * The variables a recipient must have: those a template uses outside a `default` filter and an
 * `if` condition, by root name (`{{ user.name }}` needs `user`), in order of first use. Names
 * the template sets itself (`assign`, `for`) are not asked of anyone. A template that does not
 * parse adds nothing (the server refuses it with the line).
 */
export const requiredVariables = (...templates: Array<string | null | undefined>): string[] => {
  const engine = analysis();
  const names = new Set<string>();
  for (const source of templates) {
    if (!source) continue;
    let parsed: Template[];
    try {
      parsed = engine.parse(source);
    } catch {
      continue;
    }
    const optional = optionalUses(engine, parsed);
    for (const [name, uses] of Object.entries(engine.analyzeSync(parsed).globals)) {
      if (uses.some((v) => !optional.has(at(v)))) names.add(name);
    }
  }
  return [...names];
};
