/**
 * Words for the body-text index and the terms of a search, the same way on both sides, so that
 * SQLite FTS5 and PostgreSQL's parser only ever see lower-case runs of letters, digits and marks:
 * no quote, `*`, `:`, `-`, `&`, `|`, parenthesis or NUL from a mail or a query reaches their
 * query syntax.
 */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
/** A longer run is no word anyone types (base64, a line of dashes); its start still matches. */
const MAX_WORD = 60;
/**
 * Characters of distinct words kept per message: PostgreSQL refuses a tsvector over 1 MB and
 * UTF-8 takes up to 3 bytes for these; a real mail is far below it.
 */
const MAX_INDEXED = 250_000;
const MAX_TERMS = 8;

const words = (text: string) => text.normalize('NFKC').toLowerCase().match(WORD) ?? [];

/** The distinct words of a message's parts (subject, sender, text), space-separated. */
export const indexWords = (parts: Array<string | null | undefined>): string => {
  const seen = new Set<string>();
  let length = 0;
  for (const part of parts) {
    if (!part) continue;
    for (const word of words(part)) {
      const w = word.slice(0, MAX_WORD);
      if (seen.has(w)) continue;
      if (length + w.length + 1 > MAX_INDEXED) return [...seen].join(' ');
      seen.add(w);
      length += w.length + 1;
    }
  }
  return [...seen].join(' ');
};

/** The words of what an agent typed; none when it holds no letter or digit. */
export const queryTerms = (q: string): string[] => [...new Set(words(q).map((w) => w.slice(0, MAX_WORD)))].slice(0, MAX_TERMS);

/** Every term as a prefix, all required: `"invoic"* "march"*`. */
export const ftsMatch = (terms: string[]) => terms.map((t) => `"${t}"*`).join(' ');

/** The same for PostgreSQL's to_tsquery: `'invoic':* & 'march':*`. */
export const tsQuery = (terms: string[]) => terms.map((t) => `'${t}':*`).join(' & ');

/** The query for the substring search over subjects and addresses: PostgreSQL refuses NUL. */
export const substringQuery = (q: string) => q.replace(/\0/g, '').toLowerCase();
