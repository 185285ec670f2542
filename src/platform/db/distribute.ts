import { sql } from 'drizzle-orm';
import { rows, type Database, type Tx } from './client.js';
import { textArray } from './bulk.js';
import { COLOCATION_ANCHOR, LOCAL_TABLES, REFERENCE_PLACED } from './citus-placement.js';

/** Why `joinery distribute` will not run here: the database is not a Citus coordinator. */
export class NotCitus extends Error {}

export type Distribution = {
  citusVersion: string;
  workers: number;
  /** Tables this run made distributed (by ics_id) or reference tables; empty when everything was already placed. */
  distributed: string[];
  reference: string[];
  /** Foreign keys dropped so the tables could be placed, and added back afterwards. */
  foreignKeysReAdded: number;
  /** Whether this run let joinery_app log in (the coordinator opens its connections to the workers as that role). */
  appRoleLogin: boolean;
  /** Every tenant table and reference table, as Citus holds them after the run. */
  tenantTables: number;
  referenceTables: number;
};

type Placed = { table: string; kind: 'distributed' | 'reference' | 'local' };
type ForeignKey = { table: string; name: string; definition: string; references: string };

/** The installed Citus version on the coordinator, or why this database is not one. */
async function citusCoordinator(db: Database): Promise<{ version: string; workers: number }> {
  if (db.kind === 'pglite') throw new NotCitus('joinery distribute needs a Citus coordinator: this is the embedded database (PGlite), which runs on one machine and cannot be distributed. Set DATABASE_URL to the coordinator.');
  const [found] = await rows<{ version: string | null; server: string }>(db.owner,
    sql`SELECT (SELECT extversion FROM pg_extension WHERE extname = 'citus') AS version, current_setting('server_version') AS server`);
  if (!found.version) {
    throw new NotCitus(`joinery distribute needs a Citus coordinator: this database (PostgreSQL ${found.server}) has no citus extension. Nothing was changed. On the coordinator, load Citus (shared_preload_libraries = 'citus'), run CREATE EXTENSION citus and add the workers, then run joinery distribute again.`);
  }
  const [{ coordinator, workers }] = await rows<{ coordinator: boolean; workers: number }>(db.owner,
    sql`SELECT citus_is_coordinator() AS coordinator, (SELECT count(*)::int FROM pg_dist_node WHERE groupid <> 0 AND noderole = 'primary' AND isactive) AS workers`);
  if (!coordinator) throw new NotCitus('joinery distribute runs on the Citus coordinator, and this database is a worker. Nothing was changed.');
  return { version: found.version, workers };
}

/** How Citus holds each table now: hash-distributed, reference, or a Citus local table. */
async function placedTables(tx: Tx): Promise<Map<string, Placed['kind']>> {
  const placed = await rows<Placed>(tx, sql`
    SELECT p.logicalrelid::regclass::text AS table,
           CASE WHEN p.partmethod = 'h' THEN 'distributed' WHEN p.repmodel = 't' THEN 'reference' ELSE 'local' END AS kind
      FROM pg_dist_partition p`);
  return new Map(placed.map((p) => [p.table, p.kind]));
}

/** Every table of the schema and whether it has an ics_id column. */
async function schemaTables(tx: Tx): Promise<{ table: string; tenant: boolean }[]> {
  return rows(tx, sql`
    SELECT c.relname AS table,
           EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'ics_id' AND NOT a.attisdropped) AS tenant
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
     ORDER BY 1`);
}

