import { sql, type SQL } from 'drizzle-orm';
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { DataFolderLock } from './data-folder-lock.js';

/**
 * A query runner: the database itself or a transaction inside it. Queries name
 * their tables (select/insert/update, or sql), so the client carries no schema
 * and platform needs to know no capability's tables.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tx = PgDatabase<PgQueryResultHKT, Record<string, never>, any>;

export type DatabaseKind = 'pglite' | 'postgres';

/**
 * The one way the application reaches PostgreSQL, embedded or server. Every
 * request runs inside `tenant()` (or `platform()` before sign-in), as the
 * non-superuser joinery_app role, so row-level security always applies.
 */
export interface Database {
  kind: DatabaseKind;
  /** Owner (superuser) access: migrations, the synthetic generator, test set-up. Never a request. */
  owner: Tx;
  /**
   * Run fn in one transaction as joinery_app, bound to the ICS. A refusal
   * thrown as KeptAfterRollback (the access door's) leaves only its audit:
   * everything else fn wrote is rolled back, the audit commits, and the
   * refusal is thrown on.
   */
  tenant<T>(icsId: string, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Run fn in one transaction as joinery_app with no ICS (sign-in, sessions). */
  platform<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * tenant() for a request that learns its ICS from what it carries (a
   * bearer token): `finding` are fixed statements (no parameters, values
   * already checked) that run as joinery_app with no ICS, in the round trip
   * that opens the transaction, and must set app.ics_id themselves (the
   * token's lookup does). fn gets each statement's rows, then runs as
   * tenant() runs its fn, refusals kept alike.
   */
  tenantFoundBy<T>(finding: string[], fn: (tx: Tx, found: Record<string, unknown>[][]) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** A Citus coordinator: a tenant found part-way must be set again with SET LOCAL to reach the workers (decision 0029). */
  citus: boolean;
  /** An embedded database in a folder: this process's hold on it. */
  lock?: DataFolderLock;
}

export async function asApp<T>(tx: Tx, icsId: string | null, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (const statement of asAppStatements(icsId)) await tx.execute(sql.raw(statement));
  return fn(tx);
}

/**
 * Opens a transaction, runs its first statements (fixed text, no parameters),
 * then fn; commits, or rolls back on a throw. The server sends BEGIN and those
 * statements in one round trip (see connect.ts); PGlite, in the process, one by one.
 */
export type BeginWith = <T>(first: string[], fn: (tx: Tx, firstRows: Record<string, unknown>[][]) => Promise<T>) => Promise<T>;

const beginOneByOne = (owner: Tx): BeginWith => (first, fn) => owner.transaction(async (raw) => {
  const tx = raw as unknown as Tx;
  const firstRows: Record<string, unknown>[][] = [];
  for (const statement of first) firstRows.push(await rows<Record<string, unknown>>(tx, sql.raw(statement)));
  return fn(tx, firstRows);
});

/** Transactions whose writes may travel with their next statement (connect.ts registers the server's). */
const lateWriters = new WeakMap<Tx, (query: SQL) => void>();

/** Lets `writeWithNext` on this transaction hand its writes to `send` (the server's connection, which sends them ahead of the next statement). */
export function acceptLateWrites(tx: Tx, send: (query: SQL) => void): void {
  lateWriters.set(tx, send);
}

/**
 * A write whose result no one waits for (an audit row): on the server it goes
 * in the same round trip as the transaction's next statement, which is often
 * its COMMIT, so it still lands in this transaction and before anything the
 * transaction reads after it. A failure surfaces at that next statement and
 * rolls the transaction back, as it would here. PGlite (and a nested
 * transaction) writes it at once.
 */
export async function writeWithNext(tx: Tx, query: SQL): Promise<void> {
  const send = lateWriters.get(tx);
  if (send) send(query);
  else await tx.execute(query);
}

/** An id as it may stand in a statement's text: a UUID, nothing else (these settings are made by the app, never by a user). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `SET LOCAL app.… TO 'id,id'`: a SET statement (not set_config) is what Citus passes on to the workers, where row-level
 * security and the triggers read these settings (decision 0029).
 */
function setLocalIdsStatement(setting: 'app.ics_id' | 'app.freeze_checked', ids: readonly string[], what: string): string {
  if (!ids.every((id) => UUID.test(id))) throw new Error(`${what} is a UUID.`);
  return `SET LOCAL ${setting} TO '${ids.join(',')}'`;
}

const setTenantStatement = (icsId: string | null): string => setLocalIdsStatement('app.ics_id', icsId === null ? [] : [icsId], 'An ICS id');

/** Marks the children whose writes the freeze check let through, for this transaction, where the frozen-record trigger reads them. */
export async function setFreezeChecked(tx: Tx, childIds: readonly string[]): Promise<void> {
  await tx.execute(sql.raw(setLocalIdsStatement('app.freeze_checked', childIds, 'A child id checked for a freeze')));
}

/**
 * The role and tenant every request's transaction runs as. On Citus the
 * tenant must reach the workers: `citus.propagate_set_commands = 'local'`
 * sends each SET LOCAL after it to every worker the transaction uses (on plain
 * PostgreSQL and PGlite it is an unused setting). The role stays a local
 * set_config: the coordinator already opens its worker connections as
 * joinery_app, and a propagated SET ROLE would also run the security-definer
 * lookups as joinery_app on the workers (decision 0029).
 */
function asAppStatements(icsId: string | null): string[] {
  return [`SET LOCAL citus.propagate_set_commands TO 'local'`, setTenantStatement(icsId), `SELECT set_config('role', 'joinery_app', true)`];
}

/** Binds the rest of the transaction to the ICS (after a lookup that found it): one statement, which Citus passes on to the workers. */
export async function setTenant(tx: Tx, icsId: string): Promise<void> {
  await tx.execute(sql.raw(setTenantStatement(icsId)));
}

const dialect = new PgDialect();

/** A statement's text, for one that carries no parameters (its values checked and written in by the caller): Database.tenantFoundBy's finding. */
export function statementText(query: SQL): string {
  const { sql: text, params } = dialect.sqlToQuery(query);
  if (params.length) throw new Error('This statement must carry no parameters.');
  return text;
}

export async function rows<T>(tx: Tx, query: SQL): Promise<T[]> {
  const result = (await tx.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/**
 * An error that stops a transaction's work but must leave a record of itself:
 * an audited refusal of a child's data. Where it is caught by
 * `keepingOnlyWhatIsKept` (every tenant transaction), the work done so far is
 * rolled back, `keepAfterRollback` writes the record again in the same
 * transaction, and the transaction goes on (and commits) without the rest.
 */
export interface KeptAfterRollback extends Error {
  keepAfterRollback(tx: Tx): Promise<void>;
}

export const isKeptAfterRollback = (error: unknown): error is KeptAfterRollback =>
  error instanceof Error && typeof (error as Partial<KeptAfterRollback>).keepAfterRollback === 'function';

let savepoints = 0;

/**
 * Runs fn after a savepoint. When fn throws a KeptAfterRollback error, all fn
 * wrote is rolled back to the savepoint, the error's own record is written,
 * and the error is rethrown; any other error is rethrown as it is (the
 * caller's transaction rolls back). One SAVEPOINT statement when nothing is
 * refused: no RELEASE, since the commit releases it.
 */
export async function keepingOnlyWhatIsKept<T>(tx: Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const name = `before_work_${++savepoints}`;
  await tx.execute(sql.raw(`SAVEPOINT ${name}`));
  return afterSavepoint(tx, name, fn);
}

/** keepingOnlyWhatIsKept once its savepoint is taken (a tenant transaction takes it as it begins). */
async function afterSavepoint<T>(tx: Tx, name: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await fn(tx);
  } catch (error) {
    if (!isKeptAfterRollback(error)) throw error;
    await tx.execute(sql.raw(`ROLLBACK TO SAVEPOINT ${name}`));
    await error.keepAfterRollback(tx);
    throw error;
  }
}

/**
 * A tenant transaction: a refusal that must be kept commits its record alone,
 * then is thrown to the caller. Its role, tenant and savepoint are set as it
 * begins: on the server, one round trip with BEGIN.
 */
async function tenantTransaction<T>(begin: BeginWith, icsId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const savepoint = `before_work_${++savepoints}`;
  const outcome = await begin([...asAppStatements(icsId), `SAVEPOINT ${savepoint}`], async (tx) => {
    try {
      return { value: await afterSavepoint(tx, savepoint, fn) };
    } catch (error) {
      if (isKeptAfterRollback(error)) return { kept: error };
      throw error;
    }
  });
  if ('kept' in outcome) throw outcome.kept;
  return outcome.value;
}

/** A tenant transaction whose ICS its first statements find and set (Database.tenantFoundBy). */
async function tenantFoundBy<T>(begin: BeginWith, finding: string[], fn: (tx: Tx, found: Record<string, unknown>[][]) => Promise<T>): Promise<T> {
  // The savepoint follows the finding: rolling back to it must not undo the ICS they set.
  const savepoint = `before_work_${++savepoints}`;
  const asApp = asAppStatements(null);
  const first = [...asApp, ...finding, `SAVEPOINT ${savepoint}`];
  const outcome = await begin(first, async (tx, firstRows) => {
    const found = firstRows.slice(asApp.length, asApp.length + finding.length);
    try {
      return { value: await afterSavepoint(tx, savepoint, (t) => fn(t, found)) };
    } catch (error) {
      if (isKeptAfterRollback(error)) return { kept: error };
      throw error;
    }
  });
  if ('kept' in outcome) throw outcome.kept;
  return outcome.value;
}

/** begin: how the database opens a transaction with its first statements (by default one by one). */
export function makeDatabase(kind: DatabaseKind, owner: Tx, close: () => Promise<void>, begin: BeginWith = beginOneByOne(owner), citus = false): Database {
  return {
    kind,
    owner,
    tenant: (icsId, fn) => tenantTransaction(begin, icsId, fn),
    platform: (fn) => begin(asAppStatements(null), (tx) => fn(tx)),
    tenantFoundBy: (finding, fn) => tenantFoundBy(begin, finding, fn),
    citus,
    close,
  };
}

/** SQLSTATE of the database's refusal to change a frozen child's data without the freeze check (migration 0029). */
export const FROZEN_RECORD_SQLSTATE = 'JRFRZ';

/** The PostgreSQL error under a driver or Drizzle wrapper: its SQLSTATE code and message. */
export function databaseError(error: unknown): { code?: string; message: string } {
  let e = error as { code?: unknown; message?: string; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return { code: e.code, message: e.message ?? '' };
    e = e.cause as typeof e;
  }
  return { message: error instanceof Error ? error.message : String(error) };
}
