import type { Resource } from '@medplum/fhirtypes';
import { ENTRY_SORTS, entriesOfEach, entriesPageRead, entryHistory, getEntry, listEntries, pageOpenedEntries, saveEntry, type EntryInput, type EntryPageFilter, type EntryRow } from '../../record/service.js';
import type { EntryKind } from '../../record/index.js';
import type { ChildAccess } from '../../platform/access/door.js';
import type { EntrySort } from '../../record/service.js';
import { badRequest, notFound, type Issue } from '../outcome.js';
import { CONDITION_CATEGORY } from '../codes.js';
import { keepAsSent, sameJson, withAsSent, type Elements } from './as-sent.js';
import { dateRange, instant, patientParam } from './common.js';
import { searchOneChild } from './access.js';
import { entryCursor, idList, instantBounds, tokenList } from './search-params.js';
import type { Importing, Page, Query, Reading, ResourceHandler, SearchPage, SearchParamDef, SearchWithDoor, Version, WholeRecord, Written } from './handler.js';

/**
 * How one kind of record entry is a FHIR resource. The record service does
 * every read and write (access, sensitive filtering, freeze, history, audit);
 * a codec only translates.
 */
export type EntryCodec<R extends Resource> = {
  type: R['resourceType'];
  kind: EntryKind;
  documentation: string;
  /** The code systems the code is looked for in, preferred first. */
  codeSystems: string[];
  /** Name of the search parameter for the code (code, vaccine-code). */
  codeParam: string;
  /** Search parameter for status, and what each of its values means as an entry status. */
  statusParam?: { name: string; values: Record<string, string> };
  toFhir(row: EntryRow): R;
  /** What the type adds to every resource it serves, after what the feed sent is laid over Joinery's own (a vital sign's LOINC code). */
  served?(resource: R): R;
  /** The entry a resource says; `warnings` for what it had to change on the way (none when nothing was). */
  fromFhir(i: Importing, resource: R): Promise<{ childId: string; input: EntryInput; warnings?: Issue[] }>;
  /** Which elements it translates, and which it keeps as sent (as-sent.ts): anything else is warned about. */
  elements: Elements;
  /** Element path for each of the entry's fields (startedOn → Condition.onsetDateTime). */
  paths: Record<string, string>;
};

/**
 * A defensive second line: the record service never returns a sensitive
 * entry to a system, but if one ever came back it would not go out.
 */
const servable = (row: EntryRow) => row.sensitive_category === null;

/**
 * Every entry of these kinds in the child's record that the record service
 * lets the actor see (its door and audit, one reading for all the kinds),
 * by kind.
 */
export async function entriesOfKinds(r: Reading, childId: string, kinds: EntryKind[]): Promise<Map<EntryKind, EntryRow[]>> {
  const out = new Map<EntryKind, EntryRow[]>(kinds.map((k) => [k, []]));
  if (!kinds.length) return out;
  for (let offset = 0; ; offset += 1000) {
    const { entries } = await listEntries(r.tx, r.actor, childId, { kinds, limit: 1000, offset });
    for (const e of entries) out.get(e.kind as EntryKind)?.push(e);
    if (entries.length < 1000) return out;
  }
}

/** entriesOfKinds for every child of an export's chunk, in one statement (the record service's filtering), by kind. */
export async function chunkEntriesOfKinds(r: Reading, accesses: ChildAccess[], kinds: EntryKind[]): Promise<Map<EntryKind, EntryRow[]>> {
  const out = new Map<EntryKind, EntryRow[]>(kinds.map((k) => [k, []]));
  for (const e of await entriesOfEach(r.tx, accesses, kinds)) out.get(e.kind as EntryKind)?.push(e);
  return out;
}

/** A resource as the entry it becomes, with what is kept as sent and a warning for each element dropped. */
export async function translateEntry<R extends Resource>(codec: EntryCodec<R>, i: Importing, resource: R) {
  const { childId, input, warnings = [] } = await codec.fromFhir(i, resource);
  const kept = await keepAsSent(i, resource, codec.elements);
  return { childId, input: { ...input, asSent: kept.asSent }, warnings: [...warnings, ...kept.warnings] };
}

/**
 * A read-modify-write (PUT of what Joinery served) sends back what Joinery
 * wrote itself (issued, recordedDate, its own coding): an element sent back
 * exactly as served keeps what was kept before, so the write changes nothing.
 */
async function unlessAsServed<R extends Resource>(
  codec: EntryCodec<R>, i: Importing, entryId: string, asSent: Record<string, unknown>,
): Promise<Record<string, unknown> | null> {
  const existing = await getEntry(i.tx, i.actor, entryId).catch(() => undefined);
  if (!existing || existing.kind !== codec.kind) return asSent;
  const served = entryToFhir(codec, existing) as unknown as Record<string, unknown>;
  const out = Object.fromEntries(Object.entries(asSent)
    .map(([k, v]) => [k, sameJson(v, served[k]) ? existing.as_sent?.[k] : v])
    .filter(([, v]) => v !== undefined));
  return Object.keys(out).length ? out : null;
}

