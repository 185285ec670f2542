import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import type { Decision } from '../platform/access/decision.js';
import { openChild, type ChildAccess } from '../platform/access/door.js';
import { referralPolicy, type Relation } from './policy.js';
import * as store from './store.js';

/**
 * How the actor stands to one referral, from the data: they sent it, it is
 * theirs to decide, they lead its hub or cover its triage today, they run the
 * clinic the child is booked into, or they book clinics and it is waiting for
 * (or in) a booking. Deny by default: no relation, no access.
 */
export async function relationsTo(tx: Tx, actor: Actor, r: store.ReferralRow, today: string): Promise<Set<Relation>> {
  const found = new Set<Relation>();
  if (r.referrer_id === actor.professionalId) found.add('referrer');
  if (r.decision_maker_id === actor.professionalId) found.add('decision-maker');
  if (r.lead_id === actor.professionalId) found.add('lead');
  if (referralPolicy.triage(actor).allowed && (await store.coversToday(tx, actor, r.cluster_id, today))) found.add('cover');
  if (await store.runsClinicFor(tx, actor, r.id)) found.add('clinician');
  if (referralPolicy.book(actor, r.state).allowed) found.add('booking-admin');
  return found;
}

/**
 * Opens the door to a referral's child with the referral's own decision: who
 * may act on a referral follows from how they stand to it, not to the child.
 */
export function openReferralChild(tx: Tx, actor: Actor, r: store.ReferralRow, decision: Decision, refused: string): Promise<ChildAccess> {
  return openChild(tx, actor, r.child_id, { rule: () => decision, refused });
}
