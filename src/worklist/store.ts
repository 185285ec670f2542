import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { bulkInsert } from '../platform/db/bulk.js';
import type { Actor } from '../platform/access/actor.js';
import { standingRelationshipSql } from '../platform/access/relationship.js';

export type NewWorklistItem = { professionalId: string; kind: string; childId?: string | null; title: string; link?: string | null; details?: Record<string, unknown> };

export type WorklistItem = {
  id: string; kind: string; child_id: string | null; title: string; link: string | null; created_at: string; done_at: string | null;
  /** When the item is due (details.dueOn), if it has a date. */
  due_on: string | null;
  /** The letter the item is about, when there is one besides its main link (details.letter). */
  letter: string | null;
  /** Who the child is, only where the professional has a standing relationship with them now. */
  child_name: string | null;
  nhs_number: string | null;
  /** The title names the child (a clinic letter's does), whatever the relationship now. */
  title_names_child: boolean;
};

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

/**
 * One professional's items not yet done (only those of `kind`, when given),
 * oldest first. The kind is chosen in the query, so the limit counts only
 * items of that kind. Each names its child only while the actor has a
 * standing relationship with them: a relationship that has ended since the
 * item came does not keep showing who they are.
 */
export function openItemsOf(tx: Tx, actor: Actor, limit: number, kind?: string): Promise<WorklistItem[]> {
  const related = standingRelationshipSql(actor);
  return rows<WorklistItem>(
    tx,
    sql`SELECT w.id, w.kind, w.child_id, w.title, w.link, w.created_at, w.done_at,
               w.details->>'dueOn' AS due_on, w.details->>'letter' AS letter,
               CASE WHEN ${related} THEN c.given_name || ' ' || c.family_name END AS child_name,
               CASE WHEN ${related} THEN c.nhs_number END AS nhs_number,
               coalesce(strpos(w.title, c.family_name) > 0, false) AS title_names_child
          FROM worklist_item w LEFT JOIN child c ON c.ics_id = w.ics_id AND c.id = w.child_id
         WHERE w.ics_id = ${actor.icsId}::uuid AND w.professional_id = ${actor.professionalId}::uuid AND w.done_at IS NULL ${kind === undefined ? sql`` : sql`AND w.kind = ${kind}`}
         ORDER BY w.created_at, w.id LIMIT ${limit}`,
  );
}

/** Marks one of the professional's own open items done; false when there is no such item (another's, or done already). */
export async function markItemDone(tx: Tx, actor: Actor, id: string): Promise<boolean> {
  const done = await rows(
    tx,
    sql`UPDATE worklist_item SET done_at = now()
         WHERE ics_id = ${actor.icsId}::uuid AND id = ${id}::uuid AND professional_id = ${actor.professionalId}::uuid AND done_at IS NULL RETURNING id`,
  );
  return done.length > 0;
}

/** Marks every open item that links to this page done, whoever's it is: the thing it asked for has been done by one of them. */
export async function markLinkDone(tx: Tx, icsId: string, link: string): Promise<void> {
  await tx.execute(sql`UPDATE worklist_item SET done_at = now() WHERE ics_id = ${icsId}::uuid AND link = ${link} AND done_at IS NULL`);
}
