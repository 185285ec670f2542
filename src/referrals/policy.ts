import type { Actor } from '../platform/access/actor.js';
import type { Relationship } from '../platform/access/relationship.js';
import { allow, deny, has, policy, type Decision } from '../platform/access/policy.js';
import type { Mover, ReferralState } from './state-machine.js';

/**
 * Who may do what with referrals and advice requests. Most rules ask how the
 * actor stands to the referral (relations.ts finds that from the data): they
 * sent it, it is theirs to decide, they lead its hub or cover its triage
 * today, they run the clinic the child is booked into, or they book clinics
 * and it is waiting for (or in) a booking. Deny by default: no relation, no access.
 */
export type Relation = 'referrer' | 'decision-maker' | 'lead' | 'cover' | 'clinician' | 'booking-admin';

/** States in which the hub's clinic administrators need to see a referral: only while it is theirs to book. */
const BEING_BOOKED: readonly ReferralState[] = ['awaiting-booking', 'booked', 'did-not-attend'];

const RELATION_WORDS: Record<Relation, string> = {
  referrer: 'sent the referral', 'decision-maker': 'senior decision-maker for the referral', lead: 'lead paediatrician of the hub',
  cover: 'covering the hub’s triage today', clinician: 'runs the clinic the child is booked into', 'booking-admin': 'hub clinic administrator booking it',
};

const TRIAGERS: readonly Relation[] = ['decision-maker', 'lead', 'cover'];

export const referralPolicy = {
  /** Advice requests and referrals come from a GP or practice nurse of the child's registered practice. */
  askOrRefer(actor: Actor, relationships: Relationship[]): Decision {
    const practice = relationships.find((r) => r.kind === 'registered-practice');
    if (!has(actor, ['gp', 'practice-nurse']) || !practice) return deny('Advice requests and referrals come from the child’s registered practice.');
    return allow(practice.detail);
  },

  /** The hubs' triage lists, and covering a hub's triage (asked too of the colleague a lead names as cover): paediatricians. */
  triage(person: Pick<Actor, 'role'> | { role: string }): Decision {
    return policy.triageReferrals(person);
  },

  /** A hub clinic administrator sees a referral only while it is theirs to book: waiting for a booking, booked, or not attended. */
  book(actor: Actor, state: ReferralState): Decision {
    const books = policy.bookClinics(actor);
    if (!books.allowed) return books;
    return BEING_BOOKED.includes(state) ? allow(RELATION_WORDS['booking-admin']) : deny('This referral is not waiting for a clinic booking.');
  },

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
