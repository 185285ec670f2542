import type { Actor } from '../platform/access/actor.js';
import { policy, type Decision } from '../platform/access/policy.js';
import { ForbiddenError } from '../platform/http/errors.js';

/**
 * The population capabilities, each refused with its reason or answered
 * with why it is allowed (what the audit records).
 */
const required = (decide: (actor: Actor) => Decision) => (actor: Actor): string => {
  const decision = decide(actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  return decision.why;
};

/** Sees the dashboards, indicators, rules and evaluations. */
export const requireViewer = required(policy.viewPopulation);
/** Keeps the ICS's own indicators, case-finding rules and care models. */
export const requireKeeper = required(policy.managePopulationMeasures);
/** Sees case-finding lists, which name children. */
export const requireFinder = required(policy.findCases);
