import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { checkedAccess, type ChildAccess } from '../platform/access/door.js';
import type { FamilyView } from '../platform/access/relationship-kinds.js';
import type { CompetenceDecision, GrantStatus, PrEvidence } from './schema.js';

/** Store of grants, their history and competence assessments, under an access the door opened for a professional. */

export type GrantRow = {
  id: string; kind: 'proxy' | 'own-access'; related_person_id: string | null; name: string; relationship: string | null;
  basis: PrEvidence | null; evidence_note: string | null; may_see: FamilyView[]; granted_by_name: string; granted_at: string;
  ends_on: string | null; status: GrantStatus; status_reason: string | null; young_person_agreed_on: string | null; version: number;
};

/** The child's grants, those not ended first, newest first. */
const grantsQuery = (icsId: string, childId: string) => sql`SELECT g.id, g.kind, g.related_person_id,
         CASE WHEN g.kind = 'own-access' THEN c.given_name || ' ' || c.family_name ELSE rp.given_name || ' ' || rp.family_name END AS name,
         crp.relationship, g.basis, g.evidence_note, g.may_see, g.granted_by_name, g.granted_at, g.ends_on, g.status, g.status_reason,
         g.young_person_agreed_on, g.version
      FROM family_access_grant g JOIN child c ON c.ics_id = g.ics_id AND c.id = g.child_id
      LEFT JOIN related_person rp ON rp.ics_id = g.ics_id AND rp.id = g.related_person_id
      LEFT JOIN child_related_person crp ON crp.ics_id = g.ics_id AND crp.child_id = g.child_id AND crp.related_person_id = g.related_person_id
     WHERE g.ics_id = ${icsId}::uuid AND g.child_id = ${childId}::uuid`;

export function grantsOfChild(tx: Tx, access: ChildAccess): Promise<GrantRow[]> {
  const { actor, childId } = checkedAccess(tx, access);
  return rows(tx, sql`${grantsQuery(actor.icsId, childId)} ORDER BY (g.status = 'ended'), g.granted_at DESC`);
}

/**
 * grantsOfChild and the ICS's review age (null until the ICS chooses one),
 * in one statement: the child summary's glance needs both. The grants come
 * as json, so their times are ISO text.
 */
export async function grantsOfChildWithReviewAge(tx: Tx, access: ChildAccess): Promise<{ grants: GrantRow[]; reviewAge: number | null }> {
  const { actor, childId } = checkedAccess(tx, access);
  const [found] = await rows<{ grants: GrantRow[]; review_age: number | null }>(tx, sql`
    SELECT (SELECT coalesce(json_agg(g ORDER BY (g.status = 'ended'), g.granted_at DESC), '[]'::json) FROM (${grantsQuery(actor.icsId, childId)}) g) AS grants,
           (SELECT s.review_age FROM family_setting s WHERE s.ics_id = ${actor.icsId}::uuid) AS review_age`);
  return { grants: found.grants, reviewAge: found.review_age };
}

export type GrantEvent = { grant_id: string; at: string; by_name: string; change: string; status: GrantStatus; reason: string | null };

export function historyOfChild(tx: Tx, access: ChildAccess): Promise<GrantEvent[]> {
  const { actor, childId } = checkedAccess(tx, access);
  return rows(tx, sql`SELECT e.grant_id, e.at, e.by_name, e.change, e.status, e.reason FROM family_access_event e
      JOIN family_access_grant g ON g.ics_id = e.ics_id AND g.id = e.grant_id
     WHERE e.ics_id = ${actor.icsId}::uuid AND g.child_id = ${childId}::uuid ORDER BY e.at DESC, e.id`);
}

export type AdultOfChild = {
  id: string; name: string; relationship: string; parental_responsibility: boolean; nhs_number: string | null; date_of_birth: string | null;
};

export function adultsOfChild(tx: Tx, access: ChildAccess): Promise<AdultOfChild[]> {
  const { actor, childId } = checkedAccess(tx, access);
  return rows(tx, sql`SELECT rp.id, rp.given_name || ' ' || rp.family_name AS name, crp.relationship, crp.parental_responsibility,
         rp.nhs_number, to_char(rp.date_of_birth, 'YYYY-MM-DD') AS date_of_birth
      FROM child_related_person crp JOIN related_person rp ON rp.ics_id = crp.ics_id AND rp.id = crp.related_person_id
     WHERE crp.ics_id = ${actor.icsId}::uuid AND crp.child_id = ${childId}::uuid ORDER BY crp.relationship, rp.family_name`);
}

export type Competence = { decision: CompetenceDecision; framework: string; outcome: string; understood: string; assessed_by_name: string; assessed_at: string };

export function competenceOfChild(tx: Tx, access: ChildAccess): Promise<Competence[]> {
  const { actor, childId } = checkedAccess(tx, access);
  return rows(tx, sql`SELECT decision, framework, outcome, understood, assessed_by_name, assessed_at FROM competence_assessment
     WHERE ics_id = ${actor.icsId}::uuid AND child_id = ${childId}::uuid ORDER BY assessed_at DESC`);
}

/** Whether the child is looked after now (the authority is their corporate parent). */
export async function isLookedAfter(tx: Tx, access: ChildAccess): Promise<boolean> {
  const { actor, childId } = checkedAccess(tx, access);
  const [found] = await rows<{ yes: boolean }>(tx, sql`SELECT EXISTS (SELECT 1 FROM child_flag WHERE ics_id = ${actor.icsId}::uuid AND child_id = ${childId}::uuid
      AND kind = 'looked-after' AND (ended_on IS NULL OR ended_on > current_date)) AS yes`);
  return found.yes;
}

