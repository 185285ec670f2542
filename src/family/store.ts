import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { checkedAccess, type ChildAccess } from '../platform/access/door.js';
import { recordedWhileFrozen } from '../platform/access/freeze.js';
import type { HideableKind } from './schema.js';
import { FAMILY_LETTER_SOURCES } from './labels.js';

/**
 * What the family pages read, always under an access the door opened for the
 * family member. Confidential items are filtered here, in SQL, so that no
 * list or count a family member reaches can hold them: anything recorded
 * while the record was frozen, anything from children's social care, and,
 * for a proxy, what the young person asked to keep from their parents.
 * (Record entries, sensitive or not, and flags are never read here at all.)
 */

/** The young person asked to keep this item from their parents; only a proxy is kept from it. */
const hiddenFromProxy = (forProxy: boolean, kind: 'letter' | 'appointment', row: string, childId: SQL) => (forProxy
  ? sql`EXISTS (SELECT 1 FROM family_hidden_item h WHERE h.ics_id = ${sql.raw(row)}.ics_id AND h.child_id = ${childId}
          AND h.item_kind = ${kind} AND h.item_id = ${sql.raw(row)}.id)`
  : sql`false`);

export type CareTeamMember = { name: string; role_in_team: string; organisation_name: string };

export function careTeam(tx: Tx, access: ChildAccess): Promise<CareTeamMember[]> {
  const { actor, childId } = checkedAccess(tx, access);
  return rows(tx, sql`SELECT p.name, m.role_in_team, o.name AS organisation_name FROM care_team_member m
      JOIN professional p ON p.ics_id = m.ics_id AND p.id = m.professional_id
      JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id
     WHERE m.ics_id = ${actor.icsId}::uuid AND m.child_id = ${childId}::uuid AND m.ended_at IS NULL AND o.kind <> 'childrens-social-care'
     ORDER BY m.started_at, p.name`);
}

export type FamilyAppointment = { id: string; starts_at: string; place: string; hidden: boolean };

export function upcomingAppointments(tx: Tx, access: ChildAccess, forProxy: boolean): Promise<FamilyAppointment[]> {
  const { actor, childId } = checkedAccess(tx, access);
  const child = sql`${childId}::uuid`;
  return rows(tx, sql`SELECT b.id, sl.starts_at, v.name AS place,
         ${hiddenFromProxy(true, 'appointment', 'b', child)} AS hidden
      FROM clinic_booking b
      JOIN clinic_slot sl ON sl.ics_id = b.ics_id AND sl.id = b.slot_id
      JOIN clinic_session s ON s.ics_id = sl.ics_id AND s.id = sl.session_id
      JOIN organisation v ON v.ics_id = s.ics_id AND v.id = s.venue_id
     WHERE b.ics_id = ${actor.icsId}::uuid AND b.child_id = ${child} AND b.state = 'booked' AND sl.starts_at > now() AND s.cancelled_at IS NULL
       AND NOT ${recordedWhileFrozen('b', child, sql`b.booked_at`)}
       AND NOT ${hiddenFromProxy(forProxy, 'appointment', 'b', child)}
     ORDER BY sl.starts_at`);
}

export type FamilyLetter = { id: string; title: string; filed_at: string; hidden: boolean; source?: string; body?: { title: string; lines: { text: string; heading?: boolean }[] } };

/** The child's letters a family member may read: sent to the family, filed outside a freeze, not from social care, not kept from a proxy. */
const familyLetters = (icsId: string, childId: string, forProxy: boolean) => {
  const child = sql`${childId}::uuid`;
  return sql`FROM record_letter l JOIN organisation o ON o.ics_id = l.ics_id AND o.id = l.filed_by_organisation_id
     WHERE l.ics_id = ${icsId}::uuid AND l.child_id = ${child} AND o.kind <> 'childrens-social-care' AND l.source = ANY(${sql.param(FAMILY_LETTER_SOURCES)}::text[])
       AND NOT ${recordedWhileFrozen('l', child, sql`l.filed_at`)}
       AND NOT ${hiddenFromProxy(forProxy, 'letter', 'l', child)}`;
};

export function letters(tx: Tx, access: ChildAccess, forProxy: boolean): Promise<FamilyLetter[]> {
  const { actor, childId } = checkedAccess(tx, access);
  return rows(tx, sql`SELECT l.id, l.title, l.filed_at, l.source, ${hiddenFromProxy(true, 'letter', 'l', sql`${childId}::uuid`)} AS hidden
    ${familyLetters(actor.icsId, childId, forProxy)} ORDER BY l.filed_at DESC LIMIT 50`);
}

