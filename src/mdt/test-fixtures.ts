import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import type { TestJoinery } from '../../test/joinery.js';
import { actorFor } from '../../test/actors.js';
import { inIcs, one } from '../../test/in-ics.js';
import { addMonths, londonToday } from '../platform/time/form-dates.js';
import { inviteMember, scheduleMeetings } from './service.js';

/** What the MDT service tests share: the hub and its people, children of it, and meetings scheduled through the service. */


export type MdtPeople = {
  /** Leads the hub: schedules its meetings and chairs them. */
  lead: Actor;
  /** A GP of a practice in the hub: brings children registered there. */
  gp: Actor;
  /** Members from other agencies, who do not care for the hub's children otherwise. */
  socialWorker: Actor;
  senco: Actor;
  /** A paediatrician who leads no hub. */
  otherPaediatrician: Actor;
  analyst: Actor;
};

export type Hub = { id: string; name: string };

export async function mdtPeople(j: TestJoinery): Promise<{ people: MdtPeople; hub: Hub }> {
  const as = (email: string) => actorFor(j.db, email);
  const gp = await as('gp@demo.joinery.test');
  const hub = await one<{ id: string; name: string; lead_email: string }>(j, sql`SELECT cl.id, cl.name, p.email AS lead_email FROM cluster_practice cp
    JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id JOIN professional p ON p.id = cl.lead_paediatrician_id
    WHERE cp.ics_id = ${gp.icsId}::uuid AND cl.ics_id = ${gp.icsId}::uuid AND cp.practice_id = ${gp.organisationId}::uuid`);
  // The hub leads first: a correlated subquery on a distributed table under a reference table does not run on Citus.
  const leads = (await rows<{ id: string }>(j.db.owner, sql`SELECT lead_paediatrician_id AS id FROM cluster
    WHERE ics_id = ${gp.icsId}::uuid AND lead_paediatrician_id IS NOT NULL`)).map((l) => l.id);
  const other = await one<{ email: string }>(j, sql`SELECT p.email FROM professional p WHERE p.ics_id = ${gp.icsId}::uuid AND p.role = 'paediatrician' AND p.active
    AND NOT (p.id = ANY(${sql.param(leads)}::uuid[])) ORDER BY p.id LIMIT 1`);
  return {
    people: {
      lead: await as(hub.lead_email), gp, socialWorker: await as('social-worker@demo.joinery.test'), senco: await as('senco@demo.joinery.test'),
      otherPaediatrician: await as(other.email), analyst: await as('ics-analyst@demo.joinery.test'),
    },
    hub: { id: hub.id, name: hub.name },
  };
}

/** Children registered with the GP's practice whom the social worker and SENCO do not care for, and who have no MDT case or referral yet. */
export async function hubChildren(j: TestJoinery, people: MdtPeople, n: number): Promise<string[]> {
  const found = await rows<{ id: string }>(j.db.owner, sql`SELECT c.id FROM child c WHERE c.ics_id = ${people.gp.icsId}::uuid AND c.registered_practice_id = ${people.gp.organisationId}::uuid
    AND NOT EXISTS (SELECT 1 FROM care_team_member m WHERE m.ics_id = ${people.gp.icsId}::uuid AND m.ics_id = c.ics_id AND m.child_id = c.id
      AND m.professional_id IN (${people.socialWorker.professionalId}::uuid, ${people.senco.professionalId}::uuid))
    AND NOT EXISTS (SELECT 1 FROM mdt_case mc WHERE mc.ics_id = ${people.gp.icsId}::uuid AND mc.ics_id = c.ics_id AND mc.child_id = c.id)
    AND NOT EXISTS (SELECT 1 FROM referral r WHERE r.ics_id = ${people.gp.icsId}::uuid AND r.ics_id = c.ics_id AND r.child_id = c.id)
    AND NOT EXISTS (SELECT 1 FROM task t WHERE t.ics_id = ${people.gp.icsId}::uuid AND t.ics_id = c.ics_id AND t.child_id = c.id)
    ORDER BY c.id LIMIT ${n}`);
  if (found.length < n) throw new Error(`only ${found.length} children of the hub`);
  return found.map((c) => c.id);
}

/** A scheduling form for the hub: `count` meetings a month apart from a month from now, 13:00 London time. */
export const scheduleForm = (hub: Hub, over: Record<string, unknown> = {}) => ({
  clusterId: hub.id, title: 'Hub MDT', firstDate: addMonths(londonToday(), 1), time: '13:00', durationMinutes: '90', repeatWeeks: '4', count: '1', maxCases: '4',
  venue: 'Willowbrook Surgery', ...over,
});

/** A meeting the lead schedules and chairs, with these members invited. */
export async function meetingWith(j: TestJoinery, people: MdtPeople, hub: Hub, members: Actor[], over: Record<string, unknown> = {}): Promise<string> {
  const [id] = await inIcs(j, (tx) => scheduleMeetings(tx, people.lead, scheduleForm(hub, over), londonToday()));
  for (const m of members) await inIcs(j, (tx) => inviteMember(tx, people.lead, id, m.professionalId, false));
  return id;
}

/** The meeting's time comes: it started an hour ago (cases are brought before it, attendance and outcomes recorded after). */
export async function meetingHasStarted(j: TestJoinery, meetingId: string): Promise<void> {
  await j.db.owner.execute(sql`UPDATE mdt_meeting SET starts_at = now() - interval '1 hour' WHERE id = ${meetingId}::uuid`);
}

/** Emergency department attendances for the child, this many days ago each, recorded by their practice. */
export async function edAttendances(j: TestJoinery, childId: string, daysAgo: number[]): Promise<void> {
  for (const days of daysAgo) {
    await j.db.owner.execute(sql`INSERT INTO contact (ics_id, id, child_id, type, started_at, reason_display, organisation_id, recording_organisation_id)
      SELECT ics_id, gen_random_uuid(), id, 'ed', now() - make_interval(days => ${days}), 'Wheeze', registered_practice_id, registered_practice_id FROM child WHERE id = ${childId}::uuid`);
  }
}

/** Why a member who does not otherwise care for a child may see them: the meeting's case list. */
export const MDT_CASE_WHY = 'MDT case discussion: on the case list of an MDT meeting you are invited to';
