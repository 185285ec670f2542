import { sql, type SQL } from 'drizzle-orm';
import type { PgSession } from 'drizzle-orm/pg-core';
import { rows as read, type Tx } from './client.js';
import { arrayLiteral, copyInOf, copyText, type CopyIn } from './copy.js';

/** Parameters in one statement, at most: the protocol counts them in 16 bits. */
const MOST_PARAMETERS = 60_000;
/** Rows from which COPY into a staging table beats VALUES: it costs two more round trips, and VALUES costs parsing and planning every row. */
const COPY_FROM_ROWS = 500;

type ColumnType = { type: string; array: boolean };
const columnTypes = new Map<string, Promise<Map<string, ColumnType>>>();

/** Each column's type as SQL names it, read once per table (the schema changes only by migration, before serving). */
function typesOf(tx: Tx, table: string): Promise<Map<string, ColumnType>> {
  let types = columnTypes.get(table);
  if (!types) {
    types = read<{ name: string; type: string; array: boolean }>(tx, sql`
      SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, t.typcategory = 'A' AS array
        FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
       WHERE a.attrelid = to_regclass(${table}) AND a.attnum > 0 AND NOT a.attisdropped`)
      .then((found) => new Map(found.map((c) => [c.name, { type: c.type, array: c.array }])));
    columnTypes.set(table, types);
    types.catch(() => columnTypes.delete(table));
  }
  return types;
}

const isJson = (column: ColumnType) => column.type === 'json' || column.type === 'jsonb';

/** One value as a parameter: text in its type's input form, as JSON would give it; a list as itself for an array column. */
function parameter(value: unknown, column: ColumnType, json = isJson(column)): unknown {
  if (value === null || value === undefined) return null;
  if (column.array && Array.isArray(value)) return value;
  if (json || (typeof value === 'object' && !(value instanceof Date))) return JSON.stringify(value);
  return value instanceof Date ? value.toISOString() : String(value);
}

/** The transaction's driver session: it runs a statement given as text and parameters. */
const sessionOf = (tx: Tx) => (tx as unknown as { session: PgSession }).session;

/**
 * Inserts many rows in as few statements as it can, as the transaction's role
 * (row-level security, triggers and constraints apply to every row as they
 * would one at a time). Keys are column names (snake_case), taken from the
 * first row; a key missing from a row is NULL.
 *
 * On PostgreSQL and PGlite, a large batch is COPYed into a temporary staging
 * table (no policy, no index) and moved into the table by one INSERT … SELECT
 * (docs/decisions/0036-imports-copy-into-staging.md). On Citus, and for a few
 * rows, it goes as multi-row VALUES, each value a parameter cast to its
 * column's type: Citus refuses COPY into shards under row-level security, and
 * would make an INSERT … SELECT from a function (json_populate_recordset,
 * unnest) a COPY too (docs/decisions/0028-citus-rules-checked-without-citus.md).
 * VALUES go to the driver as text and parameters, not through Drizzle's
 * builder, which spends tens of microseconds on each parameter.
 *
 * `returning` names columns to give back for every row inserted (in no
 * particular order), so a caller needs no second read of what it wrote.
 */