export type NewGrant = {
  kind: 'proxy' | 'own-access'; relatedPersonId: string | null; nhsNumber: string; dateOfBirth: string;
  basis: PrEvidence | null; evidenceNote: string | null; maySee: FamilyView[]; endsOn: string | null;
};

async function addEvent(tx: Tx, access: ChildAccess, grantId: string, change: string, reason: string | null): Promise<void> {
  const { actor } = access;
  await tx.execute(sql`INSERT INTO family_access_event (ics_id, id, grant_id, by_professional_id, by_name, change, status, may_see, ends_on, reason)
    SELECT g.ics_id, ${crypto.randomUUID()}::uuid, g.id, ${actor.professionalId}::uuid, ${actor.name}, ${change}, g.status, g.may_see, g.ends_on, ${reason}
      FROM family_access_grant g WHERE g.ics_id = ${actor.icsId}::uuid AND g.id = ${grantId}::uuid`);
}

export async function insertGrant(tx: Tx, access: ChildAccess, g: NewGrant): Promise<string> {
  const { actor, childId } = checkedAccess(tx, access);
  const id = crypto.randomUUID();
  // may_see goes as an array parameter: Citus refuses a subquery (even ARRAY(SELECT …) of a parameter) among an INSERT's values.
  await tx.execute(sql`INSERT INTO family_access_grant (ics_id, id, child_id, kind, related_person_id, nhs_number, date_of_birth, basis, evidence_note,
      may_see, granted_by, granted_by_name, ends_on)
    VALUES (${actor.icsId}::uuid, ${id}::uuid, ${childId}::uuid, ${g.kind}, ${g.relatedPersonId}::uuid, ${g.nhsNumber}, ${g.dateOfBirth}::date, ${g.basis},
      ${g.evidenceNote}, ${sql.param(g.maySee)}::text[], ${actor.professionalId}::uuid, ${actor.name}, ${g.endsOn}::date)`);
  await addEvent(tx, access, id, 'granted', g.evidenceNote);
  return id;
}

export type GrantChange =
  | { change: 'suspended' | 'resumed' | 'ended'; reason: string }
  | { change: 'limited'; reason: string; maySee: FamilyView[]; endsOn: string | null }
  | { change: 'young-person-agreed'; reason: string };

/** Changes a grant at the version the professional saw; false when it is not this child's or someone changed it first. */
export async function changeGrant(tx: Tx, access: ChildAccess, grantId: string, version: number, c: GrantChange): Promise<boolean> {
  const { actor, childId } = checkedAccess(tx, access);
  const set = c.change === 'limited'
    ? sql`may_see = ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(c.maySee)}::jsonb)), ends_on = ${c.endsOn}::date`
    : c.change === 'young-person-agreed' ? sql`young_person_agreed_on = current_date`
      : sql`status = ${c.change === 'resumed' ? 'active' : c.change}, status_reason = ${c.reason}`;
  const changed = await rows(tx, sql`UPDATE family_access_grant SET ${set}, version = version + 1
     WHERE ics_id = ${actor.icsId}::uuid AND id = ${grantId}::uuid AND child_id = ${childId}::uuid AND version = ${version} AND status <> 'ended' RETURNING id`);
  if (!changed.length) return false;
  await addEvent(tx, access, grantId, c.change, c.reason);
  return true;
}

export async function insertCompetence(tx: Tx, access: ChildAccess, a: { decision: CompetenceDecision; framework: 'gillick' | 'fraser'; outcome: 'competent' | 'not-yet-competent'; understood: string }): Promise<void> {
  const { actor, childId } = checkedAccess(tx, access);
  await tx.execute(sql`INSERT INTO competence_assessment (ics_id, id, child_id, decision, framework, outcome, understood, assessed_by, assessed_by_name)
    VALUES (${actor.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${childId}::uuid, ${a.decision}, ${a.framework}, ${a.outcome}, ${a.understood},
      ${actor.professionalId}::uuid, ${actor.name})`);
}

export type Refusal = { id: string; related_person_id: string; name: string; relationship: string | null; reason: string; refused_by_name: string; refused_at: string };

/** The refusals of proxy access recorded for this child, newest first. */
export function refusalsOfChild(tx: Tx, access: ChildAccess): Promise<Refusal[]> {
  const { actor, childId } = checkedAccess(tx, access);
  return rows(tx, sql`SELECT r.id, r.related_person_id, rp.given_name || ' ' || rp.family_name AS name, crp.relationship, r.reason, r.refused_by_name, r.refused_at
      FROM family_access_refusal r JOIN related_person rp ON rp.ics_id = r.ics_id AND rp.id = r.related_person_id
      LEFT JOIN child_related_person crp ON crp.ics_id = r.ics_id AND crp.child_id = r.child_id AND crp.related_person_id = r.related_person_id
     WHERE r.ics_id = ${actor.icsId}::uuid AND r.child_id = ${childId}::uuid ORDER BY r.refused_at DESC`);
}

export async function insertRefusal(tx: Tx, access: ChildAccess, relatedPersonId: string, reason: string): Promise<void> {
  const { actor, childId } = checkedAccess(tx, access);
  await tx.execute(sql`INSERT INTO family_access_refusal (ics_id, id, child_id, related_person_id, reason, refused_by, refused_by_name)
    VALUES (${actor.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${childId}::uuid, ${relatedPersonId}::uuid, ${reason}, ${actor.professionalId}::uuid, ${actor.name})`);
}

/** A note in a grant's history (why a looked-after child's birth parent was granted, and what it is limited to). */
export async function noteOnGrant(tx: Tx, access: ChildAccess, grantId: string, change: string, reason: string): Promise<void> {
  checkedAccess(tx, access);
  await addEvent(tx, access, grantId, change, reason);
}
