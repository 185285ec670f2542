import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { checkedAccess, type ChildAccess, type ChildRead } from '../platform/access/door.js';
import type { Actor } from '../platform/access/actor.js';
import { ENTRY_FROM, entryColumns, entryUpdatedAt, entryWhere, type EntryFilter, type EntryRow } from './store.js';

/**
 * Pages of one child's entries by keyset, for FHIR search: each page starts
 * after the sort key and id of the last row of the one before, so an entry
 * recorded while a client pages through neither shifts a later page (no row
 * seen twice or skipped, as OFFSET would) nor stops the paging early.
 */
export const ENTRY_SORTS = ['-date', 'date', '-_lastUpdated', '_lastUpdated'] as const;
export type EntrySort = (typeof ENTRY_SORTS)[number];

export type EntryPageFilter = Omit<EntryFilter, 'code' | 'status' | 'limit' | 'offset'> & {
  /** Any of these codes (comma-OR). */
  codes?: string[];
  statuses?: string[];
  ids?: string[];
  /** When the current version was written: each bound ANDs. */
  updated?: { op: '>=' | '>' | '<=' | '<'; at: string }[];
  /** Any of these source identifiers (system and value; system left out for any). */
  identifiers?: { system?: string; value: string }[];
  /**
   * Any of these categories, as the feed sent them (kept as sent): each a
   * coding to contain. `uncategorised`: an entry sent with no category matches
   * too (the category the resource is served with by default was asked for).
   */
  /** `:missing`: whether the entry has no start date, code, source identifier or category sent (true) or has one (false). */
  missing?: { of: 'date' | 'code' | 'identifier' | 'category'; missing: boolean }[];
  categories?: { codings: { system?: string; code: string }[]; uncategorised: boolean };
  sort: EntrySort;
  /** The sort key (as text) and id of the last row already seen. */
  after?: [string, string];
  /** 0 answers the total alone (`_summary=count`). */
  count: number;
  withTotal: boolean;
};

/** An entry with no start sorts last newest-first (and first oldest-first), as the record shows it. */
const keys = (icsId: string): Record<'date' | '_lastUpdated', { key: SQL; cast: SQL }> => ({
  date: { key: sql`coalesce(e.started_on, '-infinity'::date)`, cast: sql`date` },
  _lastUpdated: { key: entryUpdatedAt(icsId), cast: sql`timestamptz` },
});

const OPS = { '>=': sql`>=`, '>': sql`>`, '<=': sql`<=`, '<': sql`<` };

function pageWhere(actor: Actor, childId: SQL, f: EntryPageFilter): SQL {
  const parts = [sql`e.ics_id = ${actor.icsId}::uuid`, entryWhere(actor, childId, f)];
  if (f.codes?.length) parts.push(sql`e.code IN (${sql.join(f.codes.map((c) => sql`${c}`), sql`, `)})`);
  if (f.ids?.length) parts.push(sql`e.id IN (${sql.join(f.ids.map((id) => sql`${id}::uuid`), sql`, `)})`);
  if (f.statuses?.length) parts.push(sql`e.status IN (${sql.join(f.statuses.map((s) => sql`${s}`), sql`, `)})`);
  for (const u of f.updated ?? []) parts.push(sql`${entryUpdatedAt(actor.icsId)} ${OPS[u.op]} ${u.at}::timestamptz`);
  if (f.identifiers?.length) {
    parts.push(sql`(${sql.join(f.identifiers.map((i) => (i.system === undefined
      ? sql`e.source_id = ${i.value}`
      : sql`(e.source_system = ${i.system} AND e.source_id = ${i.value})`)), sql` OR `)})`);
  }
  const MISSING = { date: sql`e.started_on IS NULL`, code: sql`e.code IS NULL`, identifier: sql`e.source_id IS NULL`, category: sql`e.as_sent->'category' IS NULL` };
  for (const m of f.missing ?? []) parts.push(m.missing ? MISSING[m.of] : sql`NOT (${MISSING[m.of]})`);
  if (f.categories) {
    const sent = f.categories.codings.map((c) => sql`e.as_sent->'category' @> ${JSON.stringify([{ coding: [c.system === undefined ? { code: c.code } : c] }])}::jsonb`);
    if (f.categories.uncategorised) sent.push(sql`e.as_sent->'category' IS NULL`);
    parts.push(sent.length ? sql`(${sql.join(sent, sql` OR `)})` : sql`false`);
  }
  return sql.join(parts, sql` AND `);
}

const directionOf = (f: EntryPageFilter) => (f.sort.startsWith('-') ? sql`DESC` : sql`ASC`);

type PageRow = EntryRow & { sort_value: unknown; sort_key: string; total_matching: number };
type EntryPage = { entries: EntryRow[]; next?: [string, string]; total?: number };

