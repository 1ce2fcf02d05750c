/**
 * A query string for the fetch client. Its paramsSerializer does not encode values (a "+" in a
 * searched address would arrive as a space, an "&" would cut the search short), so query strings
 * are built here and passed through as they are.
 */
export const toQueryString = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  return search.toString();
};
