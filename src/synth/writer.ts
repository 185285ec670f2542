import type { Tx } from '../platform/db/client.js';
import { bulkInsert } from '../platform/db/bulk.js';

export type Row = Record<string, unknown>;

/**
 * Buffers rows per table and writes them with bulkInsert, tables in the order
 * given (parents before children, for the foreign keys).
 */
export class BatchWriter {
  private buffers = new Map<string, Row[]>();
  private inflight: Promise<void> = Promise.resolve();
  readonly counts: Record<string, number> = {};

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
    await this.inflight;
    const statements: [string, Row[]][] = [];
    for (const [table, rows] of this.buffers) {
      if (rows.length === 0) continue;
      this.buffers.set(table, []);
      for (let i = 0; i < rows.length; i += this.chunk) statements.push([table, rows.slice(i, i + this.chunk)]);
    }
    const writing = (async () => {
      for (const [table, rows] of statements) await bulkInsert(this.tx, table, rows);
    })();
    // Marked handled now; the error still surfaces at the next flush or close.
    writing.catch(() => undefined);
    this.inflight = writing;
  }

  /** Flushes and waits for the last statement. */
  async close(): Promise<void> {
    await this.flush();
    await this.inflight;
  }
}
