/** A unique index refused the row (SQLite, PostgreSQL and MySQL word it differently). */
export const isUniqueViolation = (error: unknown) =>
  /unique|duplicate/i.test(String((error as any)?.code ?? '') + String((error as any)?.message ?? ''));
