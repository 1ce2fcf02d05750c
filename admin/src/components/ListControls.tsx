import { Pagination, useQueryParams, withEncodedUserParams } from '@strapi/strapi/admin';
import type { Pagination as PageMeta } from '../../../shared/contracts/common';

type ListQuery = Record<string, string | undefined> & { page?: string; _q?: string };

/**
 * A list's page, search and filters, kept in the URL query under the names Strapi's own lists use
 * (`page`, `_q`), which `Pagination` and `SearchInput` read and write: back and reload return to
 * the same page of the same search.
 */
export const useListQuery = () => {
  const [{ query }, setQuery] = useQueryParams<ListQuery>();
  const read = (key: string) => (typeof query[key] === 'string' ? (query[key] as string) : '');
  return {
    page: Number(query.page) || 1,
    q: read('_q'),
    read,
    /** Sets (or, when empty, removes) one filter and goes back to the first page. */
    setFilter: (key: string, value: string) =>
      setQuery(withEncodedUserParams(query, { [key]: value || undefined, page: '1' })),
  };
};

/** The page links under a list, from its response's `meta.pagination`. */
export const ListPager = ({ pagination }: { pagination: PageMeta }) => (
  <Pagination.Root pageCount={pagination.pageCount} total={pagination.total} defaultPageSize={pagination.pageSize}>
    <Pagination.Links />
  </Pagination.Root>
);
