import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { checkedAccess, type ChildAccess } from '../platform/access/door.js';
import { registeredPracticeGps } from '../children/service.js';
import { addToWorklists } from '../worklist/service.js';

/**
 * Telling a young person who has no access of their own in Joinery about an
 * age milestone of their parents' access: Joinery cannot reach them, so the
 * age milestones job asks someone who can. Their GP practice's GPs get a
 * worklist item with what to tell them (in the words the young person would
 * have read); with no GP at the practice, the professionals who granted the
 * parents' access get it. Kept once per milestone, so the job running again
 * asks again for nothing.
 */

export type YoungPersonToTell = {
  child_id: string; given_name: string; milestone: number; on_day: string;
  /** What the young person is to be told, as their own notice would say it. */
  body: string;
  /** Who granted the proxies concerned: asked when the practice has no GP. */
  granted_by: string[];
};

/** Of the children whose proxies are due a notice, those with no live access of their own (who get their own notice otherwise). */
export async function withoutOwnAccess(tx: Tx, icsId: string, childIds: string[]): Promise<Set<string>> {
  if (!childIds.length) return new Set();
  const own = await rows<{ child_id: string }>(tx, sql`SELECT DISTINCT child_id FROM family_access_grant
    WHERE ics_id = ${icsId}::uuid AND kind = 'own-access' AND status <> 'ended' AND child_id = ANY(${sql.param(childIds)}::uuid[])`);
  const have = new Set(own.map((o) => o.child_id));
  return new Set(childIds.filter((id) => !have.has(id)));
}

/** Asks the practice (or the granting professionals) to tell the young person, once; false when already asked for this milestone. */
export async function askToTellYoungPerson(tx: Tx, access: ChildAccess, n: YoungPersonToTell): Promise<boolean> {
  const { actor, childId } = checkedAccess(tx, access);
  const gps = await registeredPracticeGps(tx, access);
  const toldBy = gps.length ? 'registered-practice' : 'granting-professional';
  const kept = await rows(tx, sql`INSERT INTO young_person_milestone_notice (ics_id, id, child_id, milestone, milestone_on, body, told_by)
    VALUES (${actor.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${childId}::uuid, ${n.milestone}, ${n.on_day}::date, ${n.body}, ${toldBy})
    ON CONFLICT (ics_id, child_id, milestone, milestone_on) DO NOTHING RETURNING id`);
  if (!kept.length) return false;
  const to = gps.length ? gps : [...new Set(n.granted_by)];
  await addToWorklists(tx, actor.icsId, to.map((professionalId) => ({
    professionalId, kind: 'family-tell-young-person', childId,
    title: `Tell ${n.given_name} (no online access of their own) about their parents’ access: “${n.body}”`,
    link: `/children/${childId}/family-access`, details: { milestone: n.milestone, milestoneOn: n.on_day },
  })));
  return true;
}
