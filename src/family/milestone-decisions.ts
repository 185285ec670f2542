import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { checkedAccess, type ChildAccess } from '../platform/access/door.js';

/**
 * Store of the decisions professionals record at an age milestone (migration
 * 0049), one new row each, never changed: the review at the ICS's review age
 * with the young person's view, the young person's consent at 16 or 18, or a
 * court-appointed deputyship at 18. Recording one lifts the age milestones
 * job's pause for that milestone.
 */

export type MilestoneDecision = { milestone: 'review' | '16' | '18'; basis: 'young-persons-view' | 'young-person-consent' | 'deputyship'; note: string };

export type RecordedDecision = MilestoneDecision & { grant_id: string; recorded_by_name: string; recorded_at: string };

export function decisionsOfChild(tx: Tx, access: ChildAccess): Promise<RecordedDecision[]> {
  const { actor, childId } = checkedAccess(tx, access);
  return rows(tx, sql`SELECT grant_id, milestone, basis, note, recorded_by_name, recorded_at FROM family_access_review
    WHERE ics_id = ${actor.icsId}::uuid AND child_id = ${childId}::uuid ORDER BY recorded_at DESC, id`);
}

/** The paused reason the job gave at this milestone, so recording the decision resumes only what the job paused for it. */
const PAUSED_FOR: Record<MilestoneDecision['milestone'], string> = { review: 'Turned %: paused until a professional reviews it%', '16': 'Turned 16:%', '18': 'Turned 18:%' };

/** Records the decision on a live proxy grant of this child; false when the grant is not one. Resumes a pause the job made for this milestone. */
export async function recordDecision(tx: Tx, access: ChildAccess, grantId: string, d: MilestoneDecision): Promise<boolean> {
  const { actor, childId } = checkedAccess(tx, access);
  // The grant is found first and the review written as VALUES: Citus 13 could not run this INSERT … SELECT … RETURNING on a
  // worker ("missing FROM-clause entry for table family_access_review", decision 0029).
  const [grant] = await rows<{ id: string }>(tx, sql`SELECT g.id FROM family_access_grant g
    WHERE g.ics_id = ${actor.icsId}::uuid AND g.id = ${grantId}::uuid AND g.child_id = ${childId}::uuid AND g.kind = 'proxy' AND g.status <> 'ended' FOR UPDATE`);
  if (!grant) return false;
  await tx.execute(sql`INSERT INTO family_access_review (ics_id, id, grant_id, child_id, milestone, basis, note, recorded_by, recorded_by_name)
    VALUES (${actor.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${grantId}::uuid, ${childId}::uuid, ${d.milestone}, ${d.basis}, ${d.note}, ${actor.professionalId}::uuid, ${actor.name})`);
  const agreed = d.milestone === '16' ? sql`, young_person_agreed_on = current_date` : sql``;
  const resumed = await rows<{ id: string }>(tx, sql`UPDATE family_access_grant SET status = 'active', status_reason = NULL, version = version + 1 ${agreed}
    WHERE ics_id = ${actor.icsId}::uuid AND id = ${grantId}::uuid AND status = 'suspended' AND status_reason LIKE ${PAUSED_FOR[d.milestone]} RETURNING id`);
  if (!resumed.length && d.milestone === '16') await tx.execute(sql`UPDATE family_access_grant SET version = version + 1 ${agreed} WHERE ics_id = ${actor.icsId}::uuid AND id = ${grantId}::uuid`);
  const change = d.milestone === 'review' ? 'reviewed' : d.basis === 'deputyship' ? 'deputyship-recorded' : 'young-person-agreed';
  await tx.execute(sql`INSERT INTO family_access_event (ics_id, id, grant_id, by_professional_id, by_name, change, status, may_see, ends_on, reason)
    SELECT g.ics_id, ${crypto.randomUUID()}::uuid, g.id, ${actor.professionalId}::uuid, ${actor.name}, ${change}, g.status, g.may_see, g.ends_on, ${d.note}
      FROM family_access_grant g WHERE g.ics_id = ${actor.icsId}::uuid AND g.id = ${grantId}::uuid`);
  return true;
}
