import fs from 'node:fs';
import readline from 'node:readline';
import { sql } from 'drizzle-orm';
import { rows, type Database, type Tx } from './client.js';
import { migrationVersion } from './migrate.js';

/**
 * Backups as plain SQL that psql can also restore on any PostgreSQL server:
 * the data of every table (COPY … FROM stdin blocks) and the sequences, for a
 * database whose tables the migrations make. The schema is not in the file:
 * the header names the migration it needs, and `joinery restore` (or
 * `joinery migrate` before psql) makes it.
 */

const FORMAT = '-- Joinery backup, format 1';
const BATCH = 2000;

type Column = { name: string; type: string };
type Table = { name: string; columns: Column[] };

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The tables with data of their own (not partitioned parents), with their stored (not generated) columns, in name order. */
async function tables(tx: Tx): Promise<Table[]> {
  const found = await rows<{ table: string; column: string; type: string }>(tx, sql`
    SELECT c.relname AS "table", a.attname AS "column", format_type(a.atttypid, a.atttypmod) AS "type"
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
     WHERE n.nspname = 'public' AND c.relkind = 'r'
     ORDER BY c.relname, a.attnum`);
  const byName = new Map<string, Table>();
  for (const f of found) {
    if (!byName.has(f.table)) byName.set(f.table, { name: f.table, columns: [] });
    byName.get(f.table)!.columns.push({ name: f.column, type: f.type });
  }
  return [...byName.values()];
}

/** A column as one field of COPY's text format: \N for null; backslash, tab, newline and return escaped. */
const copyField = (column: string) =>
  `coalesce(replace(replace(replace(replace(${ident(column)}::text, '\\', '\\\\'), E'\\t', '\\t'), E'\\n', '\\n'), E'\\r', '\\r'), '\\N')`;

export type BackupSummary = { migration: string; tables: number; rows: number };

