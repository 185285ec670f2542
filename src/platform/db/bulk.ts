import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from './client.js';

/**
 * Inserts many rows in one statement. Rows travel as one JSON parameter and
 * json_populate_recordset types them by the table's own row type, so a batch
 * of thousands costs one round trip on both PGlite and the server.
 * Keys are column names (snake_case).
 */
export async function bulkInsert(tx: Tx, table: string, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.execute(bulkInsertStatement(table, rows));
}

/** bulkInsert's statement, for a caller that sends it its own way (writeWithNext). At least one row. */
export function bulkInsertStatement(table: string, rows: Record<string, unknown>[]): SQL {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`bad table name ${table}`);
  const columns = Object.keys(rows[0]);
  for (const c of columns) if (!/^[a-z_]+$/.test(c)) throw new Error(`bad column name ${c}`);
  const list = sql.raw(columns.join(', '));
  return sql`INSERT INTO ${sql.raw(table)} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${sql.raw(table)}, ${JSON.stringify(rows)}::json)`;
}

/** A text[] from a list of strings, as one JSON parameter: no array literal is ever built by hand. */
export const textArray = (values: readonly string[]) => sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;
