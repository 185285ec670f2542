import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import { rows, type Database, type Tx } from '../../platform/db/client.js';
import { stagedRows } from '../../platform/db/bulk.js';
import { checkRow, readHeader, ageOn, reasonDescribed, type ActivityRow, type ColumnIndex } from './activity-row.js';
import { addFedContacts, type FedContact } from '../../record/service.js';
import type { ContactType } from '../../record/index.js';
import { COUNTED_CONTACT_TYPES } from '../counted-contacts.js';
import { CsvFileError, csvQuote, readCsv, type CsvRecord } from './csv.js';
import { activityMonths, rollUpAddedEvents, type MonthRange } from '../rollups/rollup.js';

/**
 * `joinery import activity`: real activity from a CSV (docs/activity-csv.md)
 * into activity_event, with the monthly rollups kept up to date.
 *
 * The file is streamed and written a batch at a time. Each batch is one
 * transaction: its rows (INSERT … ON CONFLICT DO NOTHING on the sender's ids,
 * so nothing is added twice) and the rollups of the months it added to. A
 * crash loses at most the batch in flight, and importing the file again
 * completes it. Rows that cannot be taken go to a reject file with their line
 * numbers and reasons.
 *
 * A batch goes in as several statements of up to STATEMENT_ROWS rows, read
 * and checked while the one before is written, so memory stays flat however
 * large a batch is. The rows a batch added are kept in a temporary table
 * for its rollup: event counts that only add up take just those rows, but
 * 7-day re-attendances, the 12-month counts (over the year after) and the
 * area totals are rewritten for the months touched, which costs more than
 * the rows. So batches are large: a month's extract at 500,000 children
 * (~160,000 events) is one batch, one rollup. While rollups still take
 * longer than the rows, batches double, up to MAX_BATCH_ROWS.
 */

export { monthRuns } from '../rollups/rollup.js';

export const DEFAULT_SOURCE = 'urn:joinery:csv';
/** Rows in the first transaction (with one rollup): about a month of activity at 500,000 children. */
export const DEFAULT_BATCH_ROWS = 200_000;
/** The most a batch grows to: a crash costs at most this much work again. */
const MAX_BATCH_ROWS = 1_600_000;
/** Rows an INSERT statement (and held in memory, twice: one written while the next is read). */
const STATEMENT_ROWS = 25_000;
/** Rejects kept in memory for the summary; all of them go to the reject file. */
const REJECTS_KEPT = 100;

export type ActivityImportOptions = {
  /** The sender's namespace for source_id (activity_event.source_system). */
  source?: string;
  /** Rows a transaction (whole statements, so a batch may run a little over); fixed when given, else from 200,000 growing as rollups need. */
  batchRows?: number;
  /** Rows an INSERT statement; default 25,000. */
  statementRows?: number;
  /** Where rejected rows go; default FILE.rejects.csv next to the input. */
  rejectFile?: string;
  /** The time activity may not be after; default now. */
  now?: Date;
  onProgress?: (bytesRead: number, totalBytes: number, stage: string) => void;
  /** Tests: fail inside the transaction of the batch after this many have committed (after its insert and rollup), as a crash would. */
  crashAfterBatches?: number;
};

export type ActivityImportSummary = {
  /** Data rows read (not the header or blank lines). */
  rows: number;
  added: number;
  /** Rows already imported from this source: left as they were. */
  unchanged: number;
  rejected: number;
  /** The first rejects, by line; the reject file has them all. */
  rejects: { line: number; reasons: string[] }[];
  rejectFile: string | null;
  batches: number;
  /** The months whose rollups were rewritten (first to last), or null when nothing was added. */
  months: MonthRange | null;
  seconds: number;
  /** Of which rewriting rollups. */
  rollupSeconds: number;
};

/** The file will not do as a whole (missing, empty, a bad header, a quote left open): a usage error, exit 2. */
export class ActivityFileError extends Error {}

export const rejectFileFor = (file: string) => (/\.csv$/i.test(file) ? file.replace(/\.csv$/i, '.rejects.csv') : `${file}.rejects.csv`);

