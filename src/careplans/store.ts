import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { checkedAccess, type ChildAccess } from '../platform/access/door.js';
import type { Agency, PlanStatus } from './schema.js';
import type { GoalInput, PlanInput } from './plan-input.js';

export type PlanRow = {
  id: string; child_id: string; status: PlanStatus; title: string; what_matters: string; strengths: string; needs: string; at_school: string;
  contingency_what_to_do: string; contingency_who_to_call: string; key_worker_id: string; key_worker_name: string; key_worker_role: string;
  key_worker_organisation: string; review_on: string; shared_with: Agency[]; withdrawn_from: ConsentWithdrawal[]; agreed_version: number | null; agreed_by_name: string | null;
  agreed_at: string | null; family_agreement: string | null; version: number; created_at: string; updated_at: string;
};

/** An agency the family has withdrawn consent from since sharing: the care team is told on the plan. */
export type ConsentWithdrawal = { agency: Agency; on: string };

export type GoalRow = { id: string; agency: Agency; goal: string; measure: string; target_on: string | null; progress: string; position: number };

/**
 * Whom the plan is shared with beyond health is the child's consent as it
 * stands now (consent_current), not a list kept on the plan: a withdrawal
 * takes effect at once for every read of the plan.
 */
const AUDIENCE = sql`ARRAY(SELECT cc.agency FROM consent_current cc WHERE cc.ics_id = p.ics_id AND cc.child_id = p.child_id
      AND cc.decision = 'given' AND cc.agency IN ('social-care', 'education', 'youth-justice') ORDER BY cc.agency)::text[] AS shared_with,
  coalesce((SELECT json_agg(json_build_object('agency', cc.agency, 'on', cc.decided_at) ORDER BY cc.agency) FROM consent_current cc
      WHERE cc.ics_id = p.ics_id AND cc.child_id = p.child_id AND cc.decision = 'withdrawn' AND cc.agency IN ('social-care', 'education', 'youth-justice')),
    '[]'::json) AS withdrawn_from`;

const PLAN_COLUMNS = sql`p.id, p.child_id, p.status, p.title, p.what_matters, p.strengths, p.needs, p.at_school, p.contingency_what_to_do,
  p.contingency_who_to_call, p.key_worker_id, kw.name AS key_worker_name, kw.role AS key_worker_role, kwo.name AS key_worker_organisation,
  p.review_on, ${AUDIENCE}, p.agreed_version, ab.name AS agreed_by_name, p.agreed_at, p.family_agreement, p.version, p.created_at, p.updated_at`;
const PLAN_JOINS = sql`JOIN professional kw ON kw.ics_id = p.ics_id AND kw.id = p.key_worker_id
  JOIN organisation kwo ON kwo.ics_id = kw.ics_id AND kwo.id = kw.organisation_id
  LEFT JOIN professional ab ON ab.ics_id = p.ics_id AND ab.id = p.agreed_by`;

/** The child's open plan (a child has at most one that is not closed). */
export async function openPlan(tx: Tx, icsId: string, childId: string): Promise<PlanRow | undefined> {
  const [found] = await rows<PlanRow>(
    tx, sql`SELECT ${PLAN_COLUMNS} FROM care_plan p ${PLAN_JOINS} WHERE p.ics_id = ${icsId}::uuid AND p.child_id = ${childId}::uuid AND p.status <> 'closed'`,
  );
  return found;
}

/** Which of these children have an open plan (a Bulk Data export's chunk asks once, then reads only theirs). */
export async function childrenWithOpenPlans(tx: Tx, icsId: string, childIds: readonly string[]): Promise<Set<string>> {
  if (!childIds.length) return new Set();
  const found = await rows<{ child_id: string }>(tx, sql`SELECT child_id FROM care_plan
    WHERE ics_id = ${icsId}::uuid AND child_id = ANY(${`{${childIds.join(',')}}`}::uuid[]) AND status <> 'closed'`);
  return new Set(found.map((f) => f.child_id));
}

/** The child an open plan, or one of its goals, belongs to: how a FHIR read by id finds the plan. */
export async function childOfPlanPart(tx: Tx, icsId: string, kind: 'plan' | 'goal', id: string): Promise<string | undefined> {
  const [found] = await rows<{ child_id: string }>(
    tx,
    kind === 'plan'
      ? sql`SELECT child_id FROM care_plan WHERE ics_id = ${icsId}::uuid AND id = ${id}::uuid AND status <> 'closed'`
      : sql`SELECT p.child_id FROM care_plan_goal g JOIN care_plan p ON p.ics_id = g.ics_id AND p.id = g.plan_id
             WHERE g.ics_id = ${icsId}::uuid AND g.id = ${id}::uuid AND g.removed_at IS NULL AND p.status <> 'closed'`,
  );
  return found?.child_id;
}