/**
 * The page's rows, one more than asked (to know there are more), each with
 * its sort key and the total: a window count over every match, taken before
 * the page's key bound applies (one statement for both). The page's ids are
 * found first, so the entries' columns (and when each was last changed) are
 * read for its rows only.
 */
function pageRowsSql(actor: Actor, childId: SQL, f: EntryPageFilter): SQL {
  const descending = f.sort.startsWith('-');
  const { key, cast } = keys(actor.icsId)[f.sort.replace(/^-/, '') as 'date' | '_lastUpdated'];
  const direction = directionOf(f);
  const after = f.after ? sql`AND (s.sort_value, s.id) ${descending ? sql`<` : sql`>`} (${f.after[0]}::${cast}, ${f.after[1]}::uuid)` : sql``;
  return sql`SELECT ${entryColumns(actor.icsId)}, s.sort_value, s.sort_key, s.total_matching
        FROM ${ENTRY_FROM} JOIN (SELECT * FROM (
          SELECT e.id, ${key} AS sort_value, (${key})::text AS sort_key, count(*) OVER ()::int AS total_matching FROM record_entry e WHERE ${pageWhere(actor, childId, f)}
        ) s WHERE true ${after} ORDER BY s.sort_value ${direction}, s.id ${direction} LIMIT ${f.count + 1}) s ON e.ics_id = ${actor.icsId}::uuid AND e.id = s.id
       ORDER BY s.sort_value ${direction}, s.id ${direction}`;
}

const countSql = (actor: Actor, childId: SQL, f: EntryPageFilter) => sql`SELECT count(*)::int AS n FROM record_entry e WHERE ${pageWhere(actor, childId, f)}`;

/** The page from its rows; `countAlone` counts the matches when no row carries the total. */
async function pageOf(found: PageRow[], f: EntryPageFilter, countAlone: () => Promise<number>): Promise<EntryPage> {
  const page = found.slice(0, f.count);
  const last = page.at(-1);
  // Only a page with no row to carry it (the total alone, or past the end) counts on its own.
  const counted = found[0]?.total_matching ?? (f.count > 0 && !f.after ? 0 : undefined);
  const total = f.withTotal ? counted ?? (await countAlone()) : undefined;
  return {
    entries: page.map(({ sort_value: _v, sort_key: _k, total_matching: _t, ...row }) => row as EntryRow),
    ...(found.length > f.count && last ? { next: [last.sort_key, last.id] as [string, string] } : {}),
    ...(total !== undefined ? { total } : {}),
  };
}

/** One page, the key to ask for the next (when there are more) and, if asked, how many match in all. */
export async function entryPage(tx: Tx, access: ChildAccess, f: EntryPageFilter): Promise<EntryPage> {
  const { actor, childId } = checkedAccess(tx, access);
  const child = sql`${childId}::uuid`;
  const found = f.count > 0 ? await rows<PageRow>(tx, pageRowsSql(actor, child, f)) : [];
  return pageOf(found, f, async () => (await rows<{ n: number }>(tx, countSql(actor, child, f)))[0].n);
}

/** What entryPageRead finds: the page's rows, or the total alone (`_summary=count`), or neither when nothing is asked. */
type PageFound = { rows?: PageRow[]; total?: number };

/**
 * entryPage as one json value, for the door to read with its question
 * (openChildReading): the same rows, filtered by the same rules of what the
 * actor may see (none of which hang on the door's decision), read in the
 * door's statement. entryPageFound makes the page of it once the door is open.
 */
export function entryPageRead(actor: Actor, f: EntryPageFilter): ChildRead {
  // The door asks it in the actor's own ICS, which the rows name (as every tenant query does).
  return (_icsId, childId) => {
    if (f.count > 0) {
      return sql`SELECT json_build_object('rows', coalesce(json_agg(p ORDER BY p.sort_value ${directionOf(f)}, p.id ${directionOf(f)}), '[]'::json))
        FROM (${pageRowsSql(actor, childId, f)}) p`;
    }
    return f.withTotal ? sql`SELECT json_build_object('total', c.n) FROM (${countSql(actor, childId, f)}) c` : sql`SELECT '{}'::json`;
  };
}

/** The page entryPageRead found, under the door that read it (a page past the end still counts its total on its own). */
export function entryPageFound(tx: Tx, access: ChildAccess, f: EntryPageFilter, found: unknown): Promise<EntryPage> {
  const { actor, childId } = checkedAccess(tx, access);
  const { rows: pageRows = [], total } = found as PageFound;
  return pageOf(pageRows, f, async () => total ?? (await rows<{ n: number }>(tx, countSql(actor, sql`${childId}::uuid`, f)))[0].n);
}
