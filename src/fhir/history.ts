import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { asFhirError, badRequest, FhirError, notFound } from './outcome.js';
import { DEFAULT_COUNT, MAX_COUNT } from './search.js';
import { feedPage, type FeedKey } from './history-feed.js';
import type { Reading, ResourceHandler, Version } from './resources/handler.js';

/**
 * vread and instance _history from the versions Joinery keeps (record
 * entries keep every version: record_entry_history). Each goes through the
 * type's own history(), so the child's door is opened and audited exactly as
 * for a read; a type that keeps no versions says so as FHIR.
 */
async function versionsOf(r: Reading, handler: ResourceHandler, id: string): Promise<Version[]> {
  if (!handler.history) {
    throw new FhirError(404, [{ severity: 'error', code: 'not-supported', text: `Joinery keeps no earlier versions of ${handler.type} resources: read the current one.` }]);
  }
  return handler.history(r, id);
}

/** One version of a resource (vread): 404 for a version never kept or not served. */
export async function vread(r: Reading, handler: ResourceHandler, id: string, versionId: string): Promise<Resource> {
  if (!/^\d{1,9}$/.test(versionId)) throw notFound(`${handler.type}/${id} has no version ${versionId}.`);
  const found = (await versionsOf(r, handler, id)).find((v) => v.version === Number(versionId));
  if (!found) throw notFound(`${handler.type}/${id} has no version ${versionId} that Joinery serves.`);
  return found.resource;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2}))?$/;

/** The history parameters given, each checked: `_since` (an instant) everywhere; `_count` and `_cursor` where `paged`. */
function historyParams(raw: unknown, paged: boolean): { since?: string; count: number; cursor?: FeedKey } {
  const found: { since?: string; count: number; cursor?: FeedKey } = { count: DEFAULT_COUNT };
  const taken = paged ? '_since, _count and _cursor' : 'only _since';
  for (const [name, given] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    if (name === '_format') continue;
    const value = Array.isArray(given) && given.length === 1 ? given[0] : given;
    if (name === '_since') {
      if (typeof value !== 'string' || !INSTANT.test(value) || Number.isNaN(Date.parse(value))) throw badRequest('_since must be an instant, like 2026-01-31T09:00:00Z.', '_since');
      found.since = value;
    } else if (paged && name === '_count') {
      const n = typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : NaN;
      if (!(n >= 1 && n <= MAX_COUNT)) throw badRequest(`_count must be a whole number from 1 to ${MAX_COUNT}.`, '_count');
      found.count = n;
    } else if (paged && name === '_cursor') {
      found.cursor = decodeFeedKey(value);
    } else {
      throw badRequest(`_history takes ${taken}, not ${name}.`, name);
    }
  }
  return found;
}

const encodeFeedKey = (key: FeedKey) => Buffer.from(JSON.stringify(key)).toString('base64url');

function decodeFeedKey(value: unknown): FeedKey {
  let key: unknown;
  try {
    key = typeof value === 'string' ? JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) : undefined;
  } catch {
    key = undefined;
  }
  const ok = Array.isArray(key) && key.length === 4 && typeof key[0] === 'string' && /^\d{4}-\d{2}-\d{2} [0-9:.]+[+-]\d{2}(:\d{2})?$/.test(key[0])
    && typeof key[1] === 'string' && /^[A-Za-z]{1,40}$/.test(key[1]) && typeof key[2] === 'string' && /^[0-9a-f-]{1,64}$/.test(key[2]) && Number.isInteger(key[3]);
  if (!ok) throw badRequest('_cursor is not one this server gave: follow the Bundle’s next link as it is.', '_cursor');
  return key as FeedKey;
}

/** One version as a history Bundle entry: created at version 1, updated after. */
function historyEntry(base: string, type: string, id: string, v: Version): BundleEntry {
  return {
    fullUrl: `${base}/${type}/${id}`,
    resource: v.resource,
    request: { method: v.version === 1 ? 'POST' : 'PUT', url: v.version === 1 ? type : `${type}/${id}` },
    response: { status: v.version === 1 ? '201 Created' : '200 OK', etag: `W/"${v.version}"`, lastModified: v.at },
  };
}

/** A history Bundle of one resource's versions, newest first. */
export async function instanceHistory(r: Reading, handler: ResourceHandler, id: string, base: string, raw: unknown): Promise<Bundle> {
  const { since } = historyParams(raw, false);
  const sinceMs = since === undefined ? undefined : Date.parse(since);
  const versions = (await versionsOf(r, handler, id)).filter((v) => sinceMs === undefined || Date.parse(v.at) >= sinceMs);
  return {
    resourceType: 'Bundle',
    type: 'history',
    total: versions.length,
    link: [{ relation: 'self', url: `${base}/${handler.type}/${id}/_history` }],
    entry: versions.map((v) => historyEntry(base, handler.type, id, v)),
  };
}

/**
 * Type-level (`path` the type) or system (`path` empty) `_history`: the
 * versions of `types`, newest first, `_count` a page and a next link while
 * any remain. Each version is taken from its type's own history(), so its
 * child's door is opened and the read audited in this transaction; a
 * resource the door refuses (or no longer serves) is left out and the page
 * filled from the versions after it, so pages are full until the last.
 */
export async function feedHistory(r: Reading, types: ResourceHandler[], base: string, path: string, raw: unknown): Promise<Bundle> {
  const { since, count, cursor } = historyParams(raw, true);
  const byType = new Map(types.map((h) => [h.type, h]));
  const read = new Map<string, Promise<Version[] | undefined>>();
  const versionsServed = (type: string, id: string) => {
    const key = `${type}/${id}`;
    if (!read.has(key)) {
      read.set(key, byType.get(type)!.history!(r, id).catch((e) => {
        // Refused by the door (and audited as refused), or not served: not in this client's history.
        if ([403, 404].includes(asFhirError(e).status)) return undefined;
        throw e;
      }));
    }
    return read.get(key)!;
  };
  const entries: BundleEntry[] = [];
  let after = cursor;
  let next: FeedKey | undefined;
  const batch = Math.max(count + 1, 50);
  for (;;) {
    const candidates = await feedPage(r, types, { since, after, limit: batch });
    for (const c of candidates) {
      if (entries.length === count) {
        next = after;
        break;
      }
      const version = (await versionsServed(c.type, c.id))?.find((v) => v.version === c.version);
      if (version) entries.push(historyEntry(base, c.type, c.id, version));
      after = c.key;
    }
    if (next || candidates.length < batch) break;
  }
  const link = (key?: FeedKey) => {
    const qs = new URLSearchParams({ _count: String(count), ...(since ? { _since: since } : {}), ...(key ? { _cursor: encodeFeedKey(key) } : {}) });
    return `${base}${path ? `/${path}` : ''}/_history?${qs}`;
  };
  return {
    resourceType: 'Bundle',
    type: 'history',
    link: [{ relation: 'self', url: link(cursor) }, ...(next ? [{ relation: 'next', url: link(next) }] : [])],
    entry: entries,
  };
}
