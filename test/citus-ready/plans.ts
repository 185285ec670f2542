import { IcsLinks } from './sql-joins.js';
import { GIVEN, hashedAliases, textTies } from './hashed-subplans.js';

/**
 * Reads PostgreSQL's own plan of a statement (EXPLAIN (VERBOSE, FORMAT JSON),
 * run as the owner so row-level security adds no ics_id filter of its own)
 * and says how Citus, distributing tenant tables by ics_id, would take it:
 * - every tenant table the statement reads is tied to the tenant: ics_id equal
 *   to a value (a parameter, a constant, joinery_current_ics()), directly or
 *   through ics_id equalities with another table that is;
 * - a join or correlated subquery between tenant tables equates their ics_id
 *   (Citus refuses "complex joins" that are not on the distribution column);
 * - rows for a tenant table do not come from a function (INSERT … SELECT FROM
 *   json_populate_recordset/unnest): Citus turns that into a COPY, which it
 *   refuses under row-level security;
 * - an INSERT … VALUES into a tenant table has no subquery among its values
 *   (nor in ON CONFLICT or RETURNING): Citus refuses "subqueries are not
 *   supported within INSERT queries".
 * The planner has already resolved aliases, subqueries and equivalences
 * (a.ics_id = $1 AND b.ics_id = a.ics_id shows as both equal to $1), so this
 * reads conditions, not SQL text; save for a hashed SubPlan, whose correlation
 * PostgreSQL 15 does not show: its ties are read from the text (hashed-subplans.ts).
 */

type PlanNode = Record<string, unknown> & { 'Node Type': string; Plans?: PlanNode[] };

/**
 * A table a plan reads, under the name EXPLAIN gives it (unique within the plan);
 * the subquery it is read in ('' for the statement itself), and the query run
 * once it belongs to ('' for the statement; else the nearest InitPlan or CTE
 * around it, which Citus plans as a query of its own).
 */
type Scan = { table: string; alias: string; level: string; group: string };

const PINNED = '(a given ICS)';

/** What an INSERT takes its rows from, and the subqueries its plan runs (InitPlans and SubPlans, not CTEs). */
type Insert = { table: string; from: string; readsTable: boolean; subqueries: number };

const isSubquery = (node: PlanNode) => /^(InitPlan|SubPlan)$/.test(String(node['Parent Relationship']));

/** Whether a node reads a table itself or through its children, subqueries aside. */
function readsTable(node: PlanNode): boolean {
  return typeof node['Relation Name'] === 'string' || (node.Plans ?? []).some((child) => !isSubquery(child) && readsTable(child));
}

/** The subqueries anywhere under a node. */
function subqueries(node: PlanNode): number {
  const own = isSubquery(node) && !String(node['Subplan Name']).startsWith('CTE ') ? 1 : 0;
  return own + (node.Plans ?? []).reduce((n, child) => n + subqueries(child), 0);
}

/** Every scan of a table and every condition in the plan, and what each INSERT takes its rows from. */
function walk(node: PlanNode, scans: Scan[], conditions: string[], inserts: Insert[], level = '', group = '') {
  if (isSubquery(node)) {
    level = String(node['Subplan Name'] ?? node['Parent Relationship']);
    if (node['Parent Relationship'] === 'InitPlan' || level.startsWith('CTE ')) group = level;
  }
  if (typeof node['Relation Name'] === 'string' && node['Node Type'] !== 'ModifyTable') {
    scans.push({ table: node['Relation Name'], alias: String(node.Alias ?? node['Relation Name']), level, group });
  }
  if (node['Node Type'] === 'ModifyTable' && node.Operation === 'Insert') {
    // The rows come from the outer child; an InitPlan (a subquery among the values) may come first.
    const source = node.Plans?.find((p) => p['Parent Relationship'] === 'Outer');
    inserts.push({
      table: String(node['Relation Name']),
      from: source ? `${source['Node Type']}${source['Function Name'] ? ` ${String(source['Function Name'])}` : ''}` : 'nothing',
      readsTable: source ? readsTable(source) : false,
      subqueries: subqueries({ ...node, 'Parent Relationship': undefined }),
    });
  }
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'string' && (key.endsWith('Cond') || key.endsWith('Filter'))) conditions.push(value);
  }
  for (const child of node.Plans ?? []) walk(child, scans, conditions, inserts, level, group);
}

