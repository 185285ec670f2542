import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../../src/platform/db/client.js';
import { crossTenantReads, readsAny } from './sql-joins.js';
import { DIRECTORY_TABLES, LOCAL_TABLES, REFERENCE_PLACED, REFERENCE_TABLES } from '../../src/platform/db/citus-placement.js';

// How each table sits in Citus: the lists `joinery distribute` places tables by.
export { DIRECTORY_TABLES, LOCAL_TABLES, REFERENCE_TABLES };

/**
 * Functions that find one row by a secret or an id before the tenant is known: one table, no join.
 * The FHIR token and password sign-in lookups are not here: the token names its ICS and the
 * sign-in directory names the email's, so they must say ics_id = that ICS like any query (decision 0034).
 */
export const PRE_TENANT_LOOKUPS: Record<string, string> = {
  joinery_cis2_lookup: 'CIS2 vouches for a user id: finds the accounts linked to it in every ICS, so that one linked in two ICSs is refused (every shard, once a sign-in)',
  joinery_fhir_client_lookup: 'the token endpoint finds a FHIR client by its id (a UUID) to learn its ICS',
  joinery_advice_link_lookup: 'a family opens a one-time advice link (no sign-in): its hash finds the sending and its ICS',
  joinery_feedback_link_lookup: 'a family’s feedback page finds its one-time link by the token’s hash to learn its ICS',
  joinery_family_lookup: 'NHS login gives a verified NHS number and date of birth: finds the ICSs where a professional granted that person family access',
};

/** The tenant tables, distributed by ics_id: every table with an ics_id column not named a reference, directory or local table. */
export async function tenantTables(tx: Tx): Promise<Set<string>> {
  const withIcs = await rows<{ table: string }>(tx, sql`
    SELECT DISTINCT c.relname AS table FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attname = 'ics_id' AND NOT a.attisdropped`);
  return new Set(withIcs.map((t) => t.table).filter((t) => !REFERENCE_PLACED.includes(t) && !(t in LOCAL_TABLES)));
}

type Column = { table: string; column: string; not_null: boolean; type: string; serial: boolean };
type Constraint = { table: string; name: string; kind: 'p' | 'u' | 'f' | 'x' | 'i'; columns: string[]; ref_table: string | null; ref_columns: string[] | null; changes_ics: boolean };

async function catalogue(tx: Tx) {
  const tables = await rows<{ table: string; rls: boolean; forced: boolean; policy_on_ics: boolean }>(tx, sql`
    SELECT c.relname AS table, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
           EXISTS (SELECT 1 FROM pg_policies p WHERE p.schemaname = 'public' AND p.tablename = c.relname
                    AND p.qual LIKE '%ics_id%' AND p.with_check LIKE '%ics_id%') AS policy_on_ics
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`);
  const columns = await rows<Column>(tx, sql`
    SELECT c.relname AS table, a.attname AS column, a.attnotnull AS not_null, format_type(a.atttypid, a.atttypmod) AS type,
           coalesce(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false) OR a.attidentity <> '' AS serial
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped`);
  // Keys, unique and exclusion constraints, foreign keys, and unique indexes that are not constraints ('i').
  const constraints = await rows<Constraint>(tx, sql`
    SELECT t.relname::text AS table, c.conname AS name, c.contype::text AS kind,
           array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS columns,
           (SELECT r.relname::text FROM pg_class r WHERE r.oid = c.confrelid) AS ref_table,
           array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) AS ref_columns,
           -- ON DELETE SET NULL/DEFAULT (unless limited to other columns) or any ON UPDATE action would change ics_id.
           (c.confdeltype IN ('n', 'd') AND (coalesce(cardinality(c.confdelsetcols), 0) = 0
              OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attname = 'ics_id' AND a.attnum = ANY (c.confdelsetcols))))
             OR c.confupdtype IN ('n', 'd', 'c') AS changes_ics
      FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f', 'x')
    UNION ALL
    SELECT (SELECT r.relname::text FROM pg_class r WHERE r.oid = i.indrelid), ic.relname::text, 'i',
           array(SELECT coalesce(a.attname::text, '(expression)') FROM unnest(i.indkey[0:i.indnkeyatts - 1]) WITH ORDINALITY k(n, o) LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o),
           NULL, NULL, false
      FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
     WHERE n.nspname = 'public' AND i.indisunique
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
     ORDER BY 1, 2`);
  const views = await rows<{ name: string; definition: string; invoker: boolean }>(tx, sql`
    SELECT c.relname AS name, pg_get_viewdef(c.oid) AS definition,
           coalesce(array_to_string(c.reloptions, ',') ~* 'security_invoker=(true|on|yes|1)', false) AS invoker
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm') ORDER BY 1`);
  const functions = await rows<{ name: string; body: string; language: string }>(tx, sql`
    SELECT p.proname AS name, p.prosrc AS body, l.lanname AS language
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
     WHERE n.nspname = 'public' AND l.lanname IN ('sql', 'plpgsql')
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
     ORDER BY 1`);
  // Citus 13.2 copies a policy to the shards without AS RESTRICTIVE (decision 0029, third trial), so there it would widen access.
  const restrictive = await rows<{ table: string; name: string }>(tx, sql`
    SELECT tablename AS table, policyname AS name FROM pg_policies WHERE schemaname = 'public' AND permissive = 'RESTRICTIVE' ORDER BY 1, 2`);
  return { tables, columns, constraints, views, functions, restrictive };
}

