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
   * Waits for the previous batch, then queues everything buffered, in table
   * order, and returns at once: the driver runs a connection's statements in
   * the order they were queued, so the next batch is generated while this one
   * is written, and at most two batches are ever held in memory.
   */
  async flush(): Promise<void> {
    await this.inflight;
    const sending: Promise<void>[] = [];
    for (const [table, rows] of this.buffers) {
      if (rows.length === 0) continue;
      this.buffers.set(table, []);
      for (let i = 0; i < rows.length; i += this.chunk) sending.push(bulkInsert(this.tx, table, rows.slice(i, i + this.chunk)));
    }
    const all = Promise.all(sending).then(() => undefined);
    // Marked handled now; the error still surfaces at the next flush or close.
    all.catch(() => undefined);
    for (const s of sending) s.catch(() => undefined);
    this.inflight = all;
  }

  /** Flushes and waits for the last statement. */
  async close(): Promise<void> {
    await this.flush();
    await this.inflight;
  }
}
