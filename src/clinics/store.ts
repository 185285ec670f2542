import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { bulkInsert } from '../platform/db/bulk.js';
import type { ReferralState, Urgency } from '../referrals/index.js';
import type { BookingState, ClinicFormat, ClinicNext } from './schema.js';

/** Timestamps arrive as Date objects from both drivers; they are read with new Date() wherever used. */
type Instant = string | Date;

export type SessionRow = {
  id: string; cluster_id: string; cluster_name: string; lead_paediatrician_id: string | null; venue_id: string; venue_name: string;
  starts_at: Instant; slot_minutes: number; slot_count: number; format: ClinicFormat;
  paediatrician_id: string | null; paediatrician_name: string | null; gp_id: string; gp_name: string; cancelled_at: Instant | null; taken: number;
};

/** A booking holds its slot unless it was moved or cancelled (the same rule as the partial unique index). */
const HOLDS_SLOT = sql`b.state NOT IN ('moved', 'cancelled')`;

// Every table is given the ICS as a value, not only tied to the session's: Citus then sends the statement to one shard, which
// it must for FOR SHARE / FOR UPDATE ("could not run distributed query with FOR UPDATE/SHARE commands", decision 0029).
const sessionColumns = (icsId: string) => sql`s.id, s.cluster_id, cl.name AS cluster_name, cl.lead_paediatrician_id, s.venue_id, v.name AS venue_name, s.starts_at,
    s.slot_minutes, s.slot_count, s.format, s.paediatrician_id, pp.name AS paediatrician_name, s.gp_id, gp.name AS gp_name, s.cancelled_at,
    (SELECT count(*)::int FROM clinic_booking b JOIN clinic_slot sl ON sl.ics_id = b.ics_id AND sl.id = b.slot_id
      WHERE b.ics_id = ${icsId}::uuid AND sl.ics_id = ${icsId}::uuid AND sl.ics_id = s.ics_id AND sl.session_id = s.id AND ${HOLDS_SLOT}) AS taken`;

const SESSION_FROM = sql`clinic_session s JOIN cluster cl ON cl.ics_id = s.ics_id AND cl.id = s.cluster_id
  JOIN organisation v ON v.ics_id = s.ics_id AND v.id = s.venue_id
  LEFT JOIN professional pp ON pp.ics_id = s.ics_id AND pp.id = s.paediatrician_id
  JOIN professional gp ON gp.ics_id = s.ics_id AND gp.id = s.gp_id`;

const session = (icsId: string) => sql`SELECT ${sessionColumns(icsId)} FROM ${SESSION_FROM}`;

/**
 * The session; with `forUpdate`, its row stays locked until the transaction
 * ends, so no booking (which holds it FOR SHARE) lands while it is changed.
 */
export async function sessionById(tx: Tx, icsId: string, id: string, forUpdate = false): Promise<SessionRow | undefined> {
  const [found] = await rows<SessionRow>(tx, sql`${session(icsId)} WHERE s.ics_id = ${icsId}::uuid AND s.id = ${id}::uuid ${forUpdate ? sql`FOR UPDATE OF s` : sql``}`);
  return found;
}

/**
 * Sessions from `from` on, soonest first: all of the ICS's, or only those the
 * professional runs or whose hub they lead.
 */
export function sessionsFrom(tx: Tx, icsId: string, from: string, professionalId: string | null, limit = 300): Promise<SessionRow[]> {
  const mine: SQL = professionalId
    ? sql`AND ${professionalId}::uuid IN (s.paediatrician_id, s.gp_id, cl.lead_paediatrician_id)`
    : sql``;
  return rows<SessionRow>(tx, sql`${session(icsId)} WHERE s.ics_id = ${icsId}::uuid AND s.starts_at >= ${from}::date ${mine} ORDER BY s.starts_at, s.id LIMIT ${limit}`);
}

