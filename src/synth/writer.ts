import type { Tx } from '../platform/db/client.js';
import { bulkLoadAsOwner } from '../platform/db/bulk.js';

export type Row = Record<string, unknown>;

/** A table that buffers its rows its own way (e.g. as column arrays) and writes them itself, after the row tables. */
export interface OwnBuffer {
  readonly table: string;
  readonly count: number;
  /** Hands over what is buffered as statements to run in order, and starts empty again. */
  take(): ((tx: Tx) => Promise<void>)[];
}

/**
 * Buffers rows per table and writes them with bulkLoadAsOwner (the generator is the owner), tables in the order
 * given (parents before children, for the foreign keys).
 */
export class BatchWriter {
  private buffers = new Map<string, Row[]>();
  private inflight: Promise<void> = Promise.resolve();
  private own: OwnBuffer[] = [];
  readonly counts: Record<string, number> = {};
  /** Seconds each table's statements took to run, and how long generation stood waiting for the writes (where the time goes). */
  readonly seconds: Record<string, number> = {};
  waited = 0;

  constructor(
    private tx: Tx,
    tables: readonly string[],
    private chunk = 4000,
  ) {
    for (const t of tables) {
      this.buffers.set(t, []);
      this.counts[t] = 0;
    }
  }

  /** Writes this buffer's statements with every flush, after the row tables. */
  attach(buffer: OwnBuffer): void {
    this.own.push(buffer);
    this.counts[buffer.table] = buffer.count;
  }

  add(table: string, row: Row): void {
    const buffer = this.buffers.get(table);
    if (!buffer) throw new Error(`BatchWriter: unknown table ${table}`);
    buffer.push(row);
    this.counts[table]++;
  }

  buffered(table: string): number {
    return this.buffers.get(table)?.length ?? 0;
  }

  /**
   * Waits for the previous batch, then starts writing everything buffered, in
   * table order, one statement at a time, and returns at once: the next batch
   * is generated while this one is written, and at most two batches are ever
   * held in memory. (One statement at a time: a connection runs one query, and
   * queueing several on it is deprecated in pg.)
   */
  async flush(): Promise<void> {
    const waiting = performance.now();
    await this.inflight;
    this.waited += (performance.now() - waiting) / 1000;
    const statements: [string, (tx: Tx) => Promise<void>][] = [];
    for (const [table, rows] of this.buffers) {
      if (rows.length === 0) continue;
      this.buffers.set(table, []);
      for (let i = 0; i < rows.length; i += this.chunk) {
        const part = rows.slice(i, i + this.chunk);
        statements.push([table, (tx) => bulkLoadAsOwner(tx, table, part)]);
      }
    }
    for (const b of this.own) {
      statements.push(...b.take().map((s): [string, (tx: Tx) => Promise<void>] => [b.table, s]));
      this.counts[b.table] = b.count;
    }
    const writing = (async () => {
      for (const [table, statement] of statements) {
        const started = performance.now();
        await statement(this.tx);
        this.seconds[table] = (this.seconds[table] ?? 0) + (performance.now() - started) / 1000;
        // Embedded PGlite answers on promises alone, never the event loop: let a server that is already listening
        // (the first start's "getting ready" page) answer between statements.
        await new Promise(setImmediate);
      }
    })();
    // Marked handled now; the error still surfaces at the next flush or close.
    writing.catch(() => undefined);
    this.inflight = writing;
  }

  /** Flushes and waits for the last statement. */
  async close(): Promise<void> {
    await this.flush();
    const waiting = performance.now();
    await this.inflight;
    this.waited += (performance.now() - waiting) / 1000;
  }
}
