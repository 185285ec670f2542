import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';

/**
 * A first ICS into empty tables is a bulk load: adding rows one by one to
 * every index of tables that end with millions of rows, in random key order,
 * costs far more than building each index once from the finished table (a
 * sort), and more again once the indexes outgrow the server's memory.
 *
 * So when every table given is empty, its indexes that back no constraint
 * (keys, unique constraints and those a foreign key points at stay) are
 * dropped inside the generator's transaction and built again from their own
 * definitions before anything reads them. Nobody else sees the tables
 * meanwhile (the drop holds them until commit, and they were empty), a
 * failure rolls the drop back with everything else, and the rows written are
 * the same either way. A unique index built at the end refuses a duplicate as
 * the row-by-row check would, failing the transaction. With any other ICS in
 * the database (even one set up with no children yet), or on Citus, nothing
 * is deferred: holding a live ICS's tables for the whole generation would
 * stop its users.
 */
export async function deferIndexesOfEmptyTables(
  tx: Tx, icsId: string, tables: readonly string[], opts: { citus: boolean; server: boolean },
): Promise<() => Promise<number>> {
  const nothing = async () => 0;
  if (opts.citus || tables.length === 0) return nothing;
  for (const t of tables) if (!/^[a-z_]+$/.test(t)) throw new Error(`bad table name ${t}`);
  const [{ others }] = await rows<{ others: boolean }>(tx, sql`SELECT EXISTS (SELECT 1 FROM ics WHERE id <> ${icsId}::uuid) AS others`);
  if (others) return nothing;
  const [{ empty }] = await rows<{ empty: boolean }>(tx, sql.raw(`SELECT NOT (${tables.map((t) => `EXISTS (SELECT 1 FROM ${t})`).join(' OR ')}) AS empty`));
  if (!empty) return nothing;
  const indexes = await rows<{ name: string; definition: string }>(tx, sql`
    SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
      FROM pg_index i
     WHERE i.indrelid = ANY(${sql.raw(`ARRAY[${tables.map((t) => `'${t}'`).join(', ')}]`)}::regclass[])
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
     ORDER BY 1`);
  if (indexes.length === 0) return nothing;
  await tx.execute(sql.raw(`DROP INDEX ${indexes.map((i) => i.name).join(', ')}`));
  return async () => {
    // Each build sorts its whole table: on a server, room to sort in memory (this transaction only).
    if (opts.server) await tx.execute(sql`SET LOCAL maintenance_work_mem = '512MB'`);
    for (const i of indexes) await tx.execute(sql.raw(i.definition));
    return indexes.length;
  };
}
