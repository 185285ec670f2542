import type { Resource } from '@medplum/fhirtypes';
import { badRequest, FhirError, unprocessable } from '../outcome.js';
import { idList, instantBounds, type InstantBound } from './search-params.js';
import type { ChunkReading, Page, Query, Reading, ResourceHandler, SearchPage, SearchWithDoor } from './handler.js';
import { searchOneChild } from './access.js';
import { patientParam } from './common.js';

/**
 * A second source of one resource type, served beside the type's own
 * handler: the virtual ward's visits beside recorded contacts (Encounter),
 * its observation sets beside record entries (Observation), its escalations
 * beside safeguarding flags (Flag). Read only.
 */
export interface ExtraSource {
  /** Whether this id is one of the source's (for a read, and to refuse a write to it). */
  owns(r: Reading, id: string): Promise<boolean>;
  /** Ids only this source can have (by their shape), whether or not one exists. */
  claims?(id: string): boolean;
  /** One resource by id, through the door to its child (404 when not found). */
  read(r: Reading, id: string): Promise<Resource>;
  /** Every match for one child's search, filtered by the parameters it understands; a filter it cannot meet matches nothing here. */
  search(r: Reading, query: Query): Promise<Resource[]>;
  everything(r: Reading, childId: string): Promise<Resource[]>;
  /** The same for every child of a Bulk Data export's chunk, in one statement. */
  everyChild(r: ChunkReading): Promise<Resource[]>;
  /**
   * search as a read of the child the door asks with its question, when a
   * search opens the record's door (searchOneChild): one round trip for both.
   */
  searchWithDoor?(r: Reading, query: Query): SearchWithDoor<Resource[]>;
  /** Why a write to one of its resources is refused. */
  readOnly: string;
  /** Added to the type's documentation in the CapabilityStatement. */
  documentation: string;
}

/** `_id`, `_lastUpdated`, `identifier` and `category` hold for the source's resources too: applied here to what it found. */
function matching(found: Resource[], query: Query): Resource[] {
  const ids = idList(query);
  const bounds = instantBounds(query, '_lastUpdated');
  const holds = (at: number, b: InstantBound) => {
    const t = Date.parse(b.at);
    return b.op === '>=' ? at >= t : b.op === '>' ? at > t : b.op === '<=' ? at <= t : at < t;
  };
  const tokens = (name: string) => query.get(name)?.[0]?.split(',').map((t) => (t.includes('|') ? t.split('|') as [string, string] : ['', t] as [string, string]));
  const identifiers = tokens('identifier');
  const categories = tokens('category');
  const has = (list: { system?: string; code?: string; value?: string }[] | undefined, wanted: [string, string][]) =>
    (list ?? []).some((c) => wanted.some(([system, code]) => (c.code ?? c.value) === code && (!system || c.system === system)));
  const shape = (f: Resource) => f as { identifier?: { system?: string; value?: string }[]; category?: { coding?: { system?: string; code?: string }[] }[] };
  // :missing, on what the resource shows (these sources always give a date, a code and a category).
  const missingOk = (f: Resource) => [...query].every(([name, [v]]) => {
    const m = /^(.+):missing$/.exec(name);
    if (!m) return true;
    const has = m[1] === 'identifier' ? !!shape(f).identifier?.length : true;
    return has === (v === 'false');
  });
  return found.filter((f) => (!ids || ids.includes(f.id ?? '')) && missingOk(f)
    && (!identifiers || has(shape(f).identifier, identifiers))
    && (!categories || has(shape(f).category?.flatMap((c) => c.coding ?? []), categories))
    && (!bounds.length || (f.meta?.lastUpdated !== undefined && bounds.every((b) => holds(Date.parse(f.meta!.lastUpdated!), b)))));
}

/** Marks a key that pages through the source's resources, once the handler's are all given. */
const EXTRA = '+alongside';

/** Where a page that goes on into the source's resources starts in them (undefined for a page of the handler's own). */
function extraFrom(page: Page): number | undefined {
  if (page.after?.[0] !== EXTRA) return undefined;
  const from = /^\d{1,6}$/.test(page.after[1] ?? '') ? Number(page.after[1]) : NaN;
  if (Number.isNaN(from) || page.after.length !== 2) throw badRequest('_cursor is not one this server gave: follow the Bundle’s next link as it is.', '_cursor');
  return from;
}