const KIND = { p: 'primary key', u: 'unique constraint', x: 'exclusion constraint', i: 'unique index', f: 'foreign key' } as const;

/**
 * Every way the schema would stop Citus distributing tenant tables by ics_id
 * or let a query cross tenants, one sentence each naming the table and the
 * constraint, view or function. Empty means ready.
 */
export async function citusReadinessProblems(tx: Tx): Promise<string[]> {
  const { tables, columns, constraints, views, functions, restrictive } = await catalogue(tx);
  const problems: string[] = [];
  const names = new Set(tables.map((t) => t.table));
  const icsColumn = new Map(columns.filter((c) => c.column === 'ics_id').map((c) => [c.table, c]));
  const placement = (table: string) =>
    table in REFERENCE_TABLES ? 'reference' : table in DIRECTORY_TABLES ? 'directory' : table in LOCAL_TABLES ? 'local'
      : icsColumn.has(table) ? 'tenant' : 'unplaced';
  const tenant = new Set(tables.map((t) => t.table).filter((t) => placement(t) === 'tenant'));

  for (const listed of [...REFERENCE_PLACED, ...Object.keys(LOCAL_TABLES)]) {
    if (!names.has(listed)) problems.push(`${listed} is named a reference, directory or local table but does not exist`);
  }
  for (const t of tables) {
    const where = placement(t.table);
    if (where === 'unplaced') problems.push(`${t.table} has no ics_id column and is not named a reference or local table`);
    // A table that holds an ICS's rows is that ICS's, wherever it would sit: left on the coordinator it would escape the key rule below.
    if (where === 'local' && icsColumn.has(t.table)) {
      problems.push(`${t.table} is named a local table but has an ics_id column: an ICS's rows belong in a tenant table keyed with ics_id (or a directory)`);
    }
    if (where === 'local' || where === 'unplaced') continue;
    const tenantColumn = t.table === 'ics' ? 'id' : 'ics_id';
    if (!(t.rls && t.forced && (t.policy_on_ics || t.table === 'ics'))) {
      problems.push(`${t.table} lacks row-level security on ${tenantColumn} (enabled, forced, and a policy on ${tenantColumn})`);
    }
  }
  for (const t of tenant) {
    const ics = icsColumn.get(t)!;
    if (!ics.not_null || ics.type !== 'uuid') problems.push(`${t}.ics_id must be uuid NOT NULL to distribute and colocate by it (is ${ics.type}${ics.not_null ? '' : ', nullable'})`);
    if (!constraints.some((c) => c.table === t && c.kind === 'p')) problems.push(`${t} has no primary key`);
    for (const c of columns.filter((c) => c.table === t && c.serial && c.type !== 'bigint')) {
      problems.push(`${t}.${c.column} draws from a sequence of type ${c.type}: Citus needs bigint sequences on distributed tables`);
    }
  }
  // A directory keeps each of its tenant table's rows in step by a foreign key that carries ics_id.
  for (const [directory, { of }] of Object.entries(DIRECTORY_TABLES)) {
    if (!['tenant', 'reference'].includes(placement(of))) problems.push(`directory ${directory} is for ${of}, which is neither a tenant nor a reference table`);
    else if (!constraints.some((c) => c.kind === 'f' && c.table === of && c.ref_table === directory && c.columns.includes('ics_id'))) {
      problems.push(`${of} has no foreign key on ics_id to its directory ${directory}, so a row could be out of step with it`);
    }
  }
  for (const c of constraints) {
    const from = placement(c.table);
    if (c.kind !== 'f') {
      // Only a directory's keys may leave ics_id out (that is its work: one name, one ICS); a national table's rows with an ics_id keep it in theirs.
      const keyedByIcs = from === 'tenant' || (from === 'reference' && icsColumn.has(c.table));
      if (keyedByIcs && !c.columns.includes('ics_id')) problems.push(`${c.table}: ${KIND[c.kind]} ${c.name} (${c.columns.join(', ')}) does not include ics_id`);
      continue;
    }
    const to = placement(c.ref_table!);
    const fk = `${c.table}: foreign key ${c.name} (${c.columns.join(', ')}) → ${c.ref_table}(${c.ref_columns!.join(', ')})`;
    if (from === 'tenant' && to === 'tenant') {
      const i = c.columns.indexOf('ics_id');
      if (i < 0 || c.ref_columns![i] !== 'ics_id') problems.push(`${fk} does not pair ics_id with ics_id`);
      else if (c.changes_ics) problems.push(`${fk} would change ics_id (ON DELETE SET NULL or SET DEFAULT, or an ON UPDATE action), which Citus refuses on the distribution column`);
    } else if ((from === 'reference' || from === 'directory') && to !== 'reference' && to !== 'directory') {
      problems.push(`${fk}: a reference table may point only at reference tables, not at a ${to} table`);
    } else if (from === 'tenant' && to === 'local') {
      problems.push(`${fk}: a tenant table may not point at a table left on the coordinator`);
    }
  }
  for (const v of views) {
    for (const p of crossTenantReads(v.definition, tenant, false)) problems.push(`view ${v.name} ${p}`);
    if (readsAny(v.definition, tenant) && !v.invoker) problems.push(`view ${v.name} reads tenant tables with its owner's rights (not security_invoker), so row-level security does not apply`);
  }
  // Citus plans a LANGUAGE sql function's statements only when it can inline them, which it cannot
  // for a lookup with parameters; PL/pgSQL runs each statement as a query of its own (issue 24, item 3).
  const distributed = new Set([...tenant, ...REFERENCE_PLACED]);
  for (const f of functions) {
    for (const p of crossTenantReads(f.body, tenant, !(f.name in PRE_TENANT_LOOKUPS))) problems.push(`function ${f.name} ${p}`);
    if (f.language === 'sql' && readsAny(f.body, distributed)) {
      problems.push(`function ${f.name} is LANGUAGE sql and reads a table Citus would hold: Citus cannot plan it; write it in PL/pgSQL`);
    }
  }
  for (const r of restrictive) {
    problems.push(`${r.table}: policy ${r.name} is RESTRICTIVE, which Citus copies to the shards as permissive (it would let rows through there); refuse with a trigger or narrow the permissive policy instead`);
  }
  return problems;
}
