import type { Context } from './context';

/**
 * Answers 409 in Strapi's error shape, by hand: Strapi has no 409 error class, and ctx.throw would
 * log a stack. `details` says what is in the way (e.g. `{ campaigns: [...] }`).
 */
export const answerConflict = (ctx: Context, message: string, details: Record<string, unknown> = {}) => {
  ctx.status = 409;
  ctx.body = { data: null, error: { status: 409, name: 'ConflictError', message, details } };
};
