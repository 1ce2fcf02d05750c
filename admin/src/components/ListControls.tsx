import * as React from 'react';
import { Pagination, useQueryParams, withEncodedUserParams } from '@strapi/strapi/admin';
import type { Pagination as PageMeta } from '../../../shared/contracts/common';

type ListQuery = Record<string, string | undefined> & { page?: string; pageSize?: string; _q?: string };

/** Strapi's page-size choices go up to 100, the most every list route accepts. */
const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

/** A whole number ≥ 1 from the URL, else `fallback`: an edited link must not make the list route answer 400. */
const wholeNumber = (value: string | undefined, fallback: number, max = Infinity) => {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : fallback;
};

/**
 * A list's page, search and filters, kept in the URL query under the names Strapi's own lists use
 * (`page`, `pageSize`, `_q`), which `Pagination` and `SearchInput` read and write: back and reload return to
 * the same page of the same search.
 */
export const useListQuery = () => {
  const [{ query }, setQuery] = useQueryParams<ListQuery>();
  const read = (key: string) => (typeof query[key] === 'string' ? (query[key] as string) : '');
  return {
    page: wholeNumber(query.page, 1),
    pageSize: wholeNumber(query.pageSize, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
    q: read('_q'),
    read,
    /** A filter from the URL if it is one of `allowed`, else `fallback`. */
    readOneOf: <T extends string>(key: string, allowed: readonly T[], fallback: T): T =>
      (allowed as readonly string[]).includes(read(key)) ? (read(key) as T) : fallback,
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

/**
 * A page past the end (the list shrank under a reload, or an old link) shows nothing and no
 * pager to leave it by: go to the last page instead.
 */
export const useStayOnAPage = (pagination: PageMeta | undefined) => {
  const [{ query }, setQuery] = useQueryParams<ListQuery>();
  const page = wholeNumber(query.page, 1);
  const pageCount = pagination?.pageCount ?? 0;
  React.useEffect(() => {
    if (pageCount >= 1 && page > pageCount) setQuery(withEncodedUserParams(query, { page: String(pageCount) }), 'push', true);
    // Only a change of the page or of the count can move the list past its end.
  }, [page, pageCount]);
};
