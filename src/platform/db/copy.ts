import type { PgSession } from 'drizzle-orm/pg-core';
import type { Tx } from './client.js';

/**
 * COPY … FROM STDIN inside a transaction the app already holds, for the bulk
 * paths (docs/decisions/0036-imports-copy-into-staging.md): on a PostgreSQL
 * server, over the transaction's own connection; on PGlite, from a blob.
 * A Citus coordinator's connections say they cannot: Citus refuses COPY into
 * shards under row-level security (decision 0029), so the caller writes VALUES.
 */

/** Set on a server connection's prototype: whether COPY may be used on it (false on Citus). */
export const COPY_ALLOWED = Symbol('joinery.copyAllowed');

/** Where COPY goes on a transaction, or undefined where it may not (Citus) or cannot (a driver that does not say). */
export type CopyIn = (statement: string, data: string) => Promise<void>;

type ServerConnection = { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void; query(text: string): void };

/** Bytes a CopyData message carries: small enough not to hold a second copy of a large batch. */
const CHUNK_BYTES = 1 << 16;

/**
 * A COPY FROM STDIN as pg's client takes a query it does not know (a
 * "submittable"): the client hands it the connection and each message the
 * server answers with. The rows go when the server asks for them.
 */
class CopyFromText {
  readonly done: Promise<void>;
  private settle!: { resolve: () => void; reject: (e: Error) => void };
  private error: Error | undefined;
  constructor(readonly text: string, private data: string) {
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
  }

  submit(connection: ServerConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: ServerConnection): void {
    const bytes = Buffer.from(this.data, 'utf8');
    this.data = '';
    for (let at = 0; at < bytes.length; at += CHUNK_BYTES) connection.sendCopyFromChunk(bytes.subarray(at, at + CHUNK_BYTES));
    connection.endCopyFrom();
  }

  handleError(error: Error): void {
    this.error = error;
  }

  handleReadyForQuery(): void {
    if (this.error) this.settle.reject(this.error);
    else this.settle.resolve();
  }

  // What a COPY FROM does not answer with, or answers without anything to do here.
  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

type PgliteTransaction = { query(text: string, params?: unknown[], options?: { blob?: Blob }): Promise<unknown>; exec: unknown; rollback: unknown };

const isPgliteTransaction = (client: unknown): client is PgliteTransaction => {
  const c = client as Partial<PgliteTransaction> | undefined;
  return !!c && typeof c.query === 'function' && typeof c.exec === 'function' && typeof c.rollback === 'function';
};

/** How to COPY in this transaction (its driver session's connection), or undefined. */
export function copyInOf(tx: Tx): CopyIn | undefined {
  const client = (tx as unknown as { session?: PgSession & { client?: unknown } }).session?.client as Record<PropertyKey, unknown> | undefined;
  if (!client) return undefined;
  if (client[COPY_ALLOWED] === true) {
    const query = client.query as (q: CopyFromText) => CopyFromText;
    return (statement, data) => query.call(client, new CopyFromText(`${statement} FROM STDIN`, data)).done;
  }
  if (isPgliteTransaction(client)) {
    // PGlite reads COPY's rows as a file, which only its superuser may: the app's role steps aside for this
    // one statement, into the transaction's own staging table, and is set again at once (a failure aborts the transaction).
    return async (statement, data) => {
      const [{ role }] = (await client.query(`SELECT current_user AS role`) as { rows: { role: string }[] }).rows;
      await client.query(`SET LOCAL ROLE NONE`);
      await client.query(`${statement} FROM '/dev/blob'`, [], { blob: new Blob([data]) });
      await client.query(`SELECT set_config('role', $1, true)`, [role]);
    };
  }
  return undefined;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** One value in COPY's text format: \N for NULL, backslash, tab and line ends escaped. */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** A list as an array literal ({"a","b"}), each element quoted, NULL as NULL. */
export function arrayLiteral(values: readonly unknown[]): string {
  return `{${values.map((v) => (v === null || v === undefined ? 'NULL' : `"${String(v).replace(/[\\"]/g, (c) => `\\${c}`)}"`)).join(',')}}`;
}