/** The header's columns, read before anything is written; ActivityFileError when it will not do. */
export async function readActivityHeader(file: string): Promise<{ header: string[]; columns: ColumnIndex }> {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new ActivityFileError(`No such file: ${file}`);
  for await (const { records } of readCsv(file)) {
    if (records.length) return headerOf(records[0]);
  }
  throw new ActivityFileError(`${file} is empty: the first line must be the header (source_id,nhs_number,type,occurred_at,…).`);
}

function headerOf(record: CsvRecord): { header: string[]; columns: ColumnIndex } {
  if (record.error) throw new ActivityFileError(`Line ${record.line} (the header): ${record.error}.`);
  const columns = readHeader(record.fields);
  if (typeof columns === 'string') throw new ActivityFileError(columns);
  return { header: record.fields, columns };
}

type Checked = { line: number; fields: string[]; row: ActivityRow };
type Reject = { line: number; fields: string[]; reasons: string[] };
/** Rows for one statement: those checked on their own, those already rejected, and how far into the file they reach. */
type Chunk = { checked: Checked[]; rejects: Reject[]; bytesRead: number };

type Child = { id: string; dob: string; practiceId: string | null; clusterId: string | null; frozen: boolean };
type Organisation = { id: string; kind: string; clusterId: string | null };

/** Children and organisations by NHS number and ODS code: one query a statement's rows, organisations remembered throughout. */
class Lookups {
  private organisations = new Map<string, Organisation | null>();
  constructor(private icsId: string) {}

  async children(tx: Tx, nhsNumbers: string[]): Promise<Map<string, Child>> {
    const found = await rows<{ nhs_number: string; id: string; dob: string; practice_id: string | null; cluster_id: string | null; frozen: boolean }>(tx, sql`
      SELECT c.nhs_number, c.id, c.date_of_birth::text AS dob, c.registered_practice_id AS practice_id, cp.cluster_id,
             EXISTS (SELECT 1 FROM record_freeze f WHERE f.ics_id = c.ics_id AND f.child_id = c.id AND f.lifted_at IS NULL) AS frozen
        FROM child c
        LEFT JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
       WHERE c.ics_id = ${this.icsId}::uuid AND c.nhs_number = ANY(${sql.param(nhsNumbers)}::text[])`);
    return new Map(found.map((c) => [c.nhs_number, { id: c.id, dob: c.dob, practiceId: c.practice_id, clusterId: c.cluster_id, frozen: c.frozen }]));
  }

  async organisationsFor(tx: Tx, codes: Iterable<string>): Promise<Map<string, Organisation | null>> {
    const wanted = [...new Set(codes)].filter((c) => !this.organisations.has(c));
    if (wanted.length) {
      const found = await rows<{ ods_code: string; id: string; kind: string; cluster_id: string | null }>(tx, sql`
        SELECT o.ods_code, o.id, o.kind, cp.cluster_id
          FROM organisation o
          LEFT JOIN cluster_practice cp ON cp.ics_id = o.ics_id AND cp.practice_id = o.id
         WHERE o.ics_id = ${this.icsId}::uuid AND o.ods_code = ANY(${sql.param(wanted)}::text[])`);
      for (const code of wanted) this.organisations.set(code, null);
      for (const o of found) this.organisations.set(o.ods_code, { id: o.id, kind: o.kind, clusterId: o.cluster_id });
    }
    return this.organisations;
  }
}

/** Rejected rows as CSV: line, reason, then the row's own fields, so the file can be mended and sent again. */
class RejectFile {
  private fd: number | null = null;
  constructor(readonly path: string, private header: string[]) {
    fs.rmSync(path, { force: true }); // an earlier run's rejects would mislead
  }

  write(rejects: Reject[]): void {
    if (!rejects.length) return;
    // Fields are written as they came (no spreadsheet formula guard as src/platform/http/csv.ts adds): the file is for mending and re-importing.
    const lines = rejects.map((r) => [String(r.line), r.reasons.join('; '), ...r.fields].map(csvQuote).join(','));
    if (this.fd === null) {
      this.fd = fs.openSync(this.path, 'w');
      fs.writeSync(this.fd, `${['line', 'reason', ...this.header].map(csvQuote).join(',')}\r\n`);
    }
    fs.writeSync(this.fd, `${lines.join('\r\n')}\r\n`);
  }