/** An entry as its resource, with what its feed sent given back. */
export function entryToFhir<R extends Resource>(codec: EntryCodec<R>, row: EntryRow): R {
  const resource = withAsSent(codec.toFhir(row), row.as_sent, codec.elements);
  return codec.served ? codec.served(resource) : resource;
}

/** The entry types that have a category in FHIR R4 (AllergyIntolerance's is a code kept in its details, and not searched). */
const CATEGORISED = ['Observation', 'Condition', 'Procedure', 'MedicationRequest', 'MedicationStatement'];
/** The category a type is served with when the sender gave none. */
const SERVED_CATEGORY: Record<string, { system: string; code: string }> = { Condition: { system: CONDITION_CATEGORY, code: 'problem-list-item' } };

/** `identifier` values (comma-OR): system|value, |value (no system) or a value in any system. */
function identifierList(query: Query): { system?: string; value: string }[] | undefined {
  const values = query.get('identifier');
  if (!values?.length) return undefined;
  if (values.length > 1) throw badRequest('Give identifier once; list alternatives with commas.', 'identifier');
  return values[0].split(',').map((token) => {
    const bar = token.indexOf('|');
    const value = bar < 0 ? token : token.slice(bar + 1);
    if (!value) throw badRequest('Give the identifier’s value (system|value).', 'identifier');
    return bar < 0 ? { value } : { system: token.slice(0, bar), value };
  });
}

/** `category` values (comma-OR), matched against what was sent, and against the category served by default when nothing was. */
function categoryFilter(type: string, query: Query) {
  const values = query.get('category');
  if (!values?.length) return undefined;
  if (values.length > 1) throw badRequest('Give category once; list alternatives with commas.', 'category');
  const codings = values[0].split(',').map((token) => {
    const bar = token.indexOf('|');
    const code = bar < 0 ? token : token.slice(bar + 1);
    if (!code) throw badRequest('Give the category’s code (system|code).', 'category');
    return bar < 0 ? { code } : { system: token.slice(0, bar), code };
  });
  const served = SERVED_CATEGORY[type];
  return { codings, uncategorised: !!served && codings.some((c) => c.code === served.code && (c.system === undefined || c.system === served.system)) };
}

/** Each record type's entry kind and code parameter, for `_has` (search-chains.ts). */
const ENTRY_SEARCHES = new Map<string, { kind: EntryKind; codeParam: string; codeSystems: string[] }>();
export const entrySearchOf = (type: string) => ENTRY_SEARCHES.get(type);