/** Clinics not cancelled that any of these clinicians runs and that overlap the time from `startsAt` to `endsAt`. */
export function overlappingSessions(tx: Tx, icsId: string, clinicianIds: string[], startsAt: string, endsAt: string): Promise<SessionRow[]> {
  if (!clinicianIds.length) return Promise.resolve([]);
  const ids = sql.join(clinicianIds.map((id) => sql`${id}::uuid`), sql`, `);
  return rows<SessionRow>(tx, sql`${session(icsId)} WHERE s.ics_id = ${icsId}::uuid AND s.cancelled_at IS NULL AND (s.paediatrician_id IN (${ids}) OR s.gp_id IN (${ids}))
    AND s.starts_at < ${endsAt}::timestamptz AND s.starts_at + make_interval(mins => s.slot_minutes * s.slot_count) > ${startsAt}::timestamptz
    ORDER BY s.starts_at, s.id LIMIT 20`);
}

export type NewSession = {
  id: string; clusterId: string; venueId: string; startsAt: string; slotMinutes: number; slotCount: number; format: ClinicFormat;
  paediatricianId: string | null; gpId: string;
};

/** The session and its slots, cut at equal intervals from the start. */
export async function insertSession(tx: Tx, actor: Actor, s: NewSession, slots: { id: string; startsAt: string }[]): Promise<void> {
  await tx.execute(sql`INSERT INTO clinic_session (ics_id, id, cluster_id, venue_id, starts_at, slot_minutes, slot_count, format, paediatrician_id, gp_id, created_by)
    VALUES (${actor.icsId}::uuid, ${s.id}::uuid, ${s.clusterId}::uuid, ${s.venueId}::uuid, ${s.startsAt}::timestamptz, ${s.slotMinutes}, ${s.slotCount},
            ${s.format}, ${s.paediatricianId}::uuid, ${s.gpId}::uuid, ${actor.professionalId}::uuid)`);
  await bulkInsert(tx, 'clinic_slot', slots.map((slot) => ({ ics_id: actor.icsId, id: slot.id, session_id: s.id, starts_at: slot.startsAt })));
}

export async function cancelSession(tx: Tx, icsId: string, id: string): Promise<boolean> {
  const done = await rows(tx, sql`UPDATE clinic_session SET cancelled_at = now() WHERE ics_id = ${icsId}::uuid AND id = ${id}::uuid AND cancelled_at IS NULL RETURNING id`);
  return done.length === 1;
}

export type SlotRow = {
  id: string; starts_at: Instant; booking_id: string | null; state: BookingState | null; child_id: string | null; referral_id: string | null;
  urgency: Urgency | null; referral_version: number | null;
};

/** A session's slots with the booking holding each, if any. */
export function slotsOf(tx: Tx, icsId: string, sessionId: string): Promise<SlotRow[]> {
  return rows<SlotRow>(
    tx,
    sql`SELECT sl.id, sl.starts_at, b.id AS booking_id, b.state, b.child_id, b.referral_id, r.urgency, r.version AS referral_version
          FROM clinic_slot sl
          LEFT JOIN clinic_booking b ON b.ics_id = sl.ics_id AND b.slot_id = sl.id AND ${HOLDS_SLOT}
          LEFT JOIN referral r ON r.ics_id = b.ics_id AND r.id = b.referral_id
         WHERE sl.ics_id = ${icsId}::uuid AND sl.session_id = ${sessionId}::uuid ORDER BY sl.starts_at, sl.id`,
  );
}

export type SlotCheck = { slot: { id: string; starts_at: Instant; taken: boolean }; session: SessionRow };

/**
 * A slot with its session, read at once. The session row is held FOR SHARE
 * until the transaction ends: cancelling the session (FOR UPDATE) waits for a
 * booking in flight, and a booking waits for a cancellation, so a cancelled
 * clinic never gains a booking.
 */
export async function slotById(tx: Tx, icsId: string, id: string): Promise<SlotCheck | undefined> {
  const [found] = await rows<SessionRow & { slot_id: string; slot_starts_at: Instant; slot_taken: boolean }>(
    tx,
    sql`SELECT ${sessionColumns(icsId)}, sl.id AS slot_id, sl.starts_at AS slot_starts_at,
               EXISTS (SELECT 1 FROM clinic_booking b WHERE b.ics_id = ${icsId}::uuid AND b.ics_id = sl.ics_id AND b.slot_id = sl.id AND ${HOLDS_SLOT}) AS slot_taken
          FROM ${SESSION_FROM} JOIN clinic_slot sl ON sl.ics_id = s.ics_id AND sl.session_id = s.id
         WHERE s.ics_id = ${icsId}::uuid AND sl.id = ${id}::uuid FOR SHARE OF s`,
  );
  if (!found) return undefined;
  const { slot_id, slot_starts_at, slot_taken, ...session } = found;
  return { slot: { id: slot_id, starts_at: slot_starts_at, taken: slot_taken }, session };
}

