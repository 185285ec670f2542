import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { badRequest, operationOutcome, type Issue } from './outcome.js';
import type { Page, Query, ResourceHandler } from './resources/handler.js';
import { includeNames, refuseIterate, type Includes } from './search-includes.js';
import { chainsOf, readHas } from './search-chains.js';

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 100;
/** Deep paging by offset costs more with every page: types paged by key (ResourceHandler.sorts) never need it. */
export const MAX_OFFSET = 10_000;

/** Parameters every type takes, besides its own. */
const RESULT_PARAMS = ['_count', '_offset', '_cursor', '_sort', '_summary', '_total', '_include', '_revinclude', '_elements', '_format'];

export type Search = {
  query: Query;
  page: Page;
  includes: Includes;
  /** `_total=none`: the Bundle carries no total. */
  withTotal: boolean;
  /** `_summary=count`: the total alone, no entries. */
  countOnly: boolean;
  /** `_elements`: the top-level elements each match is cut to (with id and meta), marked SUBSETTED. */
  elements?: string[];
  /** Under `Prefer: handling=lenient`, the parameters not understood and so not applied: said in the Bundle. */
  ignored: string[];
};

const number = (strings: string[]) => (strings.length === 1 && /^\d{1,6}$/.test(strings[0]) ? Number(strings[0]) : NaN);

/** The next page's key, as the opaque `_cursor` a next link carries (base64url JSON). */
const encodeCursor = (sort: string, key: string[]) => Buffer.from(JSON.stringify([sort, ...key])).toString('base64url');

function decodeCursor(value: string, sort: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length < 2 || !parsed.every((p) => typeof p === 'string' && p.length <= 200)) {
    throw badRequest('_cursor is not one this server gave: follow the Bundle’s next link as it is.', '_cursor');
  }
  if (parsed[0] !== sort) throw badRequest('_cursor was given for another _sort: follow the Bundle’s next link as it is.', '_cursor');
  return parsed.slice(1) as string[];
}

/**
 * Reads a search's parameters: the type's own (each value a string; a
 * repeated parameter ANDs, a comma within one ORs where the type says so)
 * and the result parameters. A parameter the type does not support is
 * refused (strict, the default), so a client never mistakes an unfiltered
 * result for a filtered one; under `Prefer: handling=lenient` it is left out
 * and the Bundle says so.
 */
