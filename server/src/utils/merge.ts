/**
 * A PUT may carry only the fields that change: it is validated merged onto the stored values, so
 * the rules that span fields still see the whole. A body that is not an object is passed on as it
 * is, for the validator to refuse.
 */
export const mergeOntoStored = (stored: Record<string, unknown>, body: unknown): unknown =>
  body && typeof body === 'object' && !Array.isArray(body) ? { ...stored, ...body } : body;
