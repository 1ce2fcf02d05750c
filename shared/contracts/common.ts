/** Shapes every resource's list routes and mail records share. */

export interface MailAddress {
  address: string;
  name?: string;
}

export interface Pagination {
  page: number;
  pageSize: number;
  pageCount: number;
  total: number;
}

/** A page of a list route: `{ data, meta: { pagination } }`, as Strapi's own list routes answer. */
export interface Paged<T> {
  data: T[];
  meta: { pagination: Pagination };
}
