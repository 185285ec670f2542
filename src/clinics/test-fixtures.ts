import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import type { TestJoinery } from '../../test/joinery.js';
import { actorFor } from '../../test/actors.js';
import { londonToday } from '../platform/time/form-dates.js';
import { moveReferral, submitReferral } from '../referrals/service.js';
import { ClinicWarnings, setUpSession } from './sessions.js';

/** What the clinic tests share: the demo hub, referrals waiting for a clinic, and sessions in it. */

export const inIcs = <T>(j: TestJoinery, fn: (tx: Parameters<Parameters<TestJoinery['db']['tenant']>[1]>[0]) => Promise<T>) => j.db.tenant(j.ics.icsId, fn);
export const one = async <T>(j: TestJoinery, q: ReturnType<typeof sql>) => (await rows<T>(j.db.owner, q))[0];
export const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export type Hub = { clusterId: string; clusterName: string; venueId: string; otherHubVenueId: string; gpId: string; leadId: string };

/** The demo GP's hub: its first practice as the venue, a GP of it, and a practice of another hub. */
export async function demoHub(j: TestJoinery): Promise<Hub> {
  const hub = await one<{ cluster_id: string; name: string; lead: string; practice_id: string }>(j, sql`SELECT cp.cluster_id, cl.name, cl.lead_paediatrician_id AS lead, cp.practice_id
    FROM cluster_practice cp JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id JOIN professional p ON p.ics_id = cp.ics_id AND p.organisation_id = cp.practice_id
    WHERE cp.ics_id = ${j.ics.icsId}::uuid AND cl.ics_id = ${j.ics.icsId}::uuid AND p.email = 'gp@demo.joinery.test'`);
  // A small demo ICS may have one hub: add a second, with a practice of its own, for clinics in the wrong hub.
  const other = { practice_id: crypto.randomUUID() };
  const otherHub = crypto.randomUUID();
  await j.db.owner.execute(sql`INSERT INTO organisation (ics_id, id, ods_code, name, kind, place_id)
    SELECT ics_id, ${other.practice_id}::uuid, 'Z99001', 'Faraway Surgery', 'gp-practice', place_id FROM cluster WHERE ics_id = ${j.ics.icsId}::uuid AND id = ${hub.cluster_id}::uuid`);
  await j.db.owner.execute(sql`INSERT INTO cluster (ics_id, id, name, place_id) SELECT ics_id, ${otherHub}::uuid, 'Faraway Hub', place_id FROM cluster WHERE ics_id = ${j.ics.icsId}::uuid AND id = ${hub.cluster_id}::uuid`);
  await j.db.owner.execute(sql`INSERT INTO cluster_practice (ics_id, cluster_id, practice_id) VALUES (${j.ics.icsId}::uuid, ${otherHub}::uuid, ${other.practice_id}::uuid)`);
  const gp = await one<{ id: string }>(j, sql`SELECT id FROM professional WHERE email = 'gp@demo.joinery.test'`);
  return { clusterId: hub.cluster_id, clusterName: hub.name, venueId: hub.practice_id, otherHubVenueId: other.practice_id, gpId: gp.id, leadId: hub.lead };
}

/** Referrals from the demo GP, still waiting for the paediatrician's triage: `n` of them, for different children. */
export async function submittedReferrals(j: TestJoinery, n: number, urgency = 'routine'): Promise<{ id: string; childId: string }[]> {
  const gp = await actorFor(j.db, 'gp@demo.joinery.test');
  const today = londonToday();
  const children = await rows<{ id: string }>(j.db.owner, sql`SELECT c.id FROM child c WHERE c.ics_id = ${j.ics.icsId}::uuid AND c.registered_practice_id = ${gp.organisationId}::uuid
    AND NOT EXISTS (SELECT 1 FROM referral r WHERE r.ics_id = ${j.ics.icsId}::uuid AND r.ics_id = c.ics_id AND r.child_id = c.id) ORDER BY c.id LIMIT ${n}`);
  const made: { id: string; childId: string }[] = [];
  for (const c of children) {
    const id = await inIcs(j, (tx) => submitReferral(tx, gp, { childId: c.id, kind: 'referral', urgency, reason: 'Recurrent abdominal pain', question: 'Is this functional abdominal pain?' }, today));
    made.push({ id, childId: c.id });
  }
  if (made.length < n) throw new Error(`only ${made.length} children without referrals`);
  return made;
}

/** Referrals from the demo GP, triaged to the hub clinic: `n` of them, for different children. */
export async function waitingReferrals(j: TestJoinery, n: number, urgency = 'routine'): Promise<{ id: string; childId: string }[]> {
  const today = londonToday();
  const made = await submittedReferrals(j, n, urgency);
  for (const { id } of made) {
    const dm = await one<{ email: string }>(j, sql`SELECT p.email FROM referral r JOIN professional p ON p.id = r.decision_maker_id WHERE r.ics_id = ${j.ics.icsId}::uuid AND r.id = ${id}::uuid`);
    const triager = await actorFor(j.db, dm.email);
    await inIcs(j, (tx) => moveReferral(tx, triager, id, { to: 'awaiting-booking', note: 'Joint clinic please', version: 1 }, today));
  }
  return made;
}

/** A clinic in the hub a week (or `inDays`) from today, set up by the actor; its slots in order. */
export async function sessionIn(j: TestJoinery, actor: Actor, hub: Hub, over: Record<string, string> = {}, inDays = 7) {
  const setUp = (confirm?: string) => inIcs(j, (tx) => setUpSession(tx, actor, {
    clusterId: hub.clusterId, venueId: hub.venueId, date: addDays(londonToday(), inDays), time: '09:30', slotMinutes: '20', slotCount: '4',
    format: 'joint', paediatricianId: hub.leadId, gpId: hub.gpId, ...over, confirm,
  }));
  // Tests set up several clinics at one time, on whatever day a week from today is: the warnings are confirmed, as a person would.
  const id = await setUp().catch((error: unknown) => {
    if (error instanceof ClinicWarnings) return setUp(error.confirmation);
    throw error;
  });
  const slots = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM clinic_slot WHERE ics_id = ${j.ics.icsId}::uuid AND session_id = ${id}::uuid ORDER BY starts_at`);
  return { id, slots: slots.map((s) => s.id) };
}

/** Moves a session (and its slots) into the past, as if the clinic had been held (in UTC, where the arithmetic is immutable: Citus refuses a STABLE function or operator beside a column in an UPDATE). */
export async function holdSession(j: TestJoinery, sessionId: string, days = 10) {
  await j.db.owner.execute(sql`UPDATE clinic_slot SET starts_at = ((starts_at AT TIME ZONE 'UTC') - ${days}::int * interval '1 day') AT TIME ZONE 'UTC' WHERE ics_id = ${j.ics.icsId}::uuid AND session_id = ${sessionId}::uuid`);
  await j.db.owner.execute(sql`UPDATE clinic_session SET starts_at = ((starts_at AT TIME ZONE 'UTC') - ${days}::int * interval '1 day') AT TIME ZONE 'UTC' WHERE ics_id = ${j.ics.icsId}::uuid AND id = ${sessionId}::uuid`);
}
