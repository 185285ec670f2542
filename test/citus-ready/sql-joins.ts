/**
 * A heuristic reader of the SQL in a view or function body: which tenant
 * tables each statement reads, and whether the statement ties them to one
 * ICS. It is not a parser. It reads the shapes PostgreSQL prints for views
 * (pg_get_viewdef) and the shapes we write in functions, and says what it
 * found in a sentence so a false alarm is easy to see and fix.
 */

/** A table read by a statement, under the name the statement calls it by, and where in the text it is named. */
type Relation = { table: string; alias: string; at: number };

// Words that can follow a table name and are not its alias.
const NOT_AN_ALIAS = new Set([
  'where', 'on', 'join', 'left', 'right', 'inner', 'full', 'cross', 'natural', 'using', 'set', 'group', 'order',
  'limit', 'having', 'union', 'select', 'values', 'returning', 'lateral', 'with', 'and', 'or', 'as', 'window',
  'offset', 'for', 'into', 'except', 'intersect', 'default', 'outer', 'then', 'loop', 'end', 'if', 'when', 'do',
]);

/** Dynamic SQL names its table with format's %I: assume it is a tenant table. */
export const DYNAMIC_TABLE = '%i';

/** Lower case, no comments, string literals opened up (dynamic SQL lives in them), identifiers unquoted. */
export function normalise(text: string): string {
  return text
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'((?:[^']|'')*)'/g, (_, inner: string) => ` ${inner.replace(/''/g, "'")} `)
    .replace(/"([^"]+)"/g, '$1')
    .toLowerCase();
}

