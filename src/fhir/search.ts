import type { Bundle, Resource } from '@medplum/fhirtypes';
import { badRequest } from './outcome.js';
import type { Page, Query, ResourceHandler } from './resources/handler.js';

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 100;
/** Deep paging costs more with every page; past this, narrow the search. */
export const MAX_OFFSET = 10_000;

/**
 * Reads a search's parameters: the type's own (each value a string; a
 * repeated parameter ANDs), _count and _offset for paging. A parameter the
 * type does not support is refused rather than ignored, so a client never
 * mistakes an unfiltered result for a filtered one.
 */
export function readSearch(handler: ResourceHandler, raw: unknown): { query: Query; page: Page } {
  const query: Query = new Map();
  const known = new Set(handler.searchParams.map((p) => p.name));
  let count = DEFAULT_COUNT;
  let offset = 0;
  for (const [name, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    const values = [value].flat();
    if (!values.every((v) => typeof v === 'string')) throw badRequest(`${name} must be text.`, name);
    const strings = values as string[];
    if (name === '_count' || name === '_offset') {
      const n = strings.length === 1 && /^\d{1,6}$/.test(strings[0]) ? Number(strings[0]) : NaN;
      if (name === '_count') {
        if (!(n >= 1 && n <= MAX_COUNT)) throw badRequest(`_count must be a whole number from 1 to ${MAX_COUNT}.`, '_count');
        count = n;
      } else {
        if (!(n >= 0 && n <= MAX_OFFSET)) throw badRequest(`_offset must be a whole number from 0 to ${MAX_OFFSET}.`, '_offset');
        offset = n;
      }
      continue;
    }
    if (name === '_format') continue;
    const bare = name.replace(/:exact$/, '');
    if (!known.has(bare)) {
      throw badRequest(`${handler.type} cannot be searched by ${name}. Supported: ${[...known, '_count'].join(', ')}.`, name);
    }
    if (strings.some((s) => s.length > 500)) throw badRequest(`${name} is too long.`, name);
    query.set(bare, [...(query.get(bare) ?? []), ...strings]);
  }
  return { query, page: { count, offset } };
}

function url(base: string, type: string, query: Query, page: Page, offset: number): string {
  const qs = new URLSearchParams();
  for (const [name, values] of query) for (const v of values) qs.append(name, v);
  qs.set('_count', String(page.count));
  if (offset > 0) qs.set('_offset', String(offset));
  return `${base}/${type}?${qs}`;
}

/** A searchset Bundle for one page, with links to this, the next and the previous page. */
export function searchBundle(base: string, type: string, query: Query, page: Page, result: { resources: Resource[]; total: number }): Bundle {
  const link = [{ relation: 'self', url: url(base, type, query, page, page.offset) }];
  if (page.offset + page.count < result.total && page.offset + page.count <= MAX_OFFSET) {
    link.push({ relation: 'next', url: url(base, type, query, page, page.offset + page.count) });
  }
  if (page.offset > 0) link.push({ relation: 'previous', url: url(base, type, query, page, Math.max(0, page.offset - page.count)) });
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: result.total,
    link,
    entry: result.resources.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'match' } })),
  };
}