export function entryHandler<R extends Resource>(codec: EntryCodec<R>): ResourceHandler {
  ENTRY_SEARCHES.set(codec.type, { kind: codec.kind, codeParam: codec.codeParam, codeSystems: codec.codeSystems });
  const toFhir = (row: EntryRow) => entryToFhir(codec, row);
  const searchParams: SearchParamDef[] = [
    { name: 'patient', type: 'reference', documentation: 'Required: the child whose record is searched (Patient/<id>).' },
    { name: codec.codeParam, type: 'token', missing: true, documentation: `The code (${codec.codeSystems.join(' or ')}), as system|code or code; :missing=true for those recorded in words alone.` },
    { name: 'date', type: 'date', missing: true, documentation: 'When it began or happened (eq, ge, gt, le, lt; a day, month or year); :missing=true for those with no date.' },
  ];
  if (CATEGORISED.includes(codec.type)) {
    searchParams.push({ name: 'category', type: 'token', missing: true, documentation: 'The category, as system|code or code (comma-separated for any of several): as the sender gave it, or as served when none was given; :missing=true for those sent with none.' });
  }
  searchParams.push(
    { name: 'identifier', type: 'token', missing: true, documentation: 'The sender’s identifier, as system|value or value (comma-separated for any of several); :missing=true for those recorded on Joinery’s pages.' },
    { name: 'subject', type: 'reference', documentation: 'The same as patient: Patient/<id>.' },
  );
  if (codec.statusParam) {
    searchParams.push({ name: codec.statusParam.name, type: 'token', documentation: `One of: ${Object.keys(codec.statusParam.values).join(', ')}.` });
  }

  searchParams.push(
    { name: '_id', type: 'token', documentation: 'The resource’s id (comma-separated for any of several).' },
    { name: '_lastUpdated', type: 'date', documentation: 'When the current version was written (eq, ge, gt, le, lt; an instant with its zone, or a day, month or year in UTC).' },
  );

  /** The search's parameters read (400 for one that does not read well) into the page it asks of the record, read with the door's question. */
  function searchWithDoor(r: Reading, query: Query, page: Page): SearchWithDoor<SearchPage, Reading & { whole: WholeRecord }> {
    const childId = patientParam(query)!;
    const codes = tokenList(query, codec.codeParam, codec.codeSystems);
    let statuses: string[] | undefined;
    if (codec.statusParam) {
      const given = tokenList(query, codec.statusParam.name, ['']);
      const unknown = given?.find((g) => !(g in codec.statusParam!.values));
      if (unknown !== undefined) {
        throw badRequest(`${codec.statusParam.name} must be one of: ${Object.keys(codec.statusParam.values).join(', ')}.`, codec.statusParam.name);
      }
      statuses = given?.map((g) => codec.statusParam!.values[g]);
    }
    const ids = idList(query);
    const identifiers = identifierList(query);
    const categories = categoryFilter(codec.type, query);
    const MISSABLE = { date: 'date', [codec.codeParam]: 'code', identifier: 'identifier', category: 'category' } as const;
    const missing = Object.entries(MISSABLE).flatMap(([param, of]) => {
      const given = query.get(`${param}:missing`);
      return given ? [{ of, missing: given[0] === 'true' }] : [];
    });
    const { from, to } = dateRange(query, 'date');
    const sort = (page.sort ?? ENTRY_SORTS[0]) as EntrySort;
    // Nothing can match: the door is still opened (and the search audited) before answering "none".
    const nothing = codes?.length === 0 || ids?.length === 0 || (from && to && from > to);
    let late: Pick<EntryPageFilter, 'updated' | 'after'>;
    try {
      late = { updated: instantBounds(query, '_lastUpdated'), after: entryCursor(page.after, sort) };
    } catch (error) {
      // These two were always read once the door was open: a child not found, or refused, is answered so before them.
      return { childId, answer: () => Promise.reject(error) };
    }
    const filter: EntryPageFilter = {
      kinds: [codec.kind], codes, statuses, ids, from, to, identifiers, categories, missing, sort, ...late, count: nothing ? 0 : page.count, withTotal: !nothing,
    };
    return {
      childId,
      read: entriesPageRead(r.actor, filter),
      async answer({ tx, whole }, withDoor) {
        const { entries, total, next, audit } = await pageOpenedEntries(tx, whole.access, filter, withDoor);
        whole.audits.push(audit);
        return { resources: entries.filter(servable).map(toFhir), total: total ?? 0, ...(next ? { next } : {}) };
      },
    };
  }

  async function search(r: Reading, query: Query, page: Page) {
    const one = searchWithDoor(r, query, page);
    return searchOneChild(r, one.childId, (opened, withDoor) => one.answer(opened, withDoor(one.read)), [one.read]);
  }

  return {
    type: codec.type,
    writable: true,
    versioned: true,
    documentation: codec.documentation,
    searchParams,
    sorts: ENTRY_SORTS,
    async read(r, id) {
      const row = await getEntry(r.tx, r.actor, id);
      if (row.kind !== codec.kind || !servable(row)) throw notFound();
      return toFhir(row);
    },
    search,
    searchWithDoor,
    entryKind: codec.kind,
    async history(r, id) {
      // The door and its audit first (a refused child, or a sensitive entry, is not found), then the kept versions.
      const { entry, history } = await entryHistory(r.tx, r.actor, id);
      if (entry.kind !== codec.kind || !servable(entry)) throw notFound();
      const versions: Version[] = history
        // A version that was sensitive then, or another kind of entry, is not this resource's to serve.
        .filter((h) => h.snapshot.kind === codec.kind && h.snapshot.sensitive_category === null && h.snapshot.child_id === entry.child_id)
        .map((h) => ({ version: h.version, at: instant(h.changed_at), resource: toFhir({ ...h.snapshot, version: h.version, updated_at: h.changed_at }) }));
      // Entries written before versions were kept (generated data) still have their current one.
      if (!history.some((h) => h.version === entry.version)) versions.unshift({ version: entry.version, at: instant(entry.updated_at), resource: toFhir(entry) });
      return versions;
    },
    async everything(r, childId) {
      const read = r.whole?.access.childId === childId ? r.whole.entries.get(codec.kind) : undefined;
      return (read ?? (await entriesOfKinds(r, childId, [codec.kind])).get(codec.kind)!).filter(servable).map(toFhir);
    },
    everyChild: async (r) => (r.entries.get(codec.kind) ?? []).filter(servable).map(toFhir),
    async write(i, resource, targetId, expectedVersion): Promise<Written> {
      const { childId, input, warnings } = await translateEntry(codec, i, resource as R);
      if (targetId && input.asSent) input.asSent = await unlessAsServed(codec, i, targetId, input.asSent);
      const saved = await saveEntry(i.tx, i.actor, childId, input, targetId ? { entryId: targetId, expectedVersion } : {});
      return { id: saved.entry.id, outcome: saved.outcome, ...(warnings.length ? { warnings } : {}) };
    },
    fieldPath: (field) => codec.paths[field] ?? codec.paths[field.split('.')[0]],
  };
}
