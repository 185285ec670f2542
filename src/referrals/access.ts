import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import type { Decision } from '../platform/access/policy.js';
import type { Mover, ReferralState } from './state-machine.js';
import * as store from './store.js';

/**
 * How the actor stands to one referral, from the data: they sent it, it is
 * theirs to decide, they lead its hub or cover its triage today, they run the
 * clinic the child is booked into, or they book clinics and it is waiting for
 * (or in) a booking. Deny by default: no relation, no access.
 */
export type Relation = 'referrer' | 'decision-maker' | 'lead' | 'cover' | 'clinician' | 'booking-admin';

/** States in which the hub's clinic administrators need to see a referral: only while it is theirs to book. */
const BEING_BOOKED: readonly ReferralState[] = ['awaiting-booking', 'booked', 'did-not-attend'];

const RELATION_WORDS: Record<Relation, string> = {
  referrer: 'sent the referral', 'decision-maker': 'senior decision-maker for the referral', lead: 'lead paediatrician of the hub',
  cover: 'covering the hub’s triage today', clinician: 'runs the clinic the child is booked into', 'booking-admin': 'hub clinic administrator booking it',
};

export async function relationsTo(tx: Tx, actor: Actor, r: store.ReferralRow, today: string): Promise<Set<Relation>> {
  const found = new Set<Relation>();
  if (r.referrer_id === actor.professionalId) found.add('referrer');
  if (r.decision_maker_id === actor.professionalId) found.add('decision-maker');
  if (r.lead_id === actor.professionalId) found.add('lead');
  if (actor.role === 'paediatrician' && (await store.coversToday(tx, actor, r.cluster_id, today))) found.add('cover');
  if (await store.runsClinicFor(tx, actor, r.id)) found.add('clinician');
  if (actor.role === 'hub-admin' && BEING_BOOKED.includes(r.state)) found.add('booking-admin');
  return found;
}

const allow = (why: string): Decision => ({ allowed: true, why });
const deny = (reason: string): Decision => ({ allowed: false, reason });
const TRIAGERS: readonly Relation[] = ['decision-maker', 'lead', 'cover'];

export const referralPolicy = {
  view(relations: Set<Relation>): Decision {
    const first = [...relations][0];
    return first ? allow(RELATION_WORDS[first]) : deny('This referral is not one you sent, decide, cover or book.');
  },

  /** The thread is between the referrer and whoever decides for the hub. */
  postMessage(relations: Set<Relation>): Decision {
    const first = [...relations].find((r) => r === 'referrer' || TRIAGERS.includes(r));
    return first ? allow(RELATION_WORDS[first]) : deny('Only the referrer and the hub’s senior decision-maker write in this thread.');
  },

  /** Who the actor counts as in the state machine. */
  movers(relations: Set<Relation>): Set<Mover> {
    const as = new Set<Mover>();
    if (relations.has('referrer')) as.add('referrer');
    if (TRIAGERS.some((t) => relations.has(t))) as.add('triager').add('clinician');
    if (relations.has('clinician')) as.add('clinician');
    if (relations.has('booking-admin')) as.add('admin');
    return as;
  },

  isTriager: (relations: Set<Relation>) => TRIAGERS.some((t) => relations.has(t)),

  /**
   * Whether the actor decides what happens to the child (triage, or the
   * clinician after clinic), as against the referrer, who may only withdraw,
   * convert or close their own request.
   */
  decide(relations: Set<Relation>): Decision {
    const first = [...relations].find((r) => r === 'clinician' || TRIAGERS.includes(r));
    return first ? allow(RELATION_WORDS[first]) : deny('Only the hub’s senior decision-maker or the clinician decides what happens next.');
  },

  /**
   * The record extracts sent with it and the thread: for every relation but a
   * clinic administrator's, who books the child and never sees the record.
   */
  seesRecord: (relations: Set<Relation>) => [...relations].some((r) => r !== 'booking-admin'),
};
