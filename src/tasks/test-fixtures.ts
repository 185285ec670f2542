import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import type { TestJoinery } from '../../test/joinery.js';
import { actorFor } from '../../test/actors.js';
import { inIcs, one } from '../../test/in-ics.js';
import { londonToday } from '../platform/time/form-dates.js';
import type { Tx } from '../platform/db/client.js';
import { openChild } from '../platform/access/door.js';
import { createTasks, type NewTask } from './service.js';

/** What the task service tests share: the people an action can be for, children to agree actions for, and a way to agree one. */

export const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export type TaskPeople = {
  /** The child's GP: sees the child through the practice registration, owns no action. */
  gp: Actor;
  /** A health visitor and a colleague of the same community team: a team action is theirs to take on. */
  hv: Actor;
  hvColleague: Actor;
  /** Owns actions by name. */
  senco: Actor;
  /** Accountable for the actions (a key worker, or whoever brought the MDT case). */
  keyWorker: Actor;
  /** Lead paediatrician of the children's hub: overdue actions reach them after CLUSTER_LEAD_AFTER_DAYS. */
  lead: Actor;
  /** No task list at all. */
  analyst: Actor;
  /** A social worker with no part in these children's care. */
  stranger: Actor;
};

export async function taskPeople(j: TestJoinery): Promise<TaskPeople> {
  const as = (email: string) => actorFor(j.db, email);
  const hv = await as('health-visitor@demo.joinery.test');
  const colleague = await one<{ email: string }>(j, sql`SELECT email FROM professional WHERE organisation_id = ${hv.organisationId}::uuid
    AND role = 'health-visitor' AND active AND id <> ${hv.professionalId}::uuid ORDER BY id LIMIT 1`);
  const gp = await as('gp@demo.joinery.test');
  const lead = await one<{ email: string }>(j, sql`SELECT p.email FROM cluster_practice cp JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
    JOIN professional p ON p.id = cl.lead_paediatrician_id WHERE cp.ics_id = ${gp.icsId}::uuid AND cl.ics_id = ${gp.icsId}::uuid AND cp.practice_id = ${gp.organisationId}::uuid`);
  return {
    gp, hv, hvColleague: await as(colleague.email), senco: await as('senco@demo.joinery.test'), keyWorker: await as('care-coordinator@demo.joinery.test'),
    lead: await as(lead.email), analyst: await as('ics-analyst@demo.joinery.test'), stranger: await as('social-worker@demo.joinery.test'),
  };
}

/**
 * Children of the GP's practice that none of these people cares for, refers,
 * or meets at an MDT, with no actions yet: so each test's actions, list and
 * audit rows are its own.
 */
export async function quietChildren(j: TestJoinery, p: TaskPeople, n: number): Promise<string[]> {
  const people = [p.hv, p.hvColleague, p.senco, p.keyWorker, p.lead, p.stranger].map((a) => a.professionalId);
  const found = await rows<{ id: string }>(j.db.owner, sql`SELECT c.id FROM child c WHERE c.ics_id = ${p.gp.icsId}::uuid AND c.registered_practice_id = ${p.gp.organisationId}::uuid
    AND NOT EXISTS (SELECT 1 FROM care_team_member m WHERE m.ics_id = ${p.gp.icsId}::uuid AND m.ics_id = c.ics_id AND m.child_id = c.id
      AND m.professional_id::text IN (${sql.join(people.map((id) => sql`${id}`), sql`, `)}))
    AND NOT EXISTS (SELECT 1 FROM task t WHERE t.ics_id = ${p.gp.icsId}::uuid AND t.ics_id = c.ics_id AND t.child_id = c.id)
    AND NOT EXISTS (SELECT 1 FROM referral r WHERE r.ics_id = ${p.gp.icsId}::uuid AND r.ics_id = c.ics_id AND r.child_id = c.id)
    AND NOT EXISTS (SELECT 1 FROM mdt_case mc WHERE mc.ics_id = ${p.gp.icsId}::uuid AND mc.ics_id = c.ics_id AND mc.child_id = c.id)
    AND NOT EXISTS (SELECT 1 FROM record_freeze f WHERE f.ics_id = ${p.gp.icsId}::uuid AND f.ics_id = c.ics_id AND f.child_id = c.id)
    ORDER BY c.id LIMIT ${n}`);
  if (found.length < n) throw new Error(`only ${found.length} quiet children`);
  return found.map((c) => c.id);
}

/** Why the key worker agreed the actions: the reason the care plan's door gives, which each action's audit carries. */
export const AGREED_WHY = 'Care team: Key worker (care plan)';

/**
 * The door to the child as the care plan opens it for the key worker to agree
 * an action (these quiet children have no care team, so the scene grants it).
 */
export const agreeing = (tx: Tx, actor: Actor, childId: string) =>
  openChild(tx, actor, childId, { rule: () => ({ allowed: true, why: AGREED_WHY }), refused: 'agreeing an action' });

/** One action agreed for the child by the key worker, owned by `owner` (a person, or a team by its organisation). */
export async function agree(j: TestJoinery, p: TaskPeople, childId: string, over: Partial<Omit<NewTask, 'access'>> & { owner: NewTask['owner'] }): Promise<string> {
  const [id] = await inIcs(j, async (tx) => createTasks(tx, [{
    access: await agreeing(tx, p.keyWorker, childId), source: 'care-plan', sourceId: crypto.randomUUID(), agency: 'health', description: 'Check inhaler technique at home',
    accountableProfessionalId: p.keyWorker.professionalId, dueOn: addDays(londonToday(), 30), ...over,
  }]));
  return id;
}

export const person = (a: Actor): NewTask['owner'] => ({ kind: 'professional', id: a.professionalId });
export const team = (a: Actor): NewTask['owner'] => ({ kind: 'organisation', id: a.organisationId });

/** The action as stored, with who owns it and at what version. */
export const taskRow = (j: TestJoinery, id: string) =>
  one<{ status: string; outcome: string | null; version: number; owner_professional_id: string | null; owner_organisation_id: string | null }>(
    j, sql`SELECT status, outcome, version, owner_professional_id, owner_organisation_id FROM task WHERE id = ${id}::uuid`);