const NAME = String.raw`(?:"[^"]+"|[a-z_][a-z0-9_$]*)`;
// alias.ics_id = alias.ics_id: a join or correlation on the tenant.
const TIED = new RegExp(String.raw`(${NAME})\.ics_id = (${NAME})\.ics_id\b`, 'g');
// alias.ics_id = a value: a parameter (an InitPlan's result too), a constant, or = ANY of a list. Not joinery_current_ics()
// or current_setting('app.ics_id'): Citus routes a query by a constant or a parameter, not by a function it must call.
const VALUE = String.raw`(?:\$\d+|'[^']*'::uuid|ANY \()`;
const PINS = [new RegExp(String.raw`(${NAME})\.ics_id = ${VALUE}`, 'g'), new RegExp(String.raw`(?:\$\d+|'[^']*'::uuid) = (${NAME})\.ics_id\b`, 'g')];

const unquote = (name: string) => name.replace(/^"(.*)"$/, '$1');

/**
 * The parts of a plan's condition that must hold for every row: its top-level
 * AND terms, with string constants blanked (their text is not SQL). A term
 * with an OR or a NOT in it may not hold, so no tie is read from it.
 */
export function certainTerms(condition: string): string[] {
  let text = condition.replace(/'(?:[^']|'')*'/g, (c) => `'${'x'.repeat(c.length - 2)}'`);
  const wraps = (t: string) => {
    if (!t.startsWith('(') || !t.endsWith(')')) return false;
    let depth = 0;
    for (let i = 0; i < t.length - 1; i++) if ((depth += t[i] === '(' ? 1 : t[i] === ')' ? -1 : 0) === 0) return false;
    return true;
  };
  while (wraps(text)) text = text.slice(1, -1);
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    depth += text[i] === '(' ? 1 : text[i] === ')' ? -1 : 0;
    if (depth === 0 && text.startsWith(' AND ', i)) {
      terms.push(text.slice(start, i));
      start = i + 5;
    }
  }
  terms.push(text.slice(start));
  return terms.filter((term) => !/\b(OR|NOT)\b/.test(term));
}

/**
 * Ties the tables read under a hashed SubPlan to the tenant when, in every
 * subquery of the text that reads them, their ics_id is equated to a value or
 * to a table that is tied (repeated, as such subqueries may be tied through each other).
 */
function tieHashed(ties: IcsLinks, hashed: Scan[], text: string) {
  const tied = (target: string) => target === GIVEN || ties.find(target) === ties.find(PINNED);
  for (let changed = true; changed; ) {
    changed = false;
    for (const s of hashed.filter((h) => ties.find(h.alias) !== ties.find(PINNED))) {
      const reads = textTies(text, s.table, s.alias);
      if (reads?.every((targets) => targets.some(tied))) {
        ties.join(s.alias, PINNED);
        changed = true;
      }
    }
  }
}