/** Writes the whole database to file, from one consistent snapshot. */
export async function backup(db: Database, file: string): Promise<BackupSummary> {
  const migration = await migrationVersion(db);
  const out = fs.createWriteStream(file, { mode: 0o600 });
  const write = (text: string) => new Promise<void>((resolve, reject) => (out.write(text) ? resolve() : out.once('drain', resolve), out.once('error', reject)));
  let total = 0;
  try {
    const all = await db.owner.transaction(async (tx) => {
      if (db.kind === 'postgres') await tx.execute(sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`);
      const list = await tables(tx);
      await write(`${FORMAT}\n-- Migration: ${migration}\n-- Made: ${new Date().toISOString()}\n` +
        `-- To restore: joinery restore FILE; or on a PostgreSQL server, run joinery migrate (with DATABASE_URL at an empty\n` +
        `-- database, using the Joinery version of that migration) and then: psql -v ON_ERROR_STOP=1 -f FILE\n` +
        `BEGIN;\nSET session_replication_role = replica;\nTRUNCATE ${list.map((t) => `public.${ident(t.name)}`).join(', ')};\n`);
      for (const table of list) {
        const columns = table.columns.map((c) => ident(c.name));
        await write(`\nCOPY public.${ident(table.name)} (${columns.join(', ')}) FROM stdin;\n`);
        await tx.execute(sql.raw(`DECLARE joinery_backup NO SCROLL CURSOR FOR SELECT concat_ws(E'\\t', ${table.columns.map((c) => copyField(c.name)).join(', ')}) AS line FROM public.${ident(table.name)}`));
        for (;;) {
          const batch = await rows<{ line: string }>(tx, sql.raw(`FETCH ${BATCH} FROM joinery_backup`));
          if (batch.length) await write(batch.map((r) => `${r.line}\n`).join(''));
          total += batch.length;
          if (batch.length < BATCH) break;
        }
        await tx.execute(sql.raw('CLOSE joinery_backup'));
        await write('\\.\n');
      }
      const sequences = await rows<{ name: string; value: string | null }>(tx, sql`
        SELECT sequencename AS name, last_value::text AS value FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename`);
      await write('\n' + sequences.filter((s) => s.value !== null).map((s) => `SELECT pg_catalog.setval('public.${ident(s.name)}', ${s.value}, true);\n`).join(''));
      await write('COMMIT;\n');
      return list;
    });
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    return { migration, tables: all.length, rows: total };
  } catch (e) {
    out.destroy();
    fs.rmSync(file, { force: true });
    throw e;
  }
}

export class RestoreError extends Error {}

/** One line of COPY text format back into its fields (null for \N). */
function copyFields(line: string): (string | null)[] {
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v' };
  return line.split('\t').map((f) => (f === '\\N' ? null : f.replace(/\\(.)/g, (_, c: string) => escapes[c] ?? c)));
}

/** Whether the database holds an ICS: restoring over one needs the operator to say so. */
export async function holdsData(db: Database): Promise<boolean> {
  return (await rows<{ any: boolean }>(db.owner, sql`SELECT EXISTS (SELECT 1 FROM ics) AS any`))[0].any;
}

/**
 * Loads a backup into a migrated database, in one transaction (a bad file
 * changes nothing). Every table is emptied first; the backup's migration must
 * be the database's.
 */
export async function restore(db: Database, file: string): Promise<BackupSummary> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  const iterator = lines[Symbol.asyncIterator]();
  const next = async () => {
    const r = await iterator.next();
    return r.done ? undefined : (r.value as string);
  };
  if ((await next()) !== FORMAT) throw new RestoreError(`${file} is not a Joinery backup (its first line should be "${FORMAT}").`);
  const migration = /^-- Migration: (\S+)$/.exec((await next()) ?? '')?.[1];
  const current = await migrationVersion(db);
  if (migration !== current) {
    throw new RestoreError(`The backup was made at migration ${migration ?? 'unknown'}, but this database is at ${current}. ` +
      'Restore it with the Joinery version that made it, then upgrade.');
  }
  let tableCount = 0;
  let total = 0;
  try {
    await db.owner.transaction(async (tx) => {
      const known = new Map((await tables(tx)).map((t) => [t.name, t]));
      await tx.execute(sql.raw(`SET LOCAL session_replication_role = replica`));
      await tx.execute(sql.raw(`TRUNCATE ${[...known.keys()].map((t) => `public.${ident(t)}`).join(', ')}`));
      let ended = false;
      for (let line = await next(); line !== undefined; line = await next()) {
        ended = line === 'COMMIT;';
        const copy = /^COPY public\.("(?:[^"]|"")+") \((.*)\) FROM stdin;$/.exec(line);
        const setval = /^SELECT pg_catalog\.setval\('public\.("(?:[^"]|"")+")', (\d+), true\);$/.exec(line);
        if (setval) {
          await tx.execute(sql`SELECT pg_catalog.setval(${`public.${setval[1]}`}, ${setval[2]}::bigint, true)`);
        } else if (copy) {
          const table = known.get(copy[1].slice(1, -1).replace(/""/g, '"'));
          if (!table) throw new RestoreError(`The backup has a table this database does not: ${copy[1]}.`);
          const names = copy[2].split(', ').map((n) => n.slice(1, -1).replace(/""/g, '"'));
          const missing = names.filter((n) => !table.columns.some((c) => c.name === n));
          if (missing.length) throw new RestoreError(`The backup has columns ${table.name} does not: ${missing.join(', ')}.`);
          const columns = names.map((n) => table.columns.find((c) => c.name === n)!);
          const insert = async (batch: (string | null)[][]) => {
            if (!batch.length) return;
            // Each value goes in as text and is cast to its column's type, as COPY itself reads it.
            await tx.execute(sql`${sql.raw(`INSERT INTO public.${ident(table.name)} (${columns.map((c) => ident(c.name)).join(', ')}) OVERRIDING SYSTEM VALUE
              SELECT ${columns.map((c, i) => `(r->>${i})::${c.type}`).join(', ')}`)} FROM json_array_elements(${JSON.stringify(batch)}::json) AS r`);
            total += batch.length;
          };
          let batch: (string | null)[][] = [];
          for (let row = await next(); row !== '\\.'; row = await next()) {
            if (row === undefined) throw new RestoreError(`The backup ends inside table ${table.name}: the file is cut short.`);
            const fields = copyFields(row);
            if (fields.length !== columns.length) throw new RestoreError(`A row of ${table.name} has ${fields.length} fields, not ${columns.length}.`);
            batch.push(fields);
            if (batch.length === BATCH) {
              await insert(batch);
              batch = [];
            }
          }
          await insert(batch);
          tableCount++;
        }
      }
      // A backup ends with COMMIT: without it the file was cut short, perhaps between two tables.
      if (!ended) throw new RestoreError('The backup does not end with COMMIT: the file is cut short.');
    });
  } finally {
    lines.close();
  }
  return { migration: current, tables: tableCount, rows: total };
}