  close(): string | null {
    if (this.fd === null) return null;
    fs.closeSync(this.fd);
    return this.path;
  }
}

/** What the batches' lookups and rollups read: without statistics the planner takes them for empty and a rollup takes seconds, not milliseconds. */
const PLANNED_TABLES = ['activity_event', 'child', 'cluster_practice', 'organisation', 'record_entry'];

/**
 * Keeps the planner's statistics near the truth while a large file goes in:
 * tables never analysed (PGlite has no autovacuum; a server's may not have
 * run yet) at the start, and activity_event again, inside the batch before
 * its rollup (ANALYZE sees the transaction's own rows), whenever it has grown
 * by a fifth: autovacuum would, but too late for the next rollup.
 */
class Statistics {
  private estimate = 0;
  private grown = 0;
  constructor(private db: Database) {}

  async start(): Promise<void> {
    const tables = await rows<{ relname: string; reltuples: number }>(this.db.owner, sql`
      SELECT relname, reltuples::float8 AS reltuples FROM pg_class
       WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND relname = ANY(${sql.param(PLANNED_TABLES)}::text[])`);
    for (const t of tables.filter((t) => t.reltuples < 0)) await this.db.owner.execute(sql.raw(`ANALYZE ${t.relname}`));
    this.estimate = Math.max(0, tables.find((t) => t.relname === 'activity_event')?.reltuples ?? 0);
  }

  /** Before a rollup, with the rows the batch has added so far (counted once: a batch that fails is rare). */
  async beforeRollup(tx: Tx, added: number): Promise<void> {
    this.grown += added;
    if (this.grown < Math.max(10_000, this.estimate / 5)) return;
    // On Citus an ANALYZE after reading a reference table with a key to it must run over one connection a worker (decision 0029);
    // off Citus the setting is an unused placeholder.
    await tx.execute(sql`SET LOCAL citus.multi_shard_modify_mode TO 'sequential'`);
    await tx.execute(sql`ANALYZE activity_event`);
    this.estimate += this.grown;
    this.grown = 0;
  }
}