export function readSearch(handler: ResourceHandler, raw: unknown, opts: { lenient?: boolean } = {}): Search {
  const query: Query = new Map();
  const known = new Set(handler.searchParams.map((p) => p.name));
  const sorts = handler.sorts ?? [];
  const page: Page = { count: DEFAULT_COUNT, offset: 0, ...(sorts.length ? { sort: sorts[0] } : {}) };
  const includes: Includes = { include: [], revinclude: [] };
  let withTotal = true;
  let countOnly = false;
  let cursor: string | undefined;
  let elements: string[] | undefined;
  const ignored: string[] = [];
  const chains = chainsOf(handler);
  for (const [name, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    const values = [value].flat();
    if (!values.every((v) => typeof v === 'string')) throw badRequest(`${name} must be text.`, name);
    const strings = values as string[];
    if (strings.some((s) => s.length > 500)) throw badRequest(`${name} is too long.`, name);
    switch (name) {
      case '_count': {
        const n = number(strings);
        if (!(n >= 1 && n <= MAX_COUNT)) throw badRequest(`_count must be a whole number from 1 to ${MAX_COUNT}.`, '_count');
        page.count = n;
        continue;
      }
      case '_offset': {
        const n = number(strings);
        if (!(n >= 0 && n <= MAX_OFFSET)) throw badRequest(`_offset must be a whole number from 0 to ${MAX_OFFSET}.`, '_offset');
        page.offset = n;
        continue;
      }
      case '_cursor':
        if (!sorts.length || strings.length !== 1) throw badRequest('_cursor is not one this server gave: follow the Bundle’s next link as it is.', '_cursor');
        cursor = strings[0];
        continue;
      case '_sort':
        if (strings.length !== 1 || !sorts.includes(strings[0])) {
          throw badRequest(sorts.length ? `${handler.type} can be sorted by one of: ${sorts.join(', ')}.` : `${handler.type} is returned in one fixed order; it cannot be sorted.`, '_sort');
        }
        page.sort = strings[0];
        continue;
      case '_summary':
        if (strings.length !== 1 || !['count', 'false'].includes(strings[0])) throw badRequest('_summary may be count (the total alone) or false.', '_summary');
        countOnly = strings[0] === 'count';
        continue;
      case '_total':
        if (strings.length !== 1 || !['none', 'estimate', 'accurate'].includes(strings[0])) throw badRequest('_total may be none, estimate or accurate.', '_total');
        withTotal = strings[0] !== 'none';
        continue;
      case '_include':
      case '_revinclude':
        includes[name === '_include' ? 'include' : 'revinclude'].push(...includeNames(handler, name, strings));
        continue;
      case '_elements':
        elements = strings.flatMap((v) => v.split(','));
        if (!elements.every((e) => /^[a-z][A-Za-z]{0,63}$/.test(e))) throw badRequest('_elements names top-level elements, comma-separated (e.g. code,valueQuantity).', '_elements');
        continue;
      case '_format':
        continue;
      case '_include:iterate':
      case '_revinclude:iterate':
      case '_include:recurse':
        throw refuseIterate(name);
    }
    if (name.startsWith('_has:')) {
      readHas(handler, name);
      query.set(name, strings);
      continue;
    }
    if (chains.includes(name)) {
      query.set(name, strings);
      continue;
    }
    const missing = /^(.+):missing$/.exec(name);
    if (missing && handler.searchParams.some((p) => p.name === missing[1] && p.missing)) {
      if (strings.length !== 1 || !['true', 'false'].includes(strings[0])) throw badRequest(`${name} must be true or false.`, name);
      query.set(name, strings);
      continue;
    }
    const bare = name.replace(/:exact$/, '');
    if (!known.has(bare)) {
      if (opts.lenient) {
        ignored.push(name);
        continue;
      }
      throw badRequest(`${handler.type} cannot be searched by ${name}. Supported: ${[...known, ...chains, ...RESULT_PARAMS.filter((p) => p !== '_format')].join(', ')}.`, name);
    }
    query.set(bare, [...(query.get(bare) ?? []), ...strings]);
  }
  if (cursor !== undefined) {
    if (page.offset) throw badRequest('Give _cursor or _offset, not both.', '_offset');
    page.after = decodeCursor(cursor, page.sort!);
  }
  if (countOnly) page.count = 0;
  return { query, page, includes, withTotal, countOnly, ignored, ...(elements ? { elements } : {}) };
}

function url(base: string, type: string, s: Search, at: { offset?: number; cursor?: string }): string {
  const qs = new URLSearchParams();
  for (const [name, values] of s.query) for (const v of values) qs.append(name, v);
  if (s.countOnly) qs.set('_summary', 'count');
  else qs.set('_count', String(s.page.count));
  if (s.page.sort) qs.set('_sort', s.page.sort);
  if (!s.withTotal) qs.set('_total', 'none');
  if (s.elements) qs.set('_elements', s.elements.join(','));
  for (const i of s.includes.include) qs.append('_include', i.name);
  for (const i of s.includes.revinclude) qs.append('_revinclude', i.name);
  if (at.offset) qs.set('_offset', String(at.offset));
  if (at.cursor) qs.set('_cursor', at.cursor);
  return `${base}/${type}?${qs}`;
}

const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED', display: 'subsetted' };

/** A match cut to the elements asked for (`_elements`), with its id and meta, tagged SUBSETTED as FHIR asks. */
function subset(resource: Resource, elements: string[] | undefined): Resource {
  if (!elements) return resource;
  const kept = Object.fromEntries(Object.entries(resource).filter(([k]) => elements.includes(k)));
  return { ...kept, resourceType: resource.resourceType, id: resource.id, meta: { ...resource.meta, tag: [...(resource.meta?.tag ?? []), SUBSETTED] } } as Resource;
}

export type Found = { resources: Resource[]; total: number; next?: string[] };

/**
 * A searchset Bundle for one page: the matches, what `_include` and
 * `_revinclude` brought (mode include), and an outcome entry for anything
 * the client should know (parameters ignored, includes cut short). Paged by
 * key where the type can (a `_cursor` in the next link), else by offset.
 */
export function searchBundle(base: string, type: string, s: Search, found: Found, included: Resource[] = [], notes: Issue[] = []): Bundle {
  const here = s.page.after ? { cursor: encodeCursor(s.page.sort!, s.page.after) } : { offset: s.page.offset };
  const link = [{ relation: 'self', url: url(base, type, s, here) }];
  if (found.next) {
    link.push({ relation: 'next', url: url(base, type, s, { cursor: encodeCursor(s.page.sort!, found.next) }) });
  } else if (!s.page.sort && !s.countOnly && s.page.offset + s.page.count < found.total && s.page.offset + s.page.count <= MAX_OFFSET) {
    link.push({ relation: 'next', url: url(base, type, s, { offset: s.page.offset + s.page.count }) });
  }
  if (!s.page.sort && s.page.offset > 0) link.push({ relation: 'previous', url: url(base, type, s, { offset: Math.max(0, s.page.offset - s.page.count) }) });
  const issues: Issue[] = [
    ...s.ignored.map((name): Issue => ({ severity: 'warning', code: 'not-supported', text: `${name} is not a search parameter of ${type} here, and was ignored (Prefer: handling=lenient).`, expression: name })),
    ...notes,
  ];
  const entry: BundleEntry[] = [
    ...found.resources.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource: subset(resource, s.elements), search: { mode: 'match' as const } })),
    ...included.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'include' as const } })),
    ...(issues.length ? [{ resource: operationOutcome(issues), search: { mode: 'outcome' as const } }] : []),
  ];
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(s.withTotal ? { total: found.total } : {}),
    link,
    entry,
  };
}
