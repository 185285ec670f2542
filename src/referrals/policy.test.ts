import { describe, expect, it } from 'vitest';
import type { Decision } from '../platform/access/decision.js';
import type { RelationshipKind } from '../platform/access/relationship.js';
import { EVERYONE, actorFor, related, type Who } from '../platform/access/test-actors.js';
import { REFERRAL_STATES, type Mover, type ReferralState } from './state-machine.js';
import { referralPolicy, type Relation } from './policy.js';

const yes = (why: string): Decision => ({ allowed: true, why });
const no = (reason: string): Decision => ({ allowed: false, reason });

/** What the audit says of each way of standing to a referral. */
const WORDS: Record<Relation, string> = {
  referrer: 'sent the referral', 'decision-maker': 'senior decision-maker for the referral', lead: 'lead paediatrician of the hub',
  cover: 'covering the hub’s triage today', clinician: 'runs the clinic the child is booked into', 'booking-admin': 'hub clinic administrator booking it',
};

describe('referral policy matrix: who may refer, triage and book, by role', () => {
  const KINDS: (RelationshipKind | null)[] = [null, 'registered-practice', 'care-team', 'referral'];
  const BEING_BOOKED: ReferralState[] = ['awaiting-booking', 'booked', 'did-not-attend'];

  /** Written out from the rules: a GP or practice nurse of the child's registered practice asks; paediatricians triage; hub clinic administrators book, while it is theirs to book. */
  function askOrRefer(who: Who, kind: RelationshipKind | null): Decision {
    return (who === 'gp' || who === 'practice-nurse') && kind === 'registered-practice' ? yes('detail') : no('Advice requests and referrals come from the child’s registered practice.');
  }
  const triage = (who: Who) => (who === 'paediatrician' ? yes('paediatrician triaging for the hubs') : no('Triage is for the hubs’ paediatricians.'));
  function book(who: Who, state: ReferralState): Decision {
    if (who !== 'hub-admin') return no('Only a hub clinic administrator books clinics.');
    return BEING_BOOKED.includes(state) ? yes('hub clinic administrator booking it') : no('This referral is not waiting for a clinic booking.');
  }

  it.each(EVERYONE.flatMap((who) => KINDS.map((kind) => [who, kind] as const)))('%s with relationship %s', (who, kind) => {
    expect(referralPolicy.askOrRefer(actorFor(who), related(kind))).toEqual(askOrRefer(who, kind));
    expect(referralPolicy.triage(actorFor(who))).toEqual(triage(who));
  });

  it.each(EVERYONE.flatMap((who) => REFERRAL_STATES.map((state) => [who, state] as const)))('%s booking a referral that is %s', (who, state) => {
    expect(referralPolicy.book(actorFor(who), state)).toEqual(book(who, state));
  });

  it('asks of a colleague named as cover, as well as of the actor, whether they triage', () => {
    expect(referralPolicy.triage({ role: 'paediatrician' }).allowed).toBe(true);
    expect(referralPolicy.triage({ role: 'gp' })).toEqual(no('Triage is for the hubs’ paediatricians.'));
  });
});

describe('referral policy matrix: what each way of standing to a referral allows', () => {
  /** Each relation alone, none, and the combinations the data makes: a lead who sent it, an administrator and the clinic's clinician. */
  const SETS: Relation[][] = [[], ['referrer'], ['decision-maker'], ['lead'], ['cover'], ['clinician'], ['booking-admin'], ['referrer', 'lead'], ['booking-admin', 'clinician']];
  const TRIAGERS: Relation[] = ['decision-maker', 'lead', 'cover'];

  /** Written out from the rules: the first relation that allows an action names why, for the audit. */
  function expected(set: Relation[]) {
    const first = (allowed: (r: Relation) => boolean) => set.find(allowed);
    const viewer = first(() => true);
    const poster = first((r) => r === 'referrer' || TRIAGERS.includes(r));
    const decider = first((r) => r === 'clinician' || TRIAGERS.includes(r));
    const movers: Mover[] = [];
    if (set.includes('referrer')) movers.push('referrer');
    if (set.some((r) => TRIAGERS.includes(r))) movers.push('triager', 'clinician');
    if (set.includes('clinician') && !movers.includes('clinician')) movers.push('clinician');
    if (set.includes('booking-admin')) movers.push('admin');
    return {
      view: viewer ? yes(WORDS[viewer]) : no('This referral is not one you sent, decide, cover or book.'),
      postMessage: poster ? yes(WORDS[poster]) : no('Only the referrer and the hub’s senior decision-maker write in this thread.'),
      decide: decider ? yes(WORDS[decider]) : no('Only the hub’s senior decision-maker or the clinician decides what happens next.'),
      movers: movers.sort(),
      isTriager: set.some((r) => TRIAGERS.includes(r)),
      // The record extracts and the thread: every relation but the clinic administrator's, who books the child and never sees the record.
      seesRecord: set.some((r) => r !== 'booking-admin'),
    };
  }

  it.each(SETS.map((set) => [set.join(' + ') || '(none)', set] as const))('standing as %s', (_label, set) => {
    const relations = new Set(set);
    const want = expected(set);
    expect(referralPolicy.view(relations)).toEqual(want.view);
    expect(referralPolicy.postMessage(relations)).toEqual(want.postMessage);
    expect(referralPolicy.decide(relations)).toEqual(want.decide);
    expect([...referralPolicy.movers(relations)].sort()).toEqual(want.movers);
    expect(referralPolicy.isTriager(relations)).toBe(want.isTriager);
    expect(referralPolicy.seesRecord(relations)).toBe(want.seesRecord);
  });
});
