import { sql } from 'drizzle-orm';
import type { Actor } from '../platform/access/actor.js';

/**
 * Predicate over an open referral aliased `rf`: the child is booked (or was
 * seen) in a clinic the actor runs, for that referral. The referral's
 * relationship (referrals/relationship.ts) takes it from the composition root.
 * The booking names the actor's ICS itself: beside another way in (an OR),
 * PostgreSQL may run this once for every booking and match it by hash, and
 * then only a value, not rf's ics_id, keeps it on one shard.
 */
export function bookedIntoYourClinicSql(actor: Actor) {
  return sql`EXISTS (SELECT 1 FROM clinic_booking b JOIN clinic_slot s ON s.ics_id = b.ics_id AND s.id = b.slot_id
                 JOIN clinic_session cs ON cs.ics_id = s.ics_id AND cs.id = s.session_id
                 WHERE b.ics_id = ${actor.icsId}::uuid AND b.ics_id = rf.ics_id AND b.referral_id = rf.id AND b.state IN ('booked', 'seen')
                   AND ${actor.professionalId}::uuid IN (cs.paediatrician_id, cs.gp_id))`;
}
