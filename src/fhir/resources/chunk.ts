import { sql, type SQL } from 'drizzle-orm';
import { checkedAccess } from '../../platform/access/door.js';
import { uuidArray } from '../store.js';
import type { ChunkReading } from './handler.js';

/**
 * What a type's one statement for an export's chunk needs: the children whose
 * door opened in this transaction (never the candidates), and the rows put
 * back in the order the per-child reads give them, so a chunk's output is
 * theirs resource by resource.
 */

/** The chunk's children, each access checked as opened in this transaction. */
export const chunkChildIds = (r: ChunkReading): string[] => r.accesses.map((a) => checkedAccess(r.tx, a).childId);

/**
 * SQL: the row (its table's alias) is one of the chunk's children's, in the
 * chunk's ICS (named here too, so a read that forgets idsMatch still reads one
 * ICS); with no chunk, true, so a read by id or by one child is as it was.
 */
export const ofChunk = (alias: string, chunk: ChunkReading | undefined): SQL => {
  if (!chunk) return sql`true`;
  const a = sql.raw(alias);
  return sql`${a}.ics_id = ${chunk.actor.icsId}::uuid AND ${a}.child_id = ANY(${uuidArray(chunkChildIds(chunk))})`;
};

/** Rows by child, each child's in the order the statement read them. */
export function byChild<T extends { child_id: string }>(found: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of found) {
    const list = out.get(row.child_id);
    if (list) list.push(row);
    else out.set(row.child_id, [row]);
  }
  return out;
}

/** Rows child by child in the chunk's order, each child's in the order the statement read them. */
export function inChildOrder<T extends { child_id: string }>(r: ChunkReading, found: readonly T[]): T[] {
  const grouped = byChild(found);
  return r.accesses.flatMap((a) => grouped.get(a.childId) ?? []);
}
