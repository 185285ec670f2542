import crypto from 'node:crypto';
import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { checkedAccess, type ChildAccess } from '../platform/access/door.js';
import { recordedWhileFrozen } from '../platform/access/freeze.js';
import type { FieldErrors } from '../platform/http/errors.js';
import { parseWithRules, text } from '../platform/http/validate.js';
import { FAMILY_ACTION_OWNERS, type FamilyActionOwner } from './schema.js';

/**
 * The plan's actions that are the family's own to do. Professionals add them
 * to the plan (a change of the plan, so a new version) and see on the plan
 * when the family marked one done; the family reads and marks them on their
 * own pages. A young person's action they asked to keep private never reaches
 * a proxy, and nothing added while the record was frozen reaches the family.
 */

export type FamilyActionRow = {
  id: string; description: string; owner: FamilyActionOwner; private_to_young_person: boolean; due_on: string | null;
  added_by_name: string; added_at: string; done_at: string | null; done_by_name: string | null;
  /** A parent or carer may see it: not kept private by the young person, not added while the record was frozen. */
  reaches_proxy: boolean;
};

/** Whether a proxy may see the action `a` (a freeze's items reach no one in the family, a young person's private ones no proxy). */
const reachesFamily = sql`NOT ${recordedWhileFrozen('a', sql`a.child_id`, sql`a.added_at`)}`;
const reachesProxy = sql`(NOT a.private_to_young_person AND ${reachesFamily})`;

const COLUMNS = sql`a.id, a.description, a.owner, a.private_to_young_person, to_char(a.due_on, 'YYYY-MM-DD') AS due_on,
  a.added_by_name, a.added_at, a.done_at, a.done_by_name, ${reachesProxy} AS reaches_proxy`;

const familyActionShape = z.object({
  description: text('what the family will do', { max: 500, multiline: true }),
  owner: z.enum(FAMILY_ACTION_OWNERS, { error: 'Select who in the family will do it' }),
  privateToYoungPerson: z.enum(['yes']).optional(),
  dueOn: z.union([z.literal(''), z.iso.date({ error: 'Enter the due date as a date' })]).optional().transform((v) => v || null),
});
export type FamilyActionInput = z.infer<typeof familyActionShape>;

export const readFamilyActionInput = (raw: unknown, today: string): FamilyActionInput =>
  parseWithRules(familyActionShape, raw, (a) => {
    const fields: FieldErrors = {};
    if (a.dueOn && a.dueOn < today) fields.dueOn = 'Due date must be today or in the future';
    if (a.privateToYoungPerson && a.owner !== 'young-person') fields.privateToYoungPerson = 'Only the young person’s own action can be kept from their parents';
    return fields;
  });

/** Every family action of a plan, for the care team (private ones included: the confidence is kept from proxies, not from the team). */
export function familyActionsOfPlan(tx: Tx, icsId: string, planId: string): Promise<FamilyActionRow[]> {
  return rows(tx, sql`SELECT ${COLUMNS} FROM care_plan_family_action a WHERE a.ics_id = ${icsId}::uuid AND a.plan_id = ${planId}::uuid ORDER BY a.done_at NULLS FIRST, a.due_on NULLS LAST, a.added_at`);
}

export async function insertFamilyAction(tx: Tx, access: ChildAccess, planId: string, input: FamilyActionInput): Promise<void> {
  const { actor, childId } = checkedAccess(tx, access);
  await tx.execute(sql`INSERT INTO care_plan_family_action (ics_id, id, plan_id, child_id, description, owner, private_to_young_person, due_on, added_by, added_by_name)
    VALUES (${actor.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${planId}::uuid, ${childId}::uuid, ${input.description}, ${input.owner},
      ${input.privateToYoungPerson === 'yes'}, ${input.dueOn}::date, ${actor.professionalId}::uuid, ${actor.name})`);
}

/**
 * The family actions of the child's open plan a family member may see, in
 * SQL so no list or count can hold the rest: a proxy never sees the young
 * person's private ones, and nobody in the family sees one added while the
 * record was frozen.
 */
export function familyActionsFor(tx: Tx, access: ChildAccess, forProxy: boolean): Promise<FamilyActionRow[]> {
  const { actor, childId } = checkedAccess(tx, access);
  return rows(tx, sql`SELECT ${COLUMNS} FROM care_plan_family_action a
      JOIN care_plan cp ON cp.ics_id = a.ics_id AND cp.id = a.plan_id
     WHERE a.ics_id = ${actor.icsId}::uuid AND a.child_id = ${childId}::uuid AND cp.status <> 'closed'
       AND ${forProxy ? reachesProxy : reachesFamily}
     ORDER BY a.done_at NULLS FIRST, a.due_on NULLS LAST, a.added_at`);
}

/**
 * Marks one of the family's actions done, by the family member, once: the
 * action must be one they may see and owned by them (a proxy the parent's or
 * carer's, a young person their own). False when it is not, or already done.
 */
export async function markFamilyActionDone(tx: Tx, access: ChildAccess, actionId: string, asProxy: boolean): Promise<FamilyActionRow | null> {
  const mine = (await familyActionsFor(tx, access, asProxy)).find((a) => a.id === actionId);
  if (!mine || mine.done_at || mine.owner !== (asProxy ? 'parent-or-carer' : 'young-person')) return null;
  const [done] = await rows<FamilyActionRow>(tx, sql`UPDATE care_plan_family_action a SET done_at = now(), done_by_name = ${access.actor.name}
     WHERE a.ics_id = ${access.actor.icsId}::uuid AND a.id = ${actionId}::uuid AND a.child_id = ${access.childId}::uuid AND a.done_at IS NULL
     RETURNING ${COLUMNS}`);
  return done ?? null;
}
