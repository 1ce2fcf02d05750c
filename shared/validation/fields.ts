/**
 * The building blocks of every schema in shared/validation: one rule for what an address, a
 * host, a port or a line of text is, and the messages a person reads under the field.
 * Imports only yup, so the admin bundles it unchanged.
 */
import * as yup from 'yup';

export const CONTROL_CHARS = /[\r\n\0]/;
// Characters that let a value act as a display name, a second address or a header fold.
const ADDRESS_TRICKS = /[\s<>"(),;:\\[\]]/;
// A conservative addr-spec: dot-atom local part, dotted domain with a letter TLD or an IP literal.
const ADDRESS =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const HOST_LABEL = '[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';
const HOSTNAME = new RegExp(`^(?=.{1,253}$)${HOST_LABEL}(\\.${HOST_LABEL})*\\.?$`);
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

export const isValidHost = (value: string) => {
  if (IPV4.test(value)) return true;
  if (value.includes(':')) return IPV6.test(value) && value.split(':').length <= 9;
  // A dotted-quad that is not a valid IPv4 address is not a hostname either.
  if (/^[\d.]+$/.test(value)) return false;
  return HOSTNAME.test(value);
};

export const isValidAddress = (value: string) =>
  value.length <= 254 && !ADDRESS_TRICKS.test(value) && ADDRESS.test(value);

export const emptyToNull = (value: unknown, original: unknown) =>
  typeof original === 'string' && original.trim() === '' ? null : value;

export const text = (max: number) =>
  yup
    .string()
    .typeError('Must be text.')
    .nullable()
    .trim()
    .transform(emptyToNull)
    .max(max, `Must be at most ${max} characters.`)
    .test('no-control-chars', 'Must not contain line breaks.', (v) => !v || !CONTROL_CHARS.test(v));

export const address = () =>
  text(254).test(
    'address',
    'Must be a single email address such as news@example.com, without a display name.',
    (v) => !v || isValidAddress(v)
  );

export const host = () =>
  text(253).test(
    'host',
    'Must be a hostname or IP address such as smtp.example.com, without a scheme, port or spaces.',
    (v) => !v || isValidHost(v)
  );

export const port = () =>
  yup
    .number()
    .nullable()
    .transform((value, original) =>
      original === '' || original === null || original === undefined ? null : value
    )
    .typeError('Must be a whole number between 1 and 65535.')
    .integer('Must be a whole number between 1 and 65535.')
    .min(1, 'Must be a whole number between 1 and 65535.')
    .max(65535, 'Must be a whole number between 1 and 65535.');

// Secrets are never trimmed: leading or trailing spaces can be part of a password.
export const secret = () =>
  yup
    .string()
    .typeError('Must be text.')
    .nullable()
    .max(1024, 'Must be at most 1024 characters.')
    .test('no-control-chars', 'Must not contain line breaks.', (v) => !v || !CONTROL_CHARS.test(v));

export const oneOfOrNull = <T extends string>(values: readonly T[], message: string) =>
  yup
    .mixed<T>()
    .nullable()
    .transform(emptyToNull)
    .oneOf([...values, null, undefined] as T[], message);

export const wholeNumber = (min: number, max: number) =>
  yup
    .number()
    .typeError(`Must be a whole number between ${min} and ${max}.`)
    .integer(`Must be a whole number between ${min} and ${max}.`)
    .min(min, `Must be a whole number between ${min} and ${max}.`)
    .max(max, `Must be a whole number between ${min} and ${max}.`);

export const REQUIRED = 'This field is required.';

/** One error per unknown key, on that key, so the response names each of them. */
export const onlyKnownKeys = (fields: readonly string[], what: string) =>
  function (this: yup.TestContext, value: unknown) {
    if (!value || typeof value !== 'object') return true;
    const unknown = Object.keys(value).filter((key) => !fields.includes(key));
    if (unknown.length === 0) return true;
    return new yup.ValidationError(
      unknown.map((key) => this.createError({ path: key, message: `"${key}" is not a field of ${what}.` }))
    );
  };

/** A one-line value (a name, a subject): no line breaks, so it cannot fold into a header. */
export const line = (max: number) =>
  yup
    .string()
    .typeError('Must be text.')
    .trim()
    .max(max, `Must be at most ${max} characters.`)
    .test('no-line-breaks', 'Must not contain line breaks.', (v) => !v || !/[\r\n\0]/.test(v));

/** A mail body: line breaks welcome, size bounded. */
export const body = (max: number) => yup.string().typeError('Must be text.').nullable().max(max, `Must be at most ${max} characters.`);

/** A page number or page size of a list query. */
export const page = () => yup.number().typeError('Must be a whole number.').integer('Must be a whole number.').min(1, 'Must be at least 1.');
