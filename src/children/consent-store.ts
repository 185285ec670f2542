import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { checkedAccess, type ChildAccess } from '../platform/access/door.js';
import type { ConsentDecision, ConsentScope } from './schema.js';

/** One decision as the history shows it, with the names of who gave it, who recorded it and who judged competence. */
export type ConsentRow = {
  id: string; scope: ConsentScope; decision: ConsentDecision; decided_at: string; given_by: string; given_by_related_person_id: string | null;
  given_by_name: string | null; recorded_by_name: string | null; recorded_at: string; competence_judged_by_name: string | null; competence_note: string | null;
};

/** A family member with parental responsibility, who may decide for the child. */
export type ConsentGiver = { id: string; name: string; relationship: string };

const NAMED = sql`r.id, r.scope, r.decision, r.decided_at, r.given_by, r.given_by_related_person_id,
  CASE WHEN rp.id IS NULL THEN NULL ELSE rp.given_name || ' ' || rp.family_name END AS given_by_name,
  rb.name AS recorded_by_name, r.recorded_at, cj.name AS competence_judged_by_name, r.competence_note
  FROM consent_record r
  LEFT JOIN related_person rp ON rp.ics_id = r.ics_id AND rp.id = r.given_by_related_person_id
  LEFT JOIN professional rb ON rb.ics_id = r.ics_id AND rb.id = r.recorded_by
  LEFT JOIN professional cj ON cj.ics_id = r.ics_id AND cj.id = r.competence_judged_by`;

/** Every decision for the child, newest first: the history is never changed, only added to. */
export function consentHistory(tx: Tx, access: ChildAccess): Promise<ConsentRow[]> {
  const { actor, childId } = checkedAccess(tx, access);
  return rows<ConsentRow>(tx, sql`SELECT ${NAMED} WHERE r.ics_id = ${actor.icsId}::uuid AND r.child_id = ${childId}::uuid ORDER BY r.decided_at DESC, r.recorded_at DESC, r.id DESC`);
}

/** The decision that stands for each scope (consent_current: the latest made). */
export function currentConsent(tx: Tx, access: ChildAccess): Promise<ConsentRow[]> {
  const { actor, childId } = checkedAccess(tx, access);
  // The view filtered by ICS and child itself: PostgreSQL then picks the latest of this child's decisions only, not of every child's.
  return rows<ConsentRow>(tx, sql`SELECT ${NAMED} JOIN consent_current cc ON cc.ics_id = r.ics_id AND cc.id = r.id
    WHERE r.ics_id = ${actor.icsId}::uuid AND r.child_id = ${childId}::uuid AND cc.ics_id = ${actor.icsId}::uuid AND cc.child_id = ${childId}::uuid ORDER BY r.scope`);
}

/** The family members with parental responsibility, who may consent for the child. */
export function consentGivers(tx: Tx, access: ChildAccess): Promise<ConsentGiver[]> {
  const { actor, childId } = checkedAccess(tx, access);
  return rows<ConsentGiver>(tx, sql`SELECT p.id, p.given_name || ' ' || p.family_name AS name, r.relationship
    FROM child_related_person r JOIN related_person p ON p.ics_id = r.ics_id AND p.id = r.related_person_id
    WHERE r.ics_id = ${actor.icsId}::uuid AND r.child_id = ${childId}::uuid AND r.parental_responsibility ORDER BY p.family_name, p.given_name, p.id`);
}

/** How many decisions the child has: the page sends it back, so a decision recorded meanwhile is not overlooked (409). */
export async function consentCount(tx: Tx, access: ChildAccess): Promise<number> {
  const { actor, childId } = checkedAccess(tx, access);
  const [{ n }] = await rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM consent_record WHERE ics_id = ${actor.icsId}::uuid AND child_id = ${childId}::uuid`);
  return n;
}

export type NewDecision = {
  id: string; scope: ConsentScope; decision: ConsentDecision; decidedOn: string; givenBy: 'parent' | 'young-person'; relatedPersonId: string | null;
  competenceJudgedBy: string | null; competenceNote: string | null;
};

/** Adds one decision to the history, recorded by the professional the door let in. Noon London time stands for the day. */
export async function insertDecision(tx: Tx, access: ChildAccess, d: NewDecision): Promise<void> {
  const { actor, childId } = checkedAccess(tx, access);
  await tx.execute(sql`INSERT INTO consent_record (ics_id, id, child_id, scope, decision, given_by, given_by_related_person_id, decided_at,
      competence_judged_by, competence_note, recorded_by, recorded_at)
    VALUES (${actor.icsId}::uuid, ${d.id}::uuid, ${childId}::uuid, ${d.scope}, ${d.decision}, ${d.givenBy}, ${d.relatedPersonId}::uuid,
      (${d.decidedOn}::date + time '12:00') AT TIME ZONE 'Europe/London', ${d.competenceJudgedBy}::uuid, ${d.competenceNote}, ${actor.professionalId}::uuid, now())`);
}
