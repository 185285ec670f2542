import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { bulkInsert } from '../platform/db/bulk.js';

export type NewWorklistItem = { professionalId: string; kind: string; childId?: string | null; title: string; link?: string | null; details?: Record<string, unknown> };

export type WorklistItem = { id: string; kind: string; child_id: string | null; title: string; link: string | null; created_at: string; done_at: string | null };

/** Adds items to professionals' worklists, all in one statement. */
export async function insertItems(tx: Tx, icsId: string, items: NewWorklistItem[]): Promise<void> {
  await bulkInsert(
    tx,
    'worklist_item',
    items.map((i) => ({
      ics_id: icsId, id: crypto.randomUUID(), professional_id: i.professionalId, kind: i.kind, child_id: i.childId ?? null,
      title: i.title, link: i.link ?? null, details: i.details ?? null, created_at: new Date().toISOString(),
    })),
  );
}

/** One professional's items not yet done, oldest first. */
export function openItemsOf(tx: Tx, professionalId: string, limit: number): Promise<WorklistItem[]> {
  return rows<WorklistItem>(
    tx,
    sql`SELECT id, kind, child_id, title, link, created_at, done_at FROM worklist_item
         WHERE professional_id = ${professionalId}::uuid AND done_at IS NULL ORDER BY created_at, id LIMIT ${limit}`,
  );
}

/** Marks one of the professional's own open items done; false when there is no such item (another's, or done already). */
export async function markItemDone(tx: Tx, professionalId: string, id: string): Promise<boolean> {
  const done = await rows(
    tx,
    sql`UPDATE worklist_item SET done_at = now() WHERE id = ${id}::uuid AND professional_id = ${professionalId}::uuid AND done_at IS NULL RETURNING id`,
  );
  return done.length > 0;
}
