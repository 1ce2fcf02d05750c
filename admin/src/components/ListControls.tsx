import { Pagination, useQueryParams, withEncodedUserParams } from '@strapi/strapi/admin';
import type { Pagination as PageMeta } from '../../../shared/contracts/common';

type ListQuery = Record<string, string | undefined> & { page?: string; pageSize?: string; _q?: string };

/** Strapi's page-size choices go up to 100, the most every list route accepts. */
const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

/**
 * A list's page, search and filters, kept in the URL query under the names Strapi's own lists use
 * (`page`, `pageSize`, `_q`), which `Pagination` and `SearchInput` read and write: back and reload return to
 * the same page of the same search.
 */
export const useListQuery = () => {
  const [{ query }, setQuery] = useQueryParams<ListQuery>();
  const read = (key: string) => (typeof query[key] === 'string' ? (query[key] as string) : '');
  return {
    page: Number(query.page) || 1,
    pageSize: Math.min(Number(query.pageSize) || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
    q: read('_q'),
    read,
    /** Sets (or, when empty, removes) one filter and goes back to the first page. */
    setFilter: (key: string, value: string) =>
      setQuery(withEncodedUserParams(query, { [key]: value || undefined, page: '1' })),
  };
};

/** Entries per page and the page links under a list, from its response's `meta.pagination`. */
export const ListPager = ({ pagination }: { pagination: PageMeta }) => (
  <Pagination.Root pageCount={pagination.pageCount} total={pagination.total} defaultPageSize={DEFAULT_PAGE_SIZE}>
    <Pagination.PageSize />
    <Pagination.Links />
  </Pagination.Root>
);
