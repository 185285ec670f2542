import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { bulkInsert } from '../platform/db/bulk.js';
import { NotFoundError } from '../platform/http/errors.js';

export type NewWorklistItem = { professionalId: string; kind: string; childId?: string | null; title: string; link?: string | null; details?: Record<string, unknown> };

export type WorklistItem = { id: string; kind: string; child_id: string | null; title: string; link: string | null; created_at: string; done_at: string | null };

/** Puts items on professionals' worklists, in the caller's transaction (so they land with the event that caused them). */
export async function addToWorklists(tx: Tx, icsId: string, items: NewWorklistItem[]): Promise<void> {
  await bulkInsert(
    tx,
    'worklist_item',
    items.map((i) => ({
      ics_id: icsId, id: crypto.randomUUID(), professional_id: i.professionalId, kind: i.kind, child_id: i.childId ?? null,
      title: i.title, link: i.link ?? null, details: i.details ?? null, created_at: new Date().toISOString(),
    })),
  );
}

/** The actor's own items still waiting, oldest first: nothing drops off until it is done. */
export function openItems(tx: Tx, actor: Actor, limit = 200): Promise<WorklistItem[]> {
  return rows<WorklistItem>(
    tx,
    sql`SELECT id, kind, child_id, title, link, created_at, done_at FROM worklist_item
         WHERE professional_id = ${actor.professionalId}::uuid AND done_at IS NULL ORDER BY created_at, id LIMIT ${limit}`,
  );
}

export async function markDone(tx: Tx, actor: Actor, id: string): Promise<void> {
  const done = await rows(
    tx,
    sql`UPDATE worklist_item SET done_at = now() WHERE id = ${id}::uuid AND professional_id = ${actor.professionalId}::uuid AND done_at IS NULL RETURNING id`,
  );
  if (done.length === 0) throw new NotFoundError();
}