/** What Citus would refuse or send to every shard in one statement's plan (of the statement text), one sentence each; empty if none. */
export function planProblems(plan: PlanNode, tenantTables: ReadonlySet<string>, text = ''): string[] {
  const scans: Scan[] = [];
  const conditions: string[] = [];
  const inserts: Insert[] = [];
  walk(plan, scans, conditions, inserts);
  const problems: string[] = [];
  for (const insert of inserts) {
    if (tenantTables.has(insert.table) && insert.from.startsWith('Function Scan')) {
      problems.push(`inserts into ${insert.table} rows from a function (${insert.from}): Citus makes that a COPY, which row-level security refuses; send the rows as VALUES (bulkInsert)`);
    }
    // Rows that read no table (VALUES, or a SELECT with no FROM) with a subquery among them: Citus refuses the INSERT.
    if (tenantTables.has(insert.table) && !insert.readsTable && !insert.from.startsWith('Function Scan') && insert.subqueries > 0) {
      problems.push(`inserts into ${insert.table} VALUES with a subquery among them (or in ON CONFLICT or RETURNING): Citus refuses subqueries within INSERT … VALUES; read the value in a statement of its own first`);
    }
  }
  // Citus refuses a function that is not IMMUTABLE in DO UPDATE SET on a distributed table (its time would differ by node).
  const conflictSet = /\bdo\s+update\s+set\b([\s\S]*?)(?:\bwhere\b|\breturning\b|$)/i.exec(text)?.[1] ?? '';
  const volatile = /\b(now|clock_timestamp|statement_timestamp|transaction_timestamp|timeofday|random|gen_random_uuid|nextval)\s*\(|\b(current_timestamp|current_date|localtimestamp)\b/i.exec(conflictSet);
  const upsert = inserts.find((i) => tenantTables.has(i.table));
  if (volatile && upsert) {
    problems.push(`inserts into ${upsert.table} with ${volatile[0].replace(/\s*\($/, '()')} in ON CONFLICT … DO UPDATE SET: Citus refuses a function that is not immutable there; take the proposed row's value (EXCLUDED.column) or a parameter`);
  }
  const tenant = scans.filter((s) => tenantTables.has(s.table));
  if (tenant.length === 0) return problems;
  const ties = new IcsLinks();
  // The same ties by column only, and the tables each given a value of their own.
  const columns = new IcsLinks();
  const given = new Set<string>();
  for (const term of conditions.flatMap(certainTerms)) {
    for (const [, a, b] of term.matchAll(TIED)) {
      ties.join(unquote(a), unquote(b));
      columns.join(unquote(a), unquote(b));
    }
    for (const pin of PINS) for (const [, a] of term.matchAll(pin)) {
      ties.join(unquote(a), PINNED);
      given.add(unquote(a));
    }
  }
  const hashed = hashedAliases(plan);
  const hashedTenant = tenant.filter((s) => hashed.has(s.alias));
  tieHashed(ties, hashedTenant, text);
  for (const s of hashedTenant) {
    const reads = textTies(text, s.table, s.alias);
    if (reads?.every((targets) => targets.includes(GIVEN))) given.add(s.alias);
    for (const target of (reads ?? []).flat()) if (target !== GIVEN) columns.join(s.alias, target);
  }
  const pinned = (s: Scan) => ties.find(s.alias) === ties.find(PINNED);
  const named = (s: Scan) => (s.alias === s.table ? s.table : `${s.table} (${s.alias})`);
  const loose = tenant.filter((s) => !pinned(s));
  if (loose.length === 0) {
    for (const s of unjoinedBesideCorrelated(tenant, columns, given)) {
      problems.push(`looks up ${named(s)} by a given ICS beside a subquery tied to the outer row's ics_id: Citus then needs every table joined on ics_id and refuses this one; equate its ics_id to the outer table's`);
    }
    return problems;
  }
  if (loose.length < tenant.length) {
    for (const s of loose) problems.push(`joins or looks up ${named(s)} without equating its ics_id to the other tenant tables' (Citus refuses the join, or reads every shard)`);
  } else {
    problems.push(`reads ${tenant.map(named).join(', ')} without ics_id = the tenant (Citus would read every shard)`);
  }
  return problems;
}

/**
 * As Citus 13 plans a statement (seen on a cluster, decision 0029): when every
 * table it reads is given its ICS as a value, each is pruned to its one shard
 * and the statement is sent whole to that worker. When a subquery's table is
 * tied only by a column of the outer row (t.ics_id = c.ics_id), Citus cannot
 * prune it alone and instead needs every table joined on ics_id by columns; a
 * table in another subquery tied only to a value ($1) is then not joined, and
 * Citus refuses the statement ("complex joins are only supported when …").
 * Tables side by side in one query are joined by the value they share (one
 * equivalence); a query run once (an InitPlan, a CTE) is planned on its own,
 * and judged so.
 */
function unjoinedBesideCorrelated(tenant: Scan[], columns: IcsLinks, given: Set<string>): Scan[] {
  const unjoined: Scan[] = [];
  // Each query run once (the statement, an InitPlan, a CTE) is planned by Citus on its own, so each is judged alone.
  for (const group of new Set(tenant.map((s) => s.group))) {
    const routed = tenant.filter((s) => s.group === group);
    if (routed.every((s) => given.has(s.alias))) continue;
    for (const level of new Set(routed.map((s) => s.level))) {
      const side = routed.filter((s) => s.level === level && given.has(s.alias));
      for (const s of side.slice(1)) columns.join(s.alias, side[0].alias);
    }
    const outer = routed.find((s) => s.level === group) ?? routed[0];
    unjoined.push(...routed.filter((s) => columns.find(s.alias) !== columns.find(outer.alias)));
  }
  return unjoined;
}

/** Whether the plan reads any tenant table (such a statement goes to one shard on Citus only if it has no problem above). */
export function readsTenantTable(plan: PlanNode, tenantTables: ReadonlySet<string>): boolean {
  const scans: Scan[] = [];
  walk(plan, scans, [], []);
  return scans.some((s) => tenantTables.has(s.table));
}

/** Whether a statement is one the planner can explain (a query or a change of rows), not a transaction or session command. */
export const explainable = (text: string) => /^\s*\(*\s*(select|with|insert|update|delete)\b/i.test(text);