export function goalsOf(tx: Tx, icsId: string, planId: string): Promise<GoalRow[]> {
  return rows<GoalRow>(
    tx,
    sql`SELECT id, agency, goal, measure, target_on, progress, position FROM care_plan_goal
         WHERE ics_id = ${icsId}::uuid AND plan_id = ${planId}::uuid AND removed_at IS NULL ORDER BY position, id`,
  );
}

/** Starts the child's plan, under the access the door gave to start it. */
export async function insertPlan(tx: Tx, access: ChildAccess, id: string, p: PlanInput): Promise<void> {
  const { actor, childId } = checkedAccess(tx, access);
  await tx.execute(sql`INSERT INTO care_plan (ics_id, id, child_id, status, title, what_matters, strengths, needs, at_school, contingency_what_to_do,
      contingency_who_to_call, key_worker_id, review_on, version)
    VALUES (${actor.icsId}::uuid, ${id}::uuid, ${childId}::uuid, 'draft', ${p.title}, ${p.whatMatters}, ${p.strengths}, ${p.needs}, ${p.atSchool},
      ${p.contingencyWhatToDo}, ${p.contingencyWhoToCall}, ${p.keyWorkerId}::uuid, ${p.reviewOn}::date, 1)`);
}

/**
 * Moves the plan to its next version if it is still at the version the change
 * was made against; false when someone else changed it first. Any change
 * returns an agreed plan to draft until it is signed off again.
 */
export async function bumpVersion(tx: Tx, icsId: string, planId: string, expectedVersion: number, p?: PlanInput): Promise<boolean> {
  const content = p
    ? sql`, title = ${p.title}, what_matters = ${p.whatMatters}, strengths = ${p.strengths}, needs = ${p.needs}, at_school = ${p.atSchool},
        contingency_what_to_do = ${p.contingencyWhatToDo}, contingency_who_to_call = ${p.contingencyWhoToCall},
        key_worker_id = ${p.keyWorkerId}::uuid, review_on = ${p.reviewOn}::date`
    : sql``;
  const updated = await rows(
    tx,
    sql`UPDATE care_plan SET version = version + 1, status = 'draft', updated_at = now() ${content}
         WHERE ics_id = ${icsId}::uuid AND id = ${planId}::uuid AND version = ${expectedVersion} RETURNING id`,
  );
  return updated.length === 1;
}

export async function markAgreed(tx: Tx, actor: Actor, planId: string, expectedVersion: number, familyAgreement: string): Promise<boolean> {
  const updated = await rows(
    tx,
    sql`UPDATE care_plan SET status = 'agreed', agreed_version = version, agreed_by = ${actor.professionalId}::uuid, agreed_at = now(),
           family_agreement = ${familyAgreement} WHERE ics_id = ${actor.icsId}::uuid AND id = ${planId}::uuid AND version = ${expectedVersion} AND status = 'draft' RETURNING id`,
  );
  return updated.length === 1;
}

/** The goal goes last. Its position is read first: Citus refuses a subquery inside INSERT … VALUES. */
export async function insertGoal(tx: Tx, actor: Actor, id: string, planId: string, g: GoalInput): Promise<void> {
  const [{ next }] = await rows<{ next: number }>(tx, sql`SELECT coalesce(max(position), 0) + 1 AS next FROM care_plan_goal
    WHERE ics_id = ${actor.icsId}::uuid AND plan_id = ${planId}::uuid`);
  await tx.execute(sql`INSERT INTO care_plan_goal (ics_id, id, plan_id, agency, goal, measure, target_on, progress, position)
    VALUES (${actor.icsId}::uuid, ${id}::uuid, ${planId}::uuid, ${g.agency}, ${g.goal}, ${g.measure}, ${g.targetOn ?? null}::date, ${g.progress}, ${next})`);
}

export async function updateGoal(tx: Tx, icsId: string, planId: string, goalId: string, g: GoalInput): Promise<boolean> {
  const updated = await rows(
    tx,
    sql`UPDATE care_plan_goal SET agency = ${g.agency}, goal = ${g.goal}, measure = ${g.measure}, target_on = ${g.targetOn ?? null}::date,
           progress = ${g.progress} WHERE ics_id = ${icsId}::uuid AND id = ${goalId}::uuid AND plan_id = ${planId}::uuid AND removed_at IS NULL RETURNING id`,
  );
  return updated.length === 1;
}

