import { sql, type SQL } from 'drizzle-orm';
import { rows, type Database } from '../../platform/db/client.js';
import { textArray } from '../../platform/db/bulk.js';
import { addMonths, londonToday } from '../../platform/time/form-dates.js';
import type { Actor } from '../../platform/access/actor.js';
import { nextMeetingWithRoom, scheduleMeetings } from '../../mdt/service.js';
import { COHORT_PROBLEM_CODES } from '../measures.js';

/**
 * Test set-up for case finding: children of a hub picked by what the
 * generator gave them, and activity events added for them (as the database
 * owner), so tests hold whatever the generator makes.
 */

const DAY = 86_400_000;

/** Adds `count` events for a child, 10 days apart from 10 days ago, at their practice and hub today. */
export async function addEvents(db: Database, icsId: string, childId: string, type: string, count: number, e: { reasonCode?: string; emergency?: boolean } = {}): Promise<void> {
  const times = Array.from({ length: count }, (_, i) => new Date(Date.now() - (10 + 10 * i) * DAY).toISOString());
  await db.owner.execute(sql`INSERT INTO activity_event (ics_id, child_id, type, occurred_at, month, age_years, practice_id, cluster_id, reason_code, emergency)
    SELECT c.ics_id, c.id, ${type}, t.at, date_trunc('month', t.at AT TIME ZONE 'Europe/London')::date,
           greatest(0, date_part('year', age((t.at AT TIME ZONE 'Europe/London')::date, c.date_of_birth)))::int,
           c.registered_practice_id, cp.cluster_id, ${e.reasonCode ?? null}, ${e.emergency ?? null}
      FROM child c LEFT JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
     CROSS JOIN unnest(${sql.param(times)}::timestamptz[]) AS t(at)
     WHERE c.ics_id = ${icsId}::uuid AND c.id = ${childId}::uuid`);
}

/** Events of a child in the last 12 months matching a test on `e`: what the generator (or a test) already gave them. */
export async function eventsInYear(db: Database, icsId: string, childId: string, where: SQL): Promise<number> {
  const since = addMonths(londonToday(), -12);
  const [r] = await rows<{ n: number }>(db.owner, sql`SELECT count(*)::int AS n FROM activity_event e
    WHERE e.ics_id = ${icsId}::uuid AND e.child_id = ${childId}::uuid AND e.occurred_at >= ${since}::date AND ${where}`);
  return r.n;
}

export type Picked = { id: string; given_name: string; family_name: string; nhs_number: string; registered_practice_id: string };

/**
 * Children of a hub under 17, not on any MDT case list to come, with no ED
 * attendance in the last 12 months; `extra` narrows further. Distinct from
 * `not`, in a fixed order.
 */
export async function pickChildren(db: Database, icsId: string, clusterId: string, n: number, extra: SQL = sql`TRUE`, not: string[] = []): Promise<Picked[]> {
  const since = addMonths(londonToday(), -12);
  return rows<Picked>(db.owner, sql`SELECT c.id, c.given_name, c.family_name, c.nhs_number, c.registered_practice_id FROM child c
    JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
   WHERE c.ics_id = ${icsId}::uuid AND cp.ics_id = ${icsId}::uuid AND cp.cluster_id = ${clusterId}::uuid AND c.date_of_birth > now() - interval '17 years' AND c.nhs_number IS NOT NULL
     AND NOT (c.id::text = ANY(${textArray(not)}))
     AND NOT EXISTS (SELECT 1 FROM activity_event e WHERE e.ics_id = ${icsId}::uuid AND e.ics_id = c.ics_id AND e.child_id = c.id AND e.type = 'ed' AND e.occurred_at >= ${since}::date)
     AND NOT EXISTS (SELECT 1 FROM mdt_case mc JOIN mdt_meeting m ON m.ics_id = mc.ics_id AND m.id = mc.meeting_id
                     WHERE mc.ics_id = ${icsId}::uuid AND m.ics_id = ${icsId}::uuid AND mc.ics_id = c.ics_id AND mc.child_id = c.id AND m.starts_at > now() AND mc.status = 'listed')
     AND ${extra}
   ORDER BY c.id LIMIT ${n}`);
}

/** SQL test on child `c` of the ICS: asthma on the problem list. */
export const hasAsthma = (icsId: string) => sql`EXISTS (SELECT 1 FROM record_entry r
  WHERE r.ics_id = ${icsId}::uuid AND r.ics_id = c.ics_id AND r.child_id = c.id AND r.kind = 'problem'
  AND r.code = ANY(${textArray(COHORT_PROBLEM_CODES.asthma)}) AND r.status <> 'entered-in-error')`;

/** SQL test on child `c` of the ICS: a referral or advice request in the last 12 months (or none, negated). */
export const referredInYear = (icsId: string, yes: boolean) => sql`${sql.raw(yes ? '' : 'NOT ')}EXISTS (SELECT 1 FROM referral f
  WHERE f.ics_id = ${icsId}::uuid AND f.ics_id = c.ics_id AND f.child_id = c.id
  AND f.created_at >= ${addMonths(londonToday(), -12)}::date)`;

/** The hub's next meeting with room, scheduling a run of them as its lead if there is none. */
export async function ensureMeeting(db: Database, lead: Actor, clusterId: string): Promise<string> {
  const next = () => db.tenant(lead.icsId, (tx) => nextMeetingWithRoom(tx, lead, clusterId, new Date()));
  if (!(await next())) {
    await db.tenant(lead.icsId, (tx) => scheduleMeetings(tx, lead, {
      clusterId, title: 'Hub MDT meeting', firstDate: addMonths(londonToday(), 1), time: '13:00', durationMinutes: '90', repeatWeeks: '4', count: '3', maxCases: '8', venue: 'The practice',
    }, londonToday()));
  }
  return (await next())!.id;
}