const RELATION = /\b(from|join|update|into)\s+\(*\s*(?:only\s+)?(?:public\.)?([a-z_][a-z0-9_]*|%i)(?:\s+(?:as\s+)?([a-z_][a-z0-9_]*))?/g;
const NEXT_IN_LIST = /^\s*,\s*\(*\s*(?:public\.)?([a-z_][a-z0-9_]*)(?:\s+(?:as\s+)?([a-z_][a-z0-9_]*))?/;

function relation(table: string, alias: string | undefined, at = 0): Relation {
  return { table, alias: alias && !NOT_AN_ALIAS.has(alias) ? alias : table, at };
}

/** The tables one statement reads or writes, in order, including comma-separated FROM lists. */
export function relations(statement: string): Relation[] {
  const found: Relation[] = [];
  for (const m of statement.matchAll(RELATION)) {
    found.push(relation(m[2], m[3], m.index));
    if (m[1] !== 'from') continue;
    let at = (m.index ?? 0) + m[0].length;
    for (let next = NEXT_IN_LIST.exec(statement.slice(at)); next; next = NEXT_IN_LIST.exec(statement.slice(at))) {
      found.push(relation(next[1], next[2], at));
      at += next[0].length;
    }
  }
  return found;
}

const SIDE = String.raw`((?:[a-z_][a-z0-9_]*\.)?ics_id\b|\$\d+|[a-z_][a-z0-9_]*(?:\(\))?)`;
const EQUALITY = new RegExp(`${SIDE}\\s*=\\s*${SIDE}`, 'g');
const JOIN_USING = /\bjoin\s+\(*\s*(?:public\.)?([a-z_][a-z0-9_]*)(?:\s+(?:as\s+)?([a-z_][a-z0-9_]*))?\s+using\s*\(([^)]*)\)/g;

/** Groups of the statement's tables that ics_id equalities tie together; a pinned group is tied to a given ICS. */
export class IcsLinks {
  private parent = new Map<string, string>();
  find(x: string): string {
    const p = this.parent.get(x) ?? x;
    if (p === x) return x;
    const root = this.find(p);
    this.parent.set(x, root);
    return root;
  }
  join(a: string, b: string) {
    this.parent.set(this.find(a), this.find(b));
  }
  pinned(alias: string, values: Set<string>): boolean {
    for (const v of values) if (this.find(v) === this.find(alias)) return true;
    return false;
  }
}

function links(statement: string, tenant: Relation[]): { links: IcsLinks; values: Set<string> } {
  const result = new IcsLinks();
  const values = new Set<string>();
  // An unqualified ics_id belongs to the statement's only tenant table, if it has one.
  const node = (side: string): string | undefined => {
    if (side.endsWith('.ics_id')) return `rel:${side.slice(0, -'.ics_id'.length)}`;
    if (side === 'ics_id') return tenant.length === 1 ? `rel:${tenant[0].alias}` : undefined;
    const value = `value:${side}`;
    values.add(value);
    return value;
  };
  for (const [, left, right] of statement.matchAll(EQUALITY)) {
    if (!left.endsWith('ics_id') && !right.endsWith('ics_id')) continue;
    const a = node(left);
    const b = node(right);
    if (a && b) result.join(a, b);
  }
  // INSERT INTO t (…, ics_id, …) VALUES (…, <a parameter or variable>, …): the row is written to the ICS that value names.
  const insert = /\binsert\s+into\s+(?:public\.)?([a-z_][a-z0-9_]*)\s*\(([^()]*)\)\s*values\s*\(([^()]*)\)/.exec(statement);
  if (insert) {
    const at = insert[2].split(',').map((c) => c.trim()).indexOf('ics_id');
    const value = at < 0 ? undefined : insert[3].split(',')[at]?.trim();
    if (value && /^(\$\d+|[a-z_][a-z0-9_]*)$/.test(value)) result.join(`rel:${insert[1]}`, node(value)!);
  }
  const all = relations(statement);
  for (const m of statement.matchAll(JOIN_USING)) {
    if (!m[3].split(',').map((c) => c.trim()).includes('ics_id')) continue;
    const joined = relation(m[1], m[2]);
    const i = all.findIndex((r) => r.alias === joined.alias);
    if (i > 0) result.join(`rel:${joined.alias}`, `rel:${all[i - 1].alias}`);
  }
  return { links: result, values };
}

const snippet = (s: string) => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 140 ? `${flat.slice(0, 137)}...` : flat;
};
const named = (r: Relation) => (r.table === DYNAMIC_TABLE ? 'a table named at run time (%I)' : r.alias === r.table ? r.table : `${r.table} (${r.alias})`);

/**
 * What is wrong with a body of SQL, one sentence each:
 * - a statement reading two or more tenant tables without ics_id equalities tying them together;
 * - with mustPinIcs (function bodies, which are whole queries), a tenant table read
 *   without ics_id equal to a given value (a parameter, a variable, joinery_current_ics()).
 */
export function crossTenantReads(sqlText: string, tenantTables: ReadonlySet<string>, mustPinIcs: boolean): string[] {
  const problems: string[] = [];
  for (const statement of normalise(sqlText).split(';')) {
    const tenant = relations(statement).filter((r) => r.table === DYNAMIC_TABLE || tenantTables.has(r.table));
    if (tenant.length === 0) continue;
    const { links: l, values } = links(statement, tenant);
    const groups = new Map<string, Relation[]>();
    for (const r of tenant) groups.set(l.find(`rel:${r.alias}`), [...(groups.get(l.find(`rel:${r.alias}`)) ?? []), r]);
    if (groups.size > 1) {
      problems.push(`joins ${tenant.map(named).join(' and ')} without equating their ics_id: "${snippet(statement)}"`);
    }
    if (mustPinIcs) {
      for (const r of tenant.filter((t) => !l.pinned(`rel:${t.alias}`, values))) {
        problems.push(`reads ${named(r)} without saying which ICS (no ics_id = a parameter or variable): "${snippet(statement)}"`);
      }
    }
  }
  return problems;
}

/** Whether any statement in the SQL reads one of the tables. */
export function readsAny(sqlText: string, tables: ReadonlySet<string>): boolean {
  return relations(normalise(sqlText)).some((r) => tables.has(r.table));
}