export async function removeGoal(tx: Tx, icsId: string, planId: string, goalId: string): Promise<boolean> {
  const updated = await rows(
    tx,
    sql`UPDATE care_plan_goal SET removed_at = now() WHERE ics_id = ${icsId}::uuid AND id = ${goalId}::uuid AND plan_id = ${planId}::uuid AND removed_at IS NULL RETURNING id`,
  );
  return updated.length === 1;
}

export async function insertVersion(tx: Tx, actor: Actor, planId: string, version: number, change: string, snapshot: object): Promise<void> {
  await tx.execute(sql`INSERT INTO care_plan_version (ics_id, plan_id, version, changed_by, changed_by_name, change, snapshot)
    VALUES (${actor.icsId}::uuid, ${planId}::uuid, ${version}, ${actor.professionalId}::uuid, ${actor.name}, ${change}, ${JSON.stringify(snapshot)}::jsonb)`);
}

export type VersionRow = { version: number; changed_by_name: string; changed_at: string; change: string };

export function versionsOf(tx: Tx, icsId: string, planId: string): Promise<VersionRow[]> {
  return rows<VersionRow>(
    tx,
    sql`SELECT version, changed_by_name, changed_at, change FROM care_plan_version
         WHERE ics_id = ${icsId}::uuid AND plan_id = ${planId}::uuid ORDER BY version DESC`,
  );
}

/** One version and the one before it, to show what changed. */
export function versionPair(tx: Tx, icsId: string, planId: string, version: number) {
  return rows<VersionRow & { snapshot: Snapshot }>(
    tx,
    sql`SELECT version, changed_by_name, changed_at, change, snapshot FROM care_plan_version
         WHERE ics_id = ${icsId}::uuid AND plan_id = ${planId}::uuid AND version IN (${version}, ${version - 1}) ORDER BY version DESC`,
  );
}

/** A plan as it stood at one version: its fields, goals and actions. */
export type Snapshot = {
  plan: Omit<PlanRow, 'version' | 'created_at' | 'updated_at' | 'agreed_at' | 'agreed_by_name' | 'agreed_version' | 'status' | 'family_agreement' | 'withdrawn_from'>;
  goals: GoalRow[];
  actions: { id: string; description: string; owner: string; due_on: string; status: string; agency: string }[];
  /** The family's own actions as they stood (versions kept before these were kept have none). */
  familyActions?: FamilyActionAt[];
};

/** One of the family's actions as a version keeps it. */
export type FamilyActionAt = {
  id: string; description: string; owner: string; private_to_young_person: boolean; due_on: string | null; done_at: string | null; done_by_name: string | null;
};

/** The key worker of the child's open plan, for notifications. */
export async function keyWorkerOf(tx: Tx, icsId: string, childId: string): Promise<{ key_worker_id: string; status: PlanStatus } | undefined> {
  const [found] = await rows<{ key_worker_id: string; status: PlanStatus }>(
    tx,
    sql`SELECT key_worker_id, status FROM care_plan WHERE ics_id = ${icsId}::uuid AND child_id = ${childId}::uuid AND status <> 'closed'`,
  );
  return found;
}

export type ReviewRow = { plan_id: string; child_id: string; title: string; review_on: string; key_worker_name: string; status: PlanStatus };

/** Open plans changed since they were last signed off (or never signed off), whose key worker is this professional: theirs to sign off with the family. */
export function draftsToSignOff(tx: Tx, icsId: string, keyWorkerId: string): Promise<(ReviewRow & { updated_at: string; agreed_version: number | null })[]> {
  return rows(
    tx,
    sql`SELECT p.id AS plan_id, p.child_id, p.title, p.review_on, kw.name AS key_worker_name, p.status, p.updated_at, p.agreed_version
          FROM care_plan p JOIN professional kw ON kw.ics_id = p.ics_id AND kw.id = p.key_worker_id
         WHERE p.ics_id = ${icsId}::uuid AND p.status = 'draft' AND p.key_worker_id = ${keyWorkerId}::uuid
         ORDER BY p.updated_at, p.id LIMIT 500`,
  );
}

/** Open plans whose key worker works in the organisation, due for review by `until` (overdue ones included). */
export function reviewsDue(tx: Tx, icsId: string, organisationId: string, until: string): Promise<ReviewRow[]> {
  return rows<ReviewRow>(
    tx,
    sql`SELECT p.id AS plan_id, p.child_id, p.title, p.review_on, kw.name AS key_worker_name, p.status
          FROM care_plan p JOIN professional kw ON kw.ics_id = p.ics_id AND kw.id = p.key_worker_id
         WHERE p.ics_id = ${icsId}::uuid AND p.status <> 'closed' AND kw.organisation_id = ${organisationId}::uuid AND p.review_on <= ${until}::date
         ORDER BY p.review_on, p.id LIMIT 500`,
  );
}