export type FreeSlot = { id: string; starts_at: Instant; session_id: string; venue_name: string; format: ClinicFormat; paediatrician_name: string | null; gp_name: string };

/** Free slots in the hub's sessions still to come, soonest first. */
export function freeSlots(tx: Tx, icsId: string, clusterId: string, limit = 60): Promise<FreeSlot[]> {
  return rows<FreeSlot>(
    tx,
    sql`SELECT sl.id, sl.starts_at, s.id AS session_id, v.name AS venue_name, s.format, pp.name AS paediatrician_name, gp.name AS gp_name
          FROM clinic_slot sl JOIN clinic_session s ON s.ics_id = sl.ics_id AND s.id = sl.session_id
          JOIN organisation v ON v.ics_id = s.ics_id AND v.id = s.venue_id
          LEFT JOIN professional pp ON pp.ics_id = s.ics_id AND pp.id = s.paediatrician_id
          JOIN professional gp ON gp.ics_id = s.ics_id AND gp.id = s.gp_id
         WHERE s.ics_id = ${icsId}::uuid AND s.cluster_id = ${clusterId}::uuid AND s.cancelled_at IS NULL AND sl.starts_at > now()
           AND NOT EXISTS (SELECT 1 FROM clinic_booking b WHERE b.ics_id = sl.ics_id AND b.slot_id = sl.id AND ${HOLDS_SLOT})
         ORDER BY sl.starts_at, sl.id LIMIT ${limit}`,
  );
}

export type BookingRow = {
  id: string; slot_id: string; session_id: string; slot_starts_at: Instant; referral_id: string; child_id: string; state: BookingState;
  seen_jointly: boolean | null; plan: string | null; next: ClinicNext | null; next_service: string | null; end_note: string | null;
};

const BOOKING = sql`SELECT b.id, b.slot_id, sl.session_id, sl.starts_at AS slot_starts_at, b.referral_id, b.child_id, b.state, b.seen_jointly, b.plan, b.next, b.next_service, b.end_note
  FROM clinic_booking b JOIN clinic_slot sl ON sl.ics_id = b.ics_id AND sl.id = b.slot_id`;

export async function bookingById(tx: Tx, icsId: string, id: string): Promise<BookingRow | undefined> {
  const [found] = await rows<BookingRow>(tx, sql`${BOOKING} WHERE b.ics_id = ${icsId}::uuid AND b.id = ${id}::uuid`);
  return found;
}

/** The referral's booking that still stands, if any. */
export async function liveBookingOf(tx: Tx, icsId: string, referralId: string): Promise<BookingRow | undefined> {
  const [found] = await rows<BookingRow>(tx, sql`${BOOKING} WHERE b.ics_id = ${icsId}::uuid AND b.referral_id = ${referralId}::uuid AND b.state = 'booked'`);
  return found;
}

/** Inserts a booking; the partial unique indexes refuse a taken slot or a second live booking of the referral (23505). */
export async function insertBooking(tx: Tx, actor: Actor, b: { id: string; slotId: string; referralId: string; childId: string }): Promise<void> {
  await tx.execute(sql`INSERT INTO clinic_booking (ics_id, id, slot_id, referral_id, child_id, state, booked_by, booked_by_name)
    VALUES (${actor.icsId}::uuid, ${b.id}::uuid, ${b.slotId}::uuid, ${b.referralId}::uuid, ${b.childId}::uuid, 'booked', ${actor.professionalId}::uuid, ${actor.name})`);
}

export type BookingEnd = { state: 'moved' | 'did-not-attend' | 'seen'; note?: string | null; seenJointly?: boolean; plan?: string; next?: ClinicNext; nextService?: string | null };

