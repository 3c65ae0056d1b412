import { z } from "zod";
import { queryNumber } from "./validate.ts";

/** `page` / `per_page` query parameters shared by every list endpoint (per_page ≤ 100). */
export const pageQuery = {
  page: queryNumber().pipe(z.number().min(1, "At least 1").max(1_000_000, "At most 1000000")).default(1),
  per_page: queryNumber().pipe(z.number().min(1, "At least 1").max(100, "At most 100")).default(20),
};

export interface PageInput {
  page: number;
  per_page: number;
}

export interface Page<T> {
  rows: T[];
  total: number;
  page: number;
  per_page: number;
}

/** One page of `rows` out of `total` (a count query's value: a string on MySQL). */
export function pageOf<T>(rows: T[], total: number | string | bigint, p: PageInput): Page<T> {
  return { rows, total: Number(total), page: p.page, per_page: p.per_page };
}

export function offsetOf(p: PageInput): number {
  return (p.page - 1) * p.per_page;
}

/** The list envelope: `{ data: [...], meta: { page, per_page, total } }`. */
export function pageEnvelope<T, V>(p: Page<T>, view: (row: T) => V) {
  return { data: p.rows.map(view), meta: { page: p.page, per_page: p.per_page, total: p.total } };
}
