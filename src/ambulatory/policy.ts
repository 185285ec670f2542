import type { Actor } from '../platform/access/actor.js';
import type { Relationship } from '../platform/access/relationship.js';
import { policy, type Decision } from '../platform/access/policy.js';

/**
 * Who may do what on the virtual ward, one rule per action, each on the
 * platform's ward rules (policy.ts: runVirtualWard, careOnVirtualWard,
 * referToVirtualWard) so the access matrix covers them.
 */
export const wardPolicy = {
  /** The caseload page: the ward's nurses and paediatricians (it lists only their ward's children). */
  viewCaseload: (actor: Actor): Decision => policy.runVirtualWard(actor),
  refer: (actor: Actor, relationships: Relationship[]): Decision => policy.referToVirtualWard(actor, relationships),
  acceptOrDecline: (actor: Actor, relationships: Relationship[]): Decision => policy.careOnVirtualWard(actor, relationships),
  recordObservations: (actor: Actor, relationships: Relationship[]): Decision => policy.careOnVirtualWard(actor, relationships),
  acknowledgeEscalation: (actor: Actor, relationships: Relationship[]): Decision => policy.careOnVirtualWard(actor, relationships),
  scheduleOrRecordVisit: (actor: Actor, relationships: Relationship[]): Decision => policy.careOnVirtualWard(actor, relationships),
  /** The escalation clock (a scheduled job, step-up-job.ts): step-ups and missed-observation alerts. */
  keepClock: (actor: Actor, relationships: Relationship[]): Decision => policy.keepVirtualWardClock(actor, relationships),
  discharge: (actor: Actor, relationships: Relationship[]): Decision => policy.careOnVirtualWard(actor, relationships),
  /** The episode page and its discharge letter: the ward's team, or anyone who sees the child's health detail (the GP, the referrer). */
  viewEpisode(actor: Actor, relationships: Relationship[]): Decision {
    const onWard = policy.careOnVirtualWard(actor, relationships);
    return onWard.allowed ? onWard : policy.viewHealthDetail(actor, relationships);
  },
};