export async function bulkInsert<T = Record<string, unknown>>(
  tx: Tx, table: string, rows: Record<string, unknown>[], opts: { returning?: readonly string[] } = {},
): Promise<T[]> {
  if (rows.length === 0) return [];
  if (!/^[a-z_]+$/.test(table)) throw new Error(`bad table name ${table}`);
  const columns = Object.keys(rows[0]);
  for (const c of [...columns, ...(opts.returning ?? [])]) if (!/^[a-z_]+$/.test(c)) throw new Error(`bad column name ${c}`);
  const returning = opts.returning?.length ? ` RETURNING ${opts.returning.join(', ')}` : '';
  const types = await typesOf(tx, table);
  const typed = columns.map((c) => {
    const type = types.get(c);
    if (!type) throw new Error(`${table} has no column ${c}`);
    return type;
  });
  const copyIn = rows.length >= COPY_FROM_ROWS ? copyInOf(tx) : undefined;
  if (copyIn) return copyThroughStaging<T>(tx, copyIn, table, columns, typed, rows, returning);
  const casts = typed.map((t) => (t.array ? `::${t.type}` : `::text::${t.type}`));
  const perStatement = Math.max(1, Math.floor(MOST_PARAMETERS / columns.length));
  const out: T[] = [];
  for (let from = 0; from < rows.length; from += perStatement) {
    const params: unknown[] = [];
    const values = rows.slice(from, from + perStatement).map((row) => {
      const cells = columns.map((c, i) => {
        params.push(parameter(row[c], typed[i]));
        return `$${params.length}${casts[i]}`;
      });
      return `(${cells.join(', ')})`;
    });
    const text = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}${returning}`;
    const result = (await sessionOf(tx).prepareQuery({ sql: text, params }, undefined, undefined, false).execute()) as { rows?: T[] };
    if (returning) out.push(...(result.rows ?? []));
  }
  return out;
}

let stagingTables = 0;

/**
 * bulkInsert's large batches off Citus: the rows in COPY's text format into a
 * temporary table of the same column types (gone at commit, or with a
 * savepoint rolled back), then one INSERT … SELECT into the table (RETURNING
 * what the caller asked for). Three round trips whatever the number of rows.
 */
async function copyThroughStaging<T>(
  tx: Tx, copyIn: CopyIn, table: string, columns: string[], typed: ColumnType[], rows: Record<string, unknown>[], returning: string,
): Promise<T[]> {
  const stage = `pg_temp.joinery_stage_${++stagingTables}`;
  const list = columns.join(', ');
  await tx.execute(sql.raw(`CREATE TEMP TABLE ${stage.slice('pg_temp.'.length)} (${columns.map((c, i) => `${c} ${typed[i].type}`).join(', ')}) ON COMMIT DROP`));
  await copyIn(`COPY ${stage} (${list})`, copyData(rows, columns, typed, parameter));
  const result = (await tx.execute(sql.raw(`INSERT INTO ${table} (${list}) SELECT ${list} FROM ${stage}${returning}`))) as unknown as { rows: T[] };
  return returning ? result.rows : [];
}

/** Rows as COPY's text format, each value in its type's input form as `asText` gives it. */
function copyData(rows: Record<string, unknown>[], columns: string[], typed: ColumnType[], asText: (value: unknown, column: ColumnType, json: boolean) => unknown): string {
  const json = typed.map(isJson);
  const lines: string[] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    let line = '';
    for (let i = 0; i < columns.length; i++) {
      const value = asText(row[columns[i]], typed[i], json[i]);
      line += `${i ? '\t' : ''}${copyText(value === null ? null : Array.isArray(value) ? arrayLiteral(value) : (value as string))}`;
    }
    lines[r] = line;
  }
  return `${lines.join('\n')}\n`;
}

/** A value as json_populate_recordset would read it from JSON.stringify: a number JSON cannot hold (NaN, ±Infinity) is null there. */
const asJsonWouldGive = (value: unknown, column: ColumnType, json: boolean): unknown =>
  typeof value === 'number' && !Number.isFinite(value) ? null : parameter(value, column, json);

/**
 * Rows for an INSERT … SELECT that needs more than bulkInsert (ON CONFLICT,
 * RETURNING, a join): COPYed into a temporary staging table of the given
 * column types, returned as something to select FROM (aliased `as`). Undefined
 * where the transaction may not COPY (Citus, or outside a transaction): the
 * caller sends its rows as it did before. Values in each row in column order.
 */
export async function stagedRows(tx: Tx, columns: [name: string, type: string][], rows: unknown[][], as: string): Promise<SQL | undefined> {
  const copyIn = copyInOf(tx);
  if (!copyIn || !rows.length) return undefined;
  for (const [c, t] of columns) if (!/^[a-z_]+$/.test(c) || !/^[a-z ]+(\[\])?$/.test(t)) throw new Error(`bad column ${c} ${t}`);
  if (!/^[a-z]+$/.test(as)) throw new Error(`bad alias ${as}`);
  const stage = `joinery_stage_${++stagingTables}`;
  await tx.execute(sql.raw(`CREATE TEMP TABLE ${stage} (${columns.map(([c, t]) => `${c} ${t}`).join(', ')}) ON COMMIT DROP`));
  const lines = rows.map((row) => row.map((v) => copyText(v === null || v === undefined ? null : String(v))).join('\t'));
  await copyIn(`COPY pg_temp.${stage} (${columns.map(([c]) => c).join(', ')})`, `${lines.join('\n')}\n`);
  return sql.raw(`pg_temp.${stage} AS ${as}`);
}

/**
 * A few rows as one multi-row VALUES statement, each value cast to the type
 * the caller names (text where none is named), built without reading the
 * catalogue so it can travel late with the next statement (writeWithNext).
 * For small batches: Drizzle builds each parameter, which is slow by the thousand.
 */
export function valuesInsertStatement(table: string, types: Record<string, string>, rows: Record<string, unknown>[]): SQL {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`bad table name ${table}`);
  const columns = Object.keys(rows[0]);
  for (const c of columns) if (!/^[a-z_]+$/.test(c)) throw new Error(`bad column name ${c}`);
  const casts = columns.map((c) => sql.raw(`::${types[c] ?? 'text'}`));
  const tuples = rows.map((row) => sql`(${sql.join(columns.map((c, i) => sql`${parameter(row[c], { type: types[c] ?? 'text', array: false })}${casts[i]}`), sql`, `)})`);
  return sql`INSERT INTO ${sql.raw(table)} (${sql.raw(columns.join(', '))}) VALUES ${sql.join(tuples, sql`, `)}`;
}

/**
 * For the database owner only (the synthetic generator, test set-up), whose
 * role row-level security does not hold back. Where COPY may be used
 * (PostgreSQL, PGlite), the rows are COPYed straight into the table: the
 * server reads them as text and writes them many to a page, with their
 * indexes, generated columns and defaults as an INSERT would. Elsewhere
 * (Citus) the whole batch goes as one JSON parameter that
 * json_populate_recordset types by the table's row type, several times faster
 * than VALUES; Citus makes that a COPY, which the owner may do and row-level
 * security would refuse the app; the Citus query check fails any app
 * statement of this shape. Both read every value alike, as JSON would give it.
 */
export async function bulkLoadAsOwner(owner: Tx, table: string, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  if (!/^[a-z_]+$/.test(table)) throw new Error(`bad table name ${table}`);
  const columns = Object.keys(rows[0]);
  for (const c of columns) if (!/^[a-z_]+$/.test(c)) throw new Error(`bad column name ${c}`);
  const copyIn = copyInOf(owner);
  if (copyIn) {
    const types = await typesOf(owner, table);
    const typed = columns.map((c) => {
      const type = types.get(c);
      if (!type) throw new Error(`${table} has no column ${c}`);
      return type;
    });
    return copyIn(`COPY ${table} (${columns.join(', ')})`, copyData(rows, columns, typed, asJsonWouldGive));
  }
  const list = sql.raw(columns.join(', '));
  await owner.execute(
    sql`INSERT INTO ${sql.raw(table)} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${sql.raw(table)}, ${JSON.stringify(rows)}::json)`,
  );
}

/** A text[] from a list of strings, as one JSON parameter: no array literal is ever built by hand. */
export const textArray = (values: readonly string[]) => sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;