/** Ends a booking that is still booked; false when someone else ended it first. */
export async function endBooking(tx: Tx, actor: Actor, id: string, e: BookingEnd): Promise<boolean> {
  const done = await rows(
    tx,
    sql`UPDATE clinic_booking SET state = ${e.state}, ended_by = ${actor.professionalId}::uuid, ended_by_name = ${actor.name}, ended_at = now(),
           end_note = ${e.note ?? null}, seen_jointly = ${e.seenJointly ?? null}, plan = ${e.plan ?? null}, next = ${e.next ?? null}, next_service = ${e.nextService ?? null}
         WHERE ics_id = ${actor.icsId}::uuid AND id = ${id}::uuid AND state = 'booked' RETURNING id`,
  );
  return done.length === 1;
}

export type WaitingRow = {
  id: string; child_id: string; urgency: Urgency; state: ReferralState; cluster_id: string; cluster_name: string; referred_at: Instant; version: number;
};

/**
 * Referrals waiting for a clinic across the ICS (after triage, or after a
 * missed appointment): most urgent first, then longest waiting. The page
 * comes from pageWindow over countWaitingForClinic.
 */
export function waitingForClinic(tx: Tx, icsId: string, page: { offset: number; size: number }): Promise<WaitingRow[]> {
  return rows<WaitingRow>(
    tx,
    sql`SELECT r.id, r.child_id, r.urgency, r.state, r.cluster_id, cl.name AS cluster_name, r.created_at AS referred_at, r.version
          FROM referral r JOIN cluster cl ON cl.ics_id = r.ics_id AND cl.id = r.cluster_id
         WHERE r.ics_id = ${icsId}::uuid AND r.state IN ('awaiting-booking', 'did-not-attend')
         ORDER BY CASE r.urgency WHEN 'urgent' THEN 0 WHEN 'soon' THEN 1 ELSE 2 END, r.created_at, r.id LIMIT ${page.size} OFFSET ${page.offset}`,
  );
}

export async function countWaitingForClinic(tx: Tx, icsId: string): Promise<number> {
  const [{ n }] = await rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM referral WHERE ics_id = ${icsId}::uuid AND state IN ('awaiting-booking', 'did-not-attend')`);
  return n;
}

export type Choice = { id: string; name: string; cluster_id: string | null; detail: string | null };

/** Hubs an actor may set clinics up for: every hub for an administrator, else those they lead. */
export function clustersFor(tx: Tx, icsId: string, leadId: string | null): Promise<Choice[]> {
  return rows<Choice>(
    tx,
    sql`SELECT cl.id, cl.name, cl.id AS cluster_id, NULL AS detail FROM cluster cl
         WHERE cl.ics_id = ${icsId}::uuid AND ${leadId === null ? sql`true` : sql`cl.lead_paediatrician_id = ${leadId}::uuid`} ORDER BY cl.name`,
  );
}

/** The practices of those hubs: where a clinic can be held. */
export function practicesOf(tx: Tx, icsId: string, clusterIds: string[]): Promise<Choice[]> {
  if (!clusterIds.length) return Promise.resolve([]);
  return rows<Choice>(
    tx,
    sql`SELECT o.id, o.name, cp.cluster_id, NULL AS detail FROM cluster_practice cp JOIN organisation o ON o.ics_id = cp.ics_id AND o.id = cp.practice_id
         WHERE cp.ics_id = ${icsId}::uuid AND cp.cluster_id IN (${sql.join(clusterIds.map((id) => sql`${id}::uuid`), sql`, `)}) ORDER BY o.name`,
  );
}

/** GPs of those hubs' practices, and every paediatrician of the ICS: who can run a clinic. */
export function cliniciansOf(tx: Tx, icsId: string, clusterIds: string[]): Promise<(Choice & { role: 'gp' | 'paediatrician' })[]> {
  const hubs = clusterIds.length ? sql.join(clusterIds.map((id) => sql`${id}::uuid`), sql`, `) : sql`NULL`;
  return rows(
    tx,
    sql`SELECT p.id, p.name, p.role, cp.cluster_id, o.name AS detail FROM professional p
          JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id
          LEFT JOIN cluster_practice cp ON cp.ics_id = p.ics_id AND cp.practice_id = p.organisation_id
         WHERE p.ics_id = ${icsId}::uuid AND p.active AND (p.role = 'paediatrician' OR (p.role = 'gp' AND cp.cluster_id IN (${hubs})))
         ORDER BY p.role, p.name, p.id LIMIT 3000`,
  );
}
