import type { AnySchema } from 'yup';

/** One message per field, keyed by the field's name (the schema's or the server's path). */
export type FieldErrors = Partial<Record<string, string>>;

/** Runs a shared schema in the browser and keeps the first message of each field. */
export const errorsFromSchema = async (schema: AnySchema, value: unknown, context?: object): Promise<FieldErrors> => {
  try {
    await schema.validate(value, { abortEarly: false, context });
    return {};
  } catch (error: any) {
    const errors: FieldErrors = {};
    for (const item of error?.inner?.length ? error.inner : [error]) {
      if (item?.path && !errors[item.path]) errors[item.path] = item.message;
    }
    return errors;
  }
};

/** Field errors from a Strapi error response (`details.errors[].path`). */
export const errorsFromResponse = (error: any): FieldErrors => {
  const list = error?.response?.data?.error?.details?.errors;
  const errors: FieldErrors = {};
  if (Array.isArray(list)) {
    for (const item of list) {
      const path = Array.isArray(item.path) ? item.path[0] : item.path;
      if (path && !errors[path]) errors[path] = item.message;
    }
  }
  return errors;
};