/** Imports an activity CSV into the ICS. Throws ActivityFileError (nothing written) when the file will not do. */
export async function importActivity(db: Database, icsId: string, file: string, opts: ActivityImportOptions = {}): Promise<ActivityImportSummary> {
  const started = performance.now();
  const { header, columns } = await readActivityHeader(file);
  const totalBytes = fs.statSync(file).size;
  const source = opts.source ?? DEFAULT_SOURCE;
  let batchRows = Math.max(1, opts.batchRows ?? DEFAULT_BATCH_ROWS);
  const chunkRows = Math.max(1, Math.min(batchRows, opts.statementRows ?? STATEMENT_ROWS));
  const now = (opts.now ?? new Date()).getTime();
  const summary: ActivityImportSummary = {
    rows: 0, added: 0, unchanged: 0, rejected: 0, rejects: [], rejectFile: null, batches: 0, months: null, seconds: 0, rollupSeconds: 0,
  };
  const lookups = new Lookups(icsId);
  const statistics = new Statistics(db);
  await statistics.start();
  const rejectFile = new RejectFile(opts.rejectFile ?? rejectFileFor(file), header);
  opts.onProgress?.(0, totalBytes, '');

  /** The file's rows, checked on their own, a statement's worth at a time (the header skipped: it was checked above). */
  async function* chunks(): AsyncGenerator<Chunk> {
    let chunk: Chunk = { checked: [], rejects: [], bytesRead: 0 };
    let seenHeader = false;
    for await (const { records, bytesRead } of readCsv(file)) {
      for (const r of records) {
        if (!seenHeader) {
          seenHeader = true;
          continue;
        }
        summary.rows++;
        if (r.error) chunk.rejects.push({ line: r.line, fields: r.fields, reasons: [r.error] });
        else if (r.fields.length !== header.length) {
          chunk.rejects.push({ line: r.line, fields: r.fields, reasons: [`the row has ${r.fields.length} field${r.fields.length === 1 ? '' : 's'}, the header ${header.length}`] });
        } else {
          const row = checkRow(r.fields, columns, now);
          if (Array.isArray(row)) chunk.rejects.push({ line: r.line, fields: r.fields, reasons: row });
          else chunk.checked.push({ line: r.line, fields: r.fields, row });
        }
        if (chunk.checked.length + chunk.rejects.length >= chunkRows) {
          chunk.bytesRead = bytesRead;
          yield chunk;
          chunk = { checked: [], rejects: [], bytesRead: 0 };
        }
      }
    }
    chunk.bytesRead = totalBytes;
    if (chunk.checked.length || chunk.rejects.length) yield chunk;
  }

  /**
   * Rejects go to the file as soon as their chunk is looked up, before the
   * batch commits: should it not, the rerun rewrites the reject file anyway.
   */
  const reject = (rejects: Reject[]) => {
    rejects.sort((a, b) => a.line - b.line);
    summary.rejected += rejects.length;
    for (const r of rejects.slice(0, Math.max(0, REJECTS_KEPT - summary.rejects.length))) summary.rejects.push({ line: r.line, reasons: r.reasons });
    rejectFile.write(rejects);
  };

  // The next chunk is read and checked while the database writes this one.
  const source$ = chunks()[Symbol.asyncIterator]();
  const pull = () => {
    const next = source$.next();
    next.catch(() => undefined); // awaited in turn; this only stops an unhandled-rejection warning meanwhile
    return next;
  };
  let ahead = pull();
  try {
    for (let n = 0; ; n++) {
      const first = await ahead;
      if (first.done) break;
      const batchStarted = performance.now();
      const batch = await db.owner.transaction(async (txn) => {
        const tx = txn as unknown as Tx;
        const before = await activityMonths(tx, icsId);
        await holdAddedRows(tx);
        const added = new Map<string, number>();
        let rowsIn = 0;
        let valid = 0;
        for (let chunk = first.value; ;) {
          ahead = pull();
          const written = await writeChunk(tx, icsId, source, lookups, chunk);
          valid += written.valid;
          for (const a of written.added) added.set(a.month, (added.get(a.month) ?? 0) + a.n);
          rowsIn += chunk.checked.length + chunk.rejects.length;
          reject(chunk.rejects);
          opts.onProgress?.(chunk.bytesRead, totalBytes, `${summary.added.toLocaleString('en-GB')} added`);
          if (rowsIn >= batchRows) break;
          const next = await ahead;
          if (next.done) break;
          chunk = next.value;
        }
        const count = [...added.values()].reduce((a, b) => a + b, 0);
        const t0 = performance.now();
        if (count) await statistics.beforeRollup(tx, count);
        const runs = await rollUpAddedEvents(tx, icsId, ADDED, before, [...added.keys()]);
        const rollupSeconds = count ? (performance.now() - t0) / 1000 : 0;
        if (n === opts.crashAfterBatches) throw new Error('Simulated crash: the batch was written and rolled up, then its transaction failed before committing.');
        return { valid, added: count, runs, rollupSeconds };
      });
      summary.batches++;
      summary.added += batch.added;
      summary.unchanged += batch.valid - batch.added;
      summary.rollupSeconds += batch.rollupSeconds;
      const writeSeconds = (performance.now() - batchStarted) / 1000 - batch.rollupSeconds;
      if (opts.batchRows === undefined && batch.rollupSeconds > writeSeconds) batchRows = Math.min(MAX_BATCH_ROWS, batchRows * 2);
      for (const run of batch.runs) {
        summary.months = summary.months
          ? { from: [summary.months.from, run.from].sort()[0], to: [summary.months.to, run.to].sort()[1] }
          : { ...run };
      }
    }
  } catch (e) {
    if (e instanceof CsvFileError) throw new ActivityFileError(`${e.message} Rows before line ${e.line} were imported in whole batches; mend the file and import it again.`);
    throw e;
  } finally {
    await source$.return?.(undefined).catch(() => undefined); // closes the file when the import stops early
    summary.rejectFile = rejectFile.close();
  }
  opts.onProgress?.(totalBytes, totalBytes, `${summary.added.toLocaleString('en-GB')} added`);
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

/**
 * One statement's rows in the batch's transaction: finds the children and
 * organisations, rejects the rows they rule out (into chunk.rejects), and
 * inserts the rest, skipping those already there. Returns the months added to.
 */
/** The rows this batch's transaction added (only those: a row sent again is not in it), for its rollup. */
const ADDED = sql.raw('batch_added_activity');
/** A statement's rows as they go in: the columns of activity_event the file gives, with their types. */
const EVENT_COLUMNS: [string, string][] = [['child_id', 'uuid'], ['type', 'text'], ['occurred_at', 'timestamptz'], ['month', 'date'],
  ['age_years', 'smallint'], ['practice_id', 'uuid'], ['cluster_id', 'uuid'], ['organisation_id', 'uuid'], ['reason_code', 'text'],
  ['emergency', 'boolean'], ['bed_days', 'smallint'], ['first_attendance', 'boolean'], ['source_id', 'text'], ['contact_id', 'uuid']];
const holdAddedRows = (tx: Tx) => tx.execute(sql`CREATE TEMP TABLE ${ADDED} (LIKE activity_event) ON COMMIT DROP`);

async function writeChunk(
  tx: Tx, icsId: string, source: string, lookups: Lookups, chunk: Chunk,
): Promise<{ valid: number; added: { month: string; n: number }[] }> {
  const children = chunk.checked.length ? await lookups.children(tx, [...new Set(chunk.checked.map((c) => c.row.nhsNumber))]) : new Map<string, Child>();
  const codes = chunk.checked.flatMap((c) => [c.row.practiceOds, c.row.organisationOds]).filter((c): c is string => c !== null);
  const organisations = await lookups.organisationsFor(tx, codes);

  const cols = {
    child: [] as string[], type: [] as string[], at: [] as string[], month: [] as string[], age: [] as number[], practice: [] as string[],
    cluster: [] as (string | null)[], organisation: [] as (string | null)[], reason: [] as (string | null)[], emergency: [] as (boolean | null)[],
    bedDays: [] as (number | null)[], first: [] as (boolean | null)[], sourceId: [] as string[],
  };
  // Every row but a prescription is a contact: it goes into the child's record too, and its event points at it.
  const contacts: FedContact[] = [];
  for (const { line, fields, row } of chunk.checked) {
    const why: string[] = [];
    const child = children.get(row.nhsNumber);
    if (!child) why.push(`no child in the ICS has NHS number ${row.nhsNumber}`);
    else if (row.localDate < child.dob) why.push('occurred_at is before the child\'s date of birth');
    else if (child.frozen && COUNTED_CONTACT_TYPES.includes(row.type)) why.push('the child\'s record is frozen (a safeguarding investigation): send this row again once it is lifted');
    let practice: { id: string; clusterId: string | null } | null = null;
    if (row.practiceOds) {
      const o = organisations.get(row.practiceOds);
      if (!o) why.push(`practice_ods '${row.practiceOds}' is not an organisation in the ICS`);
      else if (o.kind !== 'gp-practice') why.push(`practice_ods '${row.practiceOds}' is not a GP practice (it is ${o.kind})`);
      else practice = o;
    } else if (child) {
      if (child.practiceId) practice = { id: child.practiceId, clusterId: child.clusterId };
      else why.push('the child has no registered practice: give practice_ods');
    }
    const organisation = row.organisationOds ? organisations.get(row.organisationOds) : null;
    if (row.organisationOds && !organisation) why.push(`organisation_ods '${row.organisationOds}' is not an organisation in the ICS`);
    if (why.length || !child || !practice) {
      chunk.rejects.push({ line, fields, reasons: why });
      continue;
    }
    cols.child.push(child.id);
    cols.type.push(row.type);
    cols.at.push(row.occurredAt);
    cols.month.push(row.month);
    cols.age.push(ageOn(child.dob, row.localDate));
    cols.practice.push(practice.id);
    cols.cluster.push(practice.clusterId);
    cols.organisation.push(organisation?.id ?? null);
    cols.reason.push(row.reasonCode);
    cols.emergency.push(row.emergency);
    cols.bedDays.push(row.bedDays);
    cols.first.push(row.firstAttendance);
    cols.sourceId.push(row.sourceId);
    if (COUNTED_CONTACT_TYPES.includes(row.type)) {
      const reason = row.reasonCode ? reasonDescribed(row.reasonCode) : null;
      contacts.push({
        childId: child.id, type: row.type as ContactType, startedAt: row.occurredAt, organisationId: organisation?.id ?? null,
        reasonCode: reason?.snomed ?? null, reasonDisplay: reason?.display ?? null, emergency: row.emergency, sourceId: row.sourceId,
      });
    }
  }

  const valid = cols.child.length;
  if (!valid) return { valid, added: [] };
  // Rows sent before are left as they were: only new ones become contacts (one index probe each, as the insert's conflict check would be).
  const sent = contacts.length ? new Set((await rows<{ source_id: string }>(tx, sql`SELECT source_id FROM activity_event
    WHERE ics_id = ${icsId}::uuid AND source_system = ${source} AND source_id = ANY(${sql.param(contacts.map((c) => c.sourceId))}::text[])`)).map((r) => r.source_id)) : new Set<string>();
  const contactIds = await addFedContacts(tx, icsId, source, sent.size ? contacts.filter((c) => !sent.has(c.sourceId)) : contacts);
  const contact = cols.sourceId.map((id) => contactIds.get(id) ?? null);
  // One statement from the rows COPYed into a staging table (decision 0036); on Citus, typed arrays unnested into rows.
  const p = sql.param;
  const columns = [cols.child, cols.type, cols.at, cols.month, cols.age, cols.practice, cols.cluster, cols.organisation,
    cols.reason, cols.emergency, cols.bedDays, cols.first, cols.sourceId, contact] as unknown[][];
  const from = await stagedRows(tx, EVENT_COLUMNS, cols.child.map((_, i) => columns.map((c) => c[i])), 'r') ?? sql`
    unnest(${p(cols.child)}::uuid[], ${p(cols.type)}::text[], ${p(cols.at)}::timestamptz[], ${p(cols.month)}::date[],
           ${p(cols.age)}::smallint[], ${p(cols.practice)}::uuid[], ${p(cols.cluster)}::uuid[], ${p(cols.organisation)}::uuid[],
           ${p(cols.reason)}::text[], ${p(cols.emergency)}::boolean[], ${p(cols.bedDays)}::smallint[], ${p(cols.first)}::boolean[],
           ${p(cols.sourceId)}::text[], ${p(contact)}::uuid[])
      AS r(${sql.raw(EVENT_COLUMNS.map(([c]) => c).join(', '))})`;
  const added = await rows<{ month: string; n: number }>(tx, sql`
    WITH added AS (
      INSERT INTO activity_event (ics_id, child_id, type, occurred_at, month, age_years, practice_id, cluster_id, organisation_id,
                                  reason_code, emergency, bed_days, first_attendance, source_system, source_id, contact_id)
      SELECT ${icsId}::uuid, r.child_id, r.type, r.occurred_at, r.month, r.age_years, r.practice_id, r.cluster_id, r.organisation_id,
             r.reason_code, r.emergency, r.bed_days, r.first_attendance, ${source}, r.source_id, r.contact_id
        FROM ${from}
      ON CONFLICT (ics_id, source_system, source_id) DO NOTHING
      RETURNING *),
    kept AS (INSERT INTO ${ADDED} SELECT * FROM added)
    SELECT month::text AS month, count(*)::int AS n FROM added GROUP BY month`);
  return { valid, added };
}
