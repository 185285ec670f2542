import { CONTACT_TYPES, type ContactType } from './schema.js';
import type { FieldErrors } from '../platform/http/errors.js';
import { readDateRange, type DateParts } from '../platform/time/form-dates.js';

/**
 * The timeline's filter, from the record page's query string (a GET form, so
 * it works without JavaScript and a filtered page can be bookmarked): contact
 * types, a date range and the page number.
 */

export const TIMELINE_PAGE_SIZE = 20;
const MAX_PAGE = 10_000;

export type TimelineValues = { types: ContactType[]; from: DateParts; to: DateParts };
export type TimelineQuery = {
  values: TimelineValues;
  fields: FieldErrors;
  page: number;
  filter: { types?: ContactType[]; from?: string; to?: string; limit: number; offset: number };
};

type Query = Record<string, unknown>;

const one = (q: Query, key: string): string => {
  const v = q[key];
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';
};

export function readTimelineQuery(q: Query): TimelineQuery {
  const fields: FieldErrors = {};
  const rawTypes = [q.type].flat().filter((t): t is string => typeof t === 'string' && t !== '');
  const types = CONTACT_TYPES.filter((t) => rawTypes.includes(t));
  if (rawTypes.some((t) => !(CONTACT_TYPES as readonly string[]).includes(t))) fields.type = 'Select types of contact from the list';
  const parts = (name: string): DateParts => ({ day: one(q, `${name}-day`), month: one(q, `${name}-month`), year: one(q, `${name}-year`) });
  const values: TimelineValues = { types, from: parts('from'), to: parts('to') };
  const range = readDateRange(values.from, values.to);
  Object.assign(fields, range.errors);
  const pageText = one(q, 'page');
  const page = /^\d{1,6}$/.test(pageText) ? Math.min(Math.max(Number(pageText), 1), MAX_PAGE) : 1;
  return {
    values,
    fields,
    page,
    filter: {
      types: types.length ? types : undefined,
      from: range.from,
      to: range.to,
      limit: TIMELINE_PAGE_SIZE,
      offset: (page - 1) * TIMELINE_PAGE_SIZE,
    },
  };
}

/** The query string for another page of the same filtered timeline. */
export function timelineHref(basePath: string, values: TimelineValues, page: number): string {
  const qs = new URLSearchParams();
  for (const t of values.types) qs.append('type', t);
  for (const name of ['from', 'to'] as const) {
    for (const part of ['day', 'month', 'year'] as const) if (values[name][part]) qs.append(`${name}-${part}`, values[name][part]);
  }
  if (page > 1) qs.append('page', String(page));
  const s = qs.toString();
  return `${basePath}${s ? `?${s}` : ''}#timeline`;
}

/** Numbered pagination: the first, last and current pages with their neighbours, gaps as ellipses. */
export function paginationItems(basePath: string, values: TimelineValues, page: number, total: number) {
  const pages = Math.max(1, Math.ceil(total / TIMELINE_PAGE_SIZE));
  const wanted = new Set([1, pages, page - 1, page, page + 1].filter((p) => p >= 1 && p <= pages));
  const sorted = [...wanted].sort((a, b) => a - b);
  const items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[] = [];
  sorted.forEach((p, i) => {
    if (i > 0 && p - sorted[i - 1] > 1) items.push({ ellipsis: true });
    items.push({ number: p, href: timelineHref(basePath, values, p), current: p === page });
  });
  return {
    pages,
    items: pages > 1 ? items : [],
    previous: page > 1 ? { href: timelineHref(basePath, values, page - 1) } : undefined,
    next: page < pages ? { href: timelineHref(basePath, values, page + 1) } : undefined,
  };
}
