import { errors } from '@strapi/utils';
import type * as yup from 'yup';

/**
 * One entry per bad field, first message wins. Built here rather than with
 * `errors.YupValidationError` because that one copies each rejected `value` into the response,
 * and a rejected value can be a password.
 */
const toValidationError = (error: yup.ValidationError) => {
  const inner = error.inner.length > 0 ? error.inner : [error];
  const byPath = new Map<string, string>();
  for (const item of inner) {
    const path = item.path ?? '';
    if (!byPath.has(path)) byPath.set(path, item.message);
  }
  const list = [...byPath].map(([path, message]) => ({
    path: path ? [path] : [],
    message,
    name: 'ValidationError',
  }));
  const summary = list.length === 1 ? `${list[0].path[0] ?? 'body'}: ${list[0].message}` : `${list.length} fields are not valid.`;
  return new errors.ValidationError(summary, { errors: list });
};

/**
 * Runs a yup schema and turns its errors into Strapi's 400 `ValidationError` with one
 * `details.errors[]` entry per field. This does what `validateYupSchema` from `@strapi/utils`
 * does, except that it recognises the error by name instead of `instanceof`: the schema is shared
 * with the admin bundle and imports `yup` itself, which need not be the copy @strapi/utils loads.
 */
export const validate = async <T>(
  schema: yup.AnySchema,
  body: unknown,
  context?: Record<string, unknown>
): Promise<T> => {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new errors.ValidationError('The request body must be a JSON object.');
  }
  try {
    return (await schema.validate(body, { abortEarly: false, strict: false, context })) as T;
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationError' && 'inner' in error) {
      throw toValidationError(error as unknown as yup.ValidationError);
    }
    throw error;
  }
};

/**
 * A 400 for one field, shaped like a schema error, for rules a schema cannot check (the database,
 * a file's content). `summary` is the error's own message when it should say more than the field's.
 */
export const fieldError = (path: string, message: string, summary = message) =>
  new errors.ValidationError(summary, { errors: [{ path: [path], message, name: 'ValidationError' }] });
