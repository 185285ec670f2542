import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../platform/db/client.js';
import { bulkInsert } from '../platform/db/bulk.js';

/**
 * A hand-made hub in the demo ICS whose figures are known exactly: practice
 * P with 8 registered children and practice Q with none, January to June 2026.
 *
 *   month  advice  referrals   (referrals: R1 Jan; R2, R3, A2 converted Feb; Q1 Mar; R4 Apr; A3 converted May)
 *   Jan    1 (A1)  1
 *   Feb    0       3
 *   Mar    0       1
 *   Apr    0       1           (R4 made 31 March 23:30 UTC: 1 April in London)
 *   May    1 (A3)  1
 *   Jun    0       0           (R5 made 30 June 23:30 UTC: 1 July in London, outside)
 *
 * Direct referrals triaged: R1 advice (2 days), R2 hub clinic (4), R3 referred on (0.5), R4 hub clinic (8).
 * Seen: R2 (30 days), R4 (40), A2 (30 from its conversion) in the community; R3 in hospital.
 * Advice answered: A1 (1 day), A3 (3 days, then converted). Clinics: 3 seen, 1 did not attend (and one moved, one outside).
 */
export const HAND_MADE = { from: '2026-01', to: '2026-06', hubName: 'Hand-made activity hub' };

/** `lead`: the email of a paediatrician to lead the hub (none by default), so a clinician can see its figures unsuppressed. */
export async function addHandMadeHub(db: Database, icsId: string, lead?: string): Promise<{ clusterId: string; practiceId: string }> {
  const owner = db.owner;
  const [place] = await rows<{ id: string }>(owner, sql`SELECT id FROM place WHERE ics_id = ${icsId}::uuid ORDER BY id LIMIT 1`);
  const [gp] = await rows<{ id: string }>(owner, sql`SELECT id FROM professional WHERE email = 'gp@demo.joinery.test'`);
  const [paed] = await rows<{ id: string }>(owner, sql`SELECT id FROM professional WHERE email = 'paediatrician@demo.joinery.test'`);
  const id = () => crypto.randomUUID();
  const [p, q, clusterId] = [id(), id(), id()];
  const ics = { ics_id: icsId };
  await bulkInsert(owner, 'organisation', [
    { ...ics, id: p, ods_code: 'HM001', name: 'Hand-made practice P', kind: 'gp-practice', place_id: place.id },
    { ...ics, id: q, ods_code: 'HM002', name: 'Hand-made practice Q', kind: 'gp-practice', place_id: place.id },
  ]);
  const [leader] = lead ? await rows<{ id: string }>(owner, sql`SELECT id FROM professional WHERE email = ${lead}`) : [];
  await bulkInsert(owner, 'cluster', [{ ...ics, id: clusterId, name: HAND_MADE.hubName, place_id: place.id, lead_paediatrician_id: leader?.id ?? null }]);
  await bulkInsert(owner, 'cluster_practice', [{ ...ics, cluster_id: clusterId, practice_id: p }, { ...ics, cluster_id: clusterId, practice_id: q }]);
  const children = Array.from({ length: 8 }, (_, i) => ({
    ...ics, id: id(), given_name: 'Hand', family_name: `Made${i}`, date_of_birth: '2018-05-01', sex: 'female', ethnic_category: 'A', registered_practice_id: p,
  }));
  await bulkInsert(owner, 'child', children);

  type R = { kind: string; created: string; triaged?: string; outcome?: string; seen?: string; seenIn?: string; converted?: string; practice?: string; state?: string };
  const made: Record<string, R> = {
    R1: { kind: 'referral', created: '2026-01-10T09:00:00Z', triaged: '2026-01-12T09:00:00Z', outcome: 'advice-given' },
    R2: { kind: 'referral', created: '2026-02-01T10:00:00Z', triaged: '2026-02-05T10:00:00Z', outcome: 'awaiting-booking', seen: '2026-03-03T10:00:00Z', seenIn: 'community' },
    R3: { kind: 'referral', created: '2026-02-20T12:00:00Z', triaged: '2026-02-21T00:00:00Z', outcome: 'referred-on', seenIn: 'hospital' },
    R4: { kind: 'referral', created: '2026-03-31T23:30:00Z', triaged: '2026-04-08T23:30:00Z', outcome: 'awaiting-booking', seen: '2026-05-10T23:30:00Z', seenIn: 'community' },
    R5: { kind: 'referral', created: '2026-06-30T23:30:00Z', state: 'awaiting-triage' },
    R6: { kind: 'referral', created: '2025-12-31T23:30:00Z', state: 'awaiting-triage' },
    Q1: { kind: 'referral', created: '2026-03-15T12:00:00Z', state: 'awaiting-triage', practice: q },
    A1: { kind: 'advice', created: '2026-01-05T09:00:00Z', triaged: '2026-01-06T09:00:00Z', outcome: 'advice-given' },
    A2: { kind: 'referral', created: '2025-12-20T09:00:00Z', triaged: '2025-12-21T09:00:00Z', outcome: 'advice-given', converted: '2026-02-10T10:00:00Z', seen: '2026-03-12T10:00:00Z', seenIn: 'community' },
    A3: { kind: 'referral', created: '2026-05-02T09:00:00Z', triaged: '2026-05-05T09:00:00Z', outcome: 'advice-given', converted: '2026-05-10T09:00:00Z', state: 'awaiting-triage' },
  };
  const ids: Record<string, string> = {};
  await bulkInsert(owner, 'referral', Object.entries(made).map(([name, r], i) => {
    ids[name] = id();
    return {
      ...ics, id: ids[name], child_id: children[i % 8].id, kind: r.kind, referrer_id: gp.id, referring_practice_id: r.practice ?? p, cluster_id: clusterId,
      decision_maker_id: paed.id, urgency: 'routine', reason: 'Hand-made', question: 'Hand-made', tried: '', state: r.state ?? r.outcome ?? 'closed',
      due_on: r.created.slice(0, 10), version: 1, triaged_at: r.triaged ?? null, triage_outcome: r.outcome ?? null, first_seen_at: r.seen ?? null,
      seen_in: r.seenIn ?? null, converted_at: r.converted ?? null, created_at: r.created, updated_at: r.created,
    };
  }));

  const booking = (referral: string, at: string, state: string) => ({ referral, at, state, session: id(), slot: id() });
  const bookings = [
    booking('R2', '2026-03-03T10:00:00Z', 'seen'), booking('A2', '2026-03-12T10:00:00Z', 'seen'), booking('R4', '2026-04-20T10:00:00Z', 'did-not-attend'),
    booking('R4', '2026-04-27T10:00:00Z', 'moved'), booking('R4', '2026-05-10T23:30:00Z', 'seen'), booking('R5', '2026-08-01T10:00:00Z', 'did-not-attend'),
  ];
  await bulkInsert(owner, 'clinic_session', bookings.map((b) => ({
    ...ics, id: b.session, cluster_id: clusterId, venue_id: p, starts_at: b.at, slot_minutes: 20, slot_count: 1, format: 'joint', paediatrician_id: paed.id, gp_id: gp.id, created_by: paed.id,
  })));
  await bulkInsert(owner, 'clinic_slot', bookings.map((b) => ({ ...ics, id: b.slot, session_id: b.session, starts_at: b.at })));
  await bulkInsert(owner, 'clinic_booking', bookings.map((b) => ({
    ...ics, id: id(), slot_id: b.slot, referral_id: ids[b.referral], child_id: children[0].id, state: b.state, booked_by: paed.id, booked_by_name: 'Hand-made', booked_at: b.at,
  })));
  return { clusterId, practiceId: p };
}