/** The foreign keys from or to any of the tables, with their definitions, so they can be dropped and added back. */
async function foreignKeysTouching(tx: Tx, tables: string[]): Promise<ForeignKey[]> {
  return rows<ForeignKey>(tx, sql`
    SELECT t.relname AS table, c.conname AS name, pg_get_constraintdef(c.oid) AS definition, r.relname AS references
      FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'public' AND c.contype = 'f'
       AND (t.relname = ANY (${textArray(tables)}) OR r.relname = ANY (${textArray(tables)}))
     ORDER BY 1, 2`);
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Distributes every tenant table by ics_id (colocated with child) and makes
 * the national tables and the directories reference tables, on a Citus coordinator. In one
 * transaction: the foreign keys touching a table still to be placed are
 * dropped first (a key to `ics` made before `ics` is a reference table would
 * turn every connected table into a Citus local table, and a key to a parent
 * not yet distributed is refused), the tables are placed, and the keys are
 * added back, which checks every row again. Tables already placed are left
 * alone, so a second run changes nothing.
 */
export async function distribute(db: Database): Promise<Distribution> {
  const { version, workers } = await citusCoordinator(db);
  return db.owner.transaction(async (raw) => {
    const tx = raw as unknown as Tx;
    // DDL on a reference table after parallel work on distributed ones in one transaction needs one connection per node.
    await tx.execute(sql`SET LOCAL citus.multi_shard_modify_mode TO 'sequential'`);
    // The frozen-record guard and the audit triggers fire on the shards; each reads only rows of its own ICS (decision 0009).
    await tx.execute(sql`SET LOCAL citus.enable_unsafe_triggers TO on`);
    const placed = await placedTables(tx);
    const tables = await schemaTables(tx);
    const names = new Set(tables.map((t) => t.table));
    // The directories (sign-in names) are reference tables too: every node answers "which ICS?" (decision 0034).
    const reference = REFERENCE_PLACED.filter((t) => names.has(t));
    const tenant = tables.filter((t) => t.tenant && !REFERENCE_PLACED.includes(t.table) && !(t.table in LOCAL_TABLES)).map((t) => t.table);
    if (!tenant.includes(COLOCATION_ANCHOR)) throw new Error(`The schema has no ${COLOCATION_ANCHOR} table: run joinery migrate first.`);
    // The anchor first, so every other tenant table can be colocated with it.
    const toDistribute = [COLOCATION_ANCHOR, ...tenant.filter((t) => t !== COLOCATION_ANCHOR)].filter((t) => placed.get(t) !== 'distributed');
    const toReference = reference.filter((t) => placed.get(t) !== 'reference');
    const wrong = [...toDistribute, ...toReference].filter((t) => placed.has(t));
    if (wrong.length) {
      throw new Error(`Citus already holds ${wrong.map((t) => `${t} as a ${placed.get(t)} table`).join(', ')}: undo that with SELECT undistribute_table('…', cascade_via_foreign_keys => true) and run joinery distribute again. Nothing was changed.`);
    }
    const keys = await foreignKeysTouching(tx, [...toDistribute, ...toReference]);
    for (const k of keys) await tx.execute(sql.raw(`ALTER TABLE ${quoted(k.table)} DROP CONSTRAINT ${quoted(k.name)}`));
    for (const t of toDistribute) {
      const colocate = t === COLOCATION_ANCHOR ? 'none' : COLOCATION_ANCHOR;
      await tx.execute(sql`SELECT create_distributed_table(${t}::regclass, 'ics_id', colocate_with => ${colocate})`);
    }
    for (const t of toReference) await tx.execute(sql`SELECT create_reference_table(${t}::regclass)`);
    for (const k of keys) await tx.execute(sql.raw(`ALTER TABLE ${quoted(k.table)} ADD CONSTRAINT ${quoted(k.name)} ${k.definition}`));
    // The coordinator reaches the workers as the transaction's role: joinery_app must be able to log in there (ALTER ROLE reaches every node).
    const [{ login }] = await rows<{ login: boolean }>(tx, sql`SELECT rolcanlogin AS login FROM pg_roles WHERE rolname = 'joinery_app'`);
    if (!login) await tx.execute(sql`ALTER ROLE joinery_app LOGIN`);
    const after = await placedTables(tx);
    const count = (kind: Placed['kind'], list: string[]) => list.filter((t) => after.get(t) === kind).length;
    return {
      citusVersion: version,
      workers,
      distributed: toDistribute,
      reference: toReference,
      foreignKeysReAdded: keys.length,
      appRoleLogin: !login,
      tenantTables: count('distributed', tenant),
      referenceTables: count('reference', reference),
    };
  });
}
