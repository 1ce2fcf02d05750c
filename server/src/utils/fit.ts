/**
 * Values from outside (mail headers, relay replies, webhook posts) are stored in columns of a
 * fixed size: a Strapi `string` is varchar(255) on PostgreSQL and MySQL, and PostgreSQL refuses
 * NUL bytes in text and jsonb. A value that does not fit would fail the whole write (and with it
 * a queue's outcome or a mailbox's batch), so it is made to fit before it is written.
 */

/** The size of a Strapi `string` column on PostgreSQL and MySQL. */
export const VARCHAR = 255;

/** Cuts to `max` characters without leaving half of a surrogate pair at the end. */
export const cut = (value: string, max: number) => {
  if (value.length <= max) return value;
  const end = /[\uD800-\uDBFF]/.test(value[max - 1]) ? max - 1 : max;
  return value.slice(0, end);
};

export const cutOrNull = (value: string | null | undefined, max: number) => (value == null ? null : cut(value, max));

const NUL = /\u0000/g;

/** Every string in a value (strings, arrays, plain objects) without NUL characters. */
export const withoutNul = <T>(value: T): T => {
  if (typeof value === 'string') return (value.includes('\u0000') ? value.replace(NUL, '') : value) as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutNul(v)])) as T;
  }
  return value;
};

/** A text from outside, made storable: without NUL, at most `max` characters. */
export const fit = (value: string, max: number) => cut(withoutNul(value), max);