/** What the handler is asked for a page: past its own, its total alone. */
const ownPage = (page: Page): Page => (page.after?.[0] === EXTRA ? { ...page, after: undefined, count: 0 } : page);

/**
 * Paging by key: the handler's pages first, in its order; then the source's,
 * keyed by how many of them were already given (they are held in full).
 */
function byKey(own: SearchPage, from: number | undefined, page: Page, more: Resource[]): SearchPage {
  const total = own.total + more.length;
  if (from !== undefined) {
    const resources = more.slice(from, from + page.count);
    return { resources, total, ...(from + page.count < more.length ? { next: [EXTRA, String(from + page.count)] } : {}) };
  }
  if (own.next) return { resources: own.resources, total, next: own.next };
  const room = page.count - own.resources.length;
  const resources = [...own.resources, ...more.slice(0, room)];
  return { resources, total, ...(more.length > room && page.count > 0 ? { next: [EXTRA, String(room)] } : {}) };
}

/** Each source's matches for one search: as read with the door's question where they were, else searched now. */
type Sources = { own: (page: Page) => Promise<SearchPage>; more: () => Promise<Resource[]> };

/** A search's read for the door, or none when its parameters do not read well: searched after the door, it answers its error there, as it always has. */
function readable<T>(prepare: () => T | undefined): T | undefined {
  try {
    return prepare();
  } catch (error) {
    if (error instanceof FhirError) return undefined;
    throw error;
  }
}

/**
 * The handler's results first, then the source's, paged as one list: the
 * handler pages its own (and says its total), the source fills the rest.
 */
export function alongside(base: ResourceHandler, extra: ExtraSource): ResourceHandler {
  async function both(r: Reading, query: Query, page: Page, sources: Sources = { own: (p) => base.search(r, query, p), more: () => extra.search(r, query) }) {
    const more = matching(await sources.more(), query);
    if (base.sorts) {
      const from = extraFrom(page);
      return byKey(await sources.own(ownPage(page)), from, page, more);
    }
    const own = await sources.own(page);
    const from = Math.max(0, page.offset - own.total);
    const room = page.count - own.resources.length;
    return { resources: [...own.resources, ...(room > 0 ? more.slice(from, from + room) : [])], total: own.total + more.length };
  }
  return {
    ...base,
    documentation: `${base.documentation} ${extra.documentation}`,
    async read(r, id) {
      if (extra.claims?.(id) || (await extra.owns(r, id))) return extra.read(r, id);
      return base.read(r, id);
    },
    async search(outer: Reading, query: Query, page: Page) {
      if (!base.entryKind) return both(outer, query, page);
      // Beside record entries, one door and one audit statement for both sources, and each source's read in the door's statement.
      const own = readable(() => base.searchWithDoor?.(outer, query, ownPage(page)));
      const more = readable(() => extra.searchWithDoor?.(outer, query));
      return searchOneChild(outer, patientParam(query)!, (r, withDoor) => both(r, query, page, {
        own: (p) => (own ? own.answer(r, withDoor(own.read)) : base.search(r, query, p)),
        more: () => (more ? more.answer(r, withDoor(more.read)) : extra.search(r, query)),
      }), [own?.read, more?.read]);
    },
    async everything(r, childId) {
      return [...((await base.everything?.(r, childId)) ?? []), ...(await extra.everything(r, childId))];
    },
    ...(base.everyChild ? { everyChild: async (r: ChunkReading) => [...(await base.everyChild!(r)), ...(await extra.everyChild(r))] } : {}),
    // The source's resources keep no versions: their history is not served (history.ts says so for types without any).
    ...(base.history
      ? {
        async history(r, id) {
          if (extra.claims?.(id) || (await extra.owns(r, id))) {
            throw new FhirError(404, [{ severity: 'error', code: 'not-supported', text: `Joinery keeps no earlier versions of ${base.type}/${id}: read the current one.` }]);
          }
          return base.history!(r, id);
        },
      }
      : {}),
    ...(base.write
      ? {
        async write(i, resource, targetId, expectedVersion) {
          if (targetId && (extra.claims?.(targetId) || (await extra.owns(i, targetId)))) throw unprocessable(extra.readOnly, `${base.type}.id`);
          return base.write!(i, resource, targetId, expectedVersion);
        },
      }
      : {}),
  };
}