export async function letter(tx: Tx, access: ChildAccess, forProxy: boolean, letterId: string): Promise<FamilyLetter | undefined> {
  const { actor, childId } = checkedAccess(tx, access);
  const [found] = await rows<FamilyLetter>(tx, sql`SELECT l.id, l.title, l.filed_at, l.body, false AS hidden
    ${familyLetters(actor.icsId, childId, forProxy)} AND l.id = ${letterId}::uuid`);
  return found;
}

export type FamilyPlan = {
  id: string; title: string; status: string; what_matters: string; strengths: string; needs: string;
  contingency_what_to_do: string; contingency_who_to_call: string; review_on: string; key_worker: string;
  goals: { goal: string; measure: string; progress: string; target_on: string | null }[];
};

type PlanSnapshot = {
  plan: Pick<FamilyPlan, 'title' | 'what_matters' | 'strengths' | 'needs' | 'contingency_what_to_do' | 'contingency_who_to_call' | 'review_on'> & { key_worker_name: string };
  goals: FamilyPlan['goals'];
};

/**
 * The open care plan as the family sees it: what matters, needs, goals and
 * what to do if things change; never agencies' notes. A plan last changed
 * while the record was frozen is shown as it stood in its latest version
 * made outside a freeze (none: no plan), so nothing recorded during a
 * freeze reaches the family (H096, decision record 0037).
 */
export async function plan(tx: Tx, access: ChildAccess): Promise<FamilyPlan | undefined> {
  const { actor, childId } = checkedAccess(tx, access);
  const child = sql`${childId}::uuid`;
  const [found] = await rows<FamilyPlan & { changed_while_frozen: boolean }>(tx, sql`SELECT cp.id, cp.title, cp.status, cp.what_matters, cp.strengths, cp.needs,
         cp.contingency_what_to_do, cp.contingency_who_to_call, cp.review_on, p.name AS key_worker,
         coalesce((SELECT json_agg(json_build_object('goal', g.goal, 'measure', g.measure, 'progress', g.progress, 'target_on', g.target_on) ORDER BY g.position)
                     FROM care_plan_goal g WHERE g.ics_id = cp.ics_id AND g.plan_id = cp.id AND g.removed_at IS NULL), '[]'::json) AS goals,
         ${recordedWhileFrozen('cp', child, sql`cp.updated_at`)} AS changed_while_frozen
      FROM care_plan cp JOIN professional p ON p.ics_id = cp.ics_id AND p.id = cp.key_worker_id
     WHERE cp.ics_id = ${actor.icsId}::uuid AND cp.child_id = ${child} AND cp.status <> 'closed'`);
  if (!found) return undefined;
  const { changed_while_frozen: changedWhileFrozen, ...now } = found;
  if (!changedWhileFrozen) return now;
  const [before] = await rows<{ snapshot: PlanSnapshot }>(tx, sql`SELECT v.snapshot FROM care_plan_version v
     WHERE v.ics_id = ${actor.icsId}::uuid AND v.plan_id = ${found.id}::uuid AND NOT ${recordedWhileFrozen('v', child, sql`v.changed_at`)} ORDER BY v.version DESC LIMIT 1`);
  if (!before) return undefined;
  const { key_worker_name: keyWorker, ...fields } = before.snapshot.plan;
  return {
    id: found.id, status: found.status, key_worker: keyWorker, ...pick(fields),
    goals: before.snapshot.goals.map((g) => ({ goal: g.goal, measure: g.measure, progress: g.progress, target_on: g.target_on })),
  };
}

/** The family's fields of a plan snapshot, and nothing else it holds. */
const pick = (p: Omit<PlanSnapshot['plan'], 'key_worker_name'>) => ({
  title: p.title, what_matters: p.what_matters, strengths: p.strengths, needs: p.needs,
  contingency_what_to_do: p.contingency_what_to_do, contingency_who_to_call: p.contingency_who_to_call, review_on: p.review_on,
});

/** Whether an item of this kind is one of the child's, as the family pages show it (a young person hides only what they can see). */
export async function isFamilyItem(tx: Tx, access: ChildAccess, kind: 'letter' | 'appointment', itemId: string): Promise<boolean> {
  const listed = kind === 'letter' ? await letters(tx, access, false) : await upcomingAppointments(tx, access, false);
  return listed.some((i) => i.id === itemId);
}

export async function hideItem(tx: Tx, access: ChildAccess, kind: HideableKind, itemId: string): Promise<void> {
  const { childId } = checkedAccess(tx, access);
  await tx.execute(sql`INSERT INTO family_hidden_item (ics_id, child_id, item_kind, item_id) VALUES (${access.actor.icsId}::uuid, ${childId}::uuid, ${kind}, ${itemId}::uuid)
    ON CONFLICT DO NOTHING`);
}

