import { relations } from './sql-joins.js';

/**
 * PostgreSQL 15 may run a correlated EXISTS or IN (beside an OR, say) once,
 * hashed, and probe the hash for every outer row. Its plan then shows only
 * "(hashed SubPlan N)": the equality that tied the subquery's ics_id to the
 * outer row is in no condition, so the plan alone cannot say whether the
 * subquery equated ics_id. For the tables such a SubPlan reads, the tie is
 * read from the statement's text instead, in the subquery that names them.
 */

type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };

/** A value a statement gives ics_id: a parameter or a uuid constant. */
export const GIVEN = 'a given value';

/** The aliases, as the plan names them, of tables read under a hashed SubPlan (whose correlation the plan hides). */
export function hashedAliases(plan: PlanNode): Set<string> {
  const hashed = new Set([...JSON.stringify(plan).matchAll(/hashed (SubPlan \d+)\b/g)].map((m) => m[1]));
  const aliases = new Set<string>();
  const mark = (node: PlanNode, under: boolean) => {
    const name = String(node['Subplan Name'] ?? '');
    const here = under || (node['Parent Relationship'] === 'SubPlan' && (hashed.has(name) || name.startsWith('hashed ')));
    if (here && typeof node['Relation Name'] === 'string') aliases.add(String(node.Alias ?? node['Relation Name']));
    for (const child of node.Plans ?? []) mark(child, here);
  };
  mark(plan, false);
  return aliases;
}

/** No comments, identifiers unquoted, lower case; string constants kept where they are (the same length of text throughout). */
const plain = (text: string) =>
  text
    .replace(/--[^\n]*/g, (c) => ' '.repeat(c.length))
    .replace(/\/\*[\s\S]*?\*\//g, (c) => ' '.repeat(c.length))
    .replace(/"([^"]+)"/g, ' $1 ')
    .toLowerCase();

/** Where each parenthesised SELECT starts and ends. */
function subqueries(text: string): { start: number; end: number }[] {
  const open: number[] = [];
  const found: { start: number; end: number }[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') open.push(i);
    if (text[i] !== ')') continue;
    const start = open.pop();
    if (start !== undefined && /^\(\s*select\b/.test(text.slice(start, start + 20))) found.push({ start, end: i + 1 });
  }
  return found;
}

/** The text of the innermost subquery around a place, its own subqueries blanked out (their conditions are theirs). */
function ownScope(text: string, at: number): string {
  const all = subqueries(text);
  const around = all.filter((s) => s.start < at && at < s.end).sort((a, b) => b.start - a.start)[0] ?? { start: 0, end: text.length };
  let scope = text.slice(around.start, around.end);
  for (const inner of all.filter((s) => s.start > around.start && s.end <= around.end)) {
    scope = scope.slice(0, inner.start - around.start) + ' '.repeat(inner.end - inner.start) + scope.slice(inner.end - around.start);
  }
  return scope;
}

/**
 * The equalities a subquery's rows must meet: its conditions after FROM (WHERE,
 * JOIN … ON) up to GROUP BY, ORDER BY or LIMIT, with string constants blanked
 * (their text is not SQL), taking only what is ANDed at the top: nothing in
 * parentheses and nothing at all beside a top-level OR, as either may not hold.
 */
function certainConditions(scope: string): string {
  const inner = scope.startsWith('(') ? scope.slice(1, -1) : scope;
  const blanked = inner.replace(/'(?:[^']|'')*'/g, (c) => `'${'x'.repeat(c.length - 2)}'`);
  const from = blanked.search(/\bfrom\b/);
  if (from < 0) return '';
  let text = blanked.slice(from);
  const end = text.search(/\b(group\s+by|order\s+by|limit|having|window)\b/);
  if (end >= 0) text = text.slice(0, end);
  let depth = 0;
  let top = '';
  for (const ch of text) {
    if (ch === '(' || ch === ')') depth += ch === '(' ? 1 : -1;
    top += depth > 0 || ch === ')' ? ' ' : ch;
  }
  return /\bor\b/.test(top) ? '' : top.replace(/\bnot\s+\S+\s*=\s*\S+/g, (c) => ' '.repeat(c.length));
}

const SIDE = String.raw`((?:[a-z_][a-z0-9_]*\.)?ics_id\b|\$\d+(?:::uuid)?|'[^']*'::uuid)`;
const EQUALITY = new RegExp(String.raw`${SIDE}\s*(?<![<>!])=\s*${SIDE}`, 'g');

/**
 * What the statement's text equates a table's ics_id to, for each subquery
 * that reads the table under that alias: other aliases, or GIVEN for a
 * parameter or constant. Undefined if the text does not read it so (the plan
 * renamed the alias, say): nothing is taken from the text then.
 */
export function textTies(statement: string, table: string, alias: string): string[][] | undefined {
  const text = plain(statement);
  const named = relations(text).filter((r) => r.table === table);
  const asAlias = named.some((r) => r.alias === alias) ? alias : alias.replace(/_\d+$/, '');
  const reads = named.filter((r) => r.alias === asAlias);
  if (!reads.length) return undefined;
  return reads.map((r) => {
    const scope = ownScope(text, r.at);
    // An unqualified ics_id is the table's own when its subquery reads no other table.
    const own = (side: string) => side === `${asAlias}.ics_id` || (side === 'ics_id' && relations(scope).length === 1);
    const other = (side: string) => (side.endsWith('ics_id') ? (side.includes('.') ? side.slice(0, -'.ics_id'.length) : undefined) : GIVEN);
    const targets: string[] = [];
    for (const [, left, right] of certainConditions(scope).matchAll(EQUALITY)) {
      const target = own(left) ? other(right) : own(right) ? other(left) : undefined;
      if (target && target !== asAlias) targets.push(target);
    }
    return targets;
  });
}