/** The ids of the items of one kind the young person keeps from their parents. */
export async function hiddenIds(tx: Tx, access: ChildAccess, kind: HideableKind): Promise<Set<string>> {
  const { actor, childId } = checkedAccess(tx, access);
  const found = await rows<{ item_id: string }>(tx, sql`SELECT item_id FROM family_hidden_item WHERE ics_id = ${actor.icsId}::uuid AND child_id = ${childId}::uuid AND item_kind = ${kind}`);
  return new Set(found.map((r) => r.item_id));
}

/**
 * What the young person keeps from their parents, by the id a feedback offer
 * names as its source: hidden advice and appointments themselves, and the
 * source (clinic booking, MDT case, ward stay) of each hidden letter.
 */
export async function hiddenSources(tx: Tx, access: ChildAccess): Promise<Set<string>> {
  const { actor, childId } = checkedAccess(tx, access);
  const found = await rows<{ id: string }>(tx, sql`SELECT h.item_id AS id FROM family_hidden_item h
     WHERE h.ics_id = ${actor.icsId}::uuid AND h.child_id = ${childId}::uuid AND h.item_kind IN ('advice', 'appointment')
    UNION SELECT l.source_id AS id FROM family_hidden_item h JOIN record_letter l ON l.ics_id = h.ics_id AND l.id = h.item_id
     WHERE h.ics_id = ${actor.icsId}::uuid AND h.child_id = ${childId}::uuid AND h.item_kind = 'letter' AND l.source_id IS NOT NULL`);
  return new Set(found.map((r) => r.id));
}

export async function showItemAgain(tx: Tx, access: ChildAccess, kind: HideableKind, itemId: string): Promise<void> {
  const { actor, childId } = checkedAccess(tx, access);
  await tx.execute(sql`DELETE FROM family_hidden_item WHERE ics_id = ${actor.icsId}::uuid AND child_id = ${childId}::uuid AND item_kind = ${kind} AND item_id = ${itemId}::uuid`);
}

export type GrantedChild = { child_id: string; given_name: string; family_name: string; kind: 'proxy' | 'own-access' };

/** The children this person has been granted access to (not ended), by name: the family home lists them, then asks the door of each. */
export function grantedChildren(tx: Tx, icsId: string, nhsNumber: string, birthdate: string): Promise<GrantedChild[]> {
  return rows(tx, sql`SELECT DISTINCT ON (c.id) c.id AS child_id, c.given_name, c.family_name, g.kind
      FROM family_access_grant g JOIN child c ON c.ics_id = g.ics_id AND c.id = g.child_id
     WHERE g.ics_id = ${icsId}::uuid AND g.nhs_number = ${nhsNumber} AND g.date_of_birth = ${birthdate}::date AND g.status <> 'ended'
     ORDER BY c.id, g.granted_at DESC`);
}

/** The hub clinic administrators (they run the ICS's bookings), who take a family's request to change an appointment. */
export async function hubAdministrators(tx: Tx, icsId: string): Promise<string[]> {
  const found = await rows<{ id: string }>(tx, sql`SELECT id FROM professional WHERE ics_id = ${icsId}::uuid AND role = 'hub-admin' AND active ORDER BY id`);
  return found.map((p) => p.id);
}

export type DemoPerson = { given_name: string; family_name: string; nhs_number: string; birthdate: string };

/** The generator's demo parent (marked by email) and the young person with their own access in that parent's ICS: for the stand-in NHS login. */
export async function demoPeople(tx: Tx, parentEmail: string): Promise<{ parent?: DemoPerson; youngPerson?: DemoPerson }> {
  const [parent] = await rows<DemoPerson & { ics_id: string }>(tx, sql`SELECT ics_id, given_name, family_name, nhs_number, to_char(date_of_birth, 'YYYY-MM-DD') AS birthdate
    FROM related_person WHERE email = ${parentEmail} AND nhs_number IS NOT NULL ORDER BY ics_id LIMIT 1`);
  if (!parent) return {};
  const [youngPerson] = await rows<DemoPerson>(tx, sql`SELECT c.given_name, c.family_name, c.nhs_number, to_char(c.date_of_birth, 'YYYY-MM-DD') AS birthdate
    FROM family_access_grant g JOIN child c ON c.ics_id = g.ics_id AND c.id = g.child_id
   WHERE g.ics_id = ${parent.ics_id}::uuid AND g.kind = 'own-access' AND g.status = 'active' ORDER BY g.granted_at LIMIT 1`);
  return { parent, youngPerson };
}
