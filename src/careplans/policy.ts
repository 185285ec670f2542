import type { Actor } from '../platform/access/actor.js';
import type { Relationship } from '../platform/access/relationship.js';
import { deny, policy, type Decision } from '../platform/access/policy.js';
import { agencyOf, agencyOfActor } from './agencies.js';
import type { Agency } from './schema.js';

/**
 * Who may do what with a child's care plan. Seeing it needs a relationship
 * with the child (owning one of its actions is enough) and, beyond health,
 * the family's consent to share with your agency. Writing it needs what
 * seeing the child needs: health and social care write plans; education and
 * youth justice contribute through their actions. Only the key worker signs
 * a plan off.
 */
const WRITING_AGENCIES: readonly Agency[] = ['health', 'social-care'];

export const carePlanPolicy = {
  /** Plans of the actor's organisation due for review: every role that works for an agency caring for children. */
  reviewPlansDue(actor: Actor): Decision {
    return policy.reviewCarePlans(actor);
  },

  viewPlan(actor: Actor, relationships: Relationship[], sharedWith: readonly Agency[]): Decision {
    const view = policy.viewCarePlan(actor, relationships);
    if (!view.allowed) return view;
    const agency = agencyOfActor(actor);
    if (agency !== 'health' && (!agency || !sharedWith.includes(agency))) {
      return deny('The family has not agreed to share this care plan with your agency.');
    }
    return view;
  },

  /** Start a plan: health or social care, with a relationship to the child. */
  createPlan(actor: Actor, relationships: Relationship[]): Decision {
    const view = policy.viewChildSummary(actor, relationships);
    if (!view.allowed) return view;
    const agency = agencyOf(actor.role);
    if (!agency || !WRITING_AGENCIES.includes(agency)) return deny('Care plans are written by health and social care; your agency contributes through its actions.');
    return view;
  },

  editPlan(actor: Actor, relationships: Relationship[], sharedWith: readonly Agency[]): Decision {
    const view = carePlanPolicy.viewPlan(actor, relationships, sharedWith);
    if (!view.allowed) return view;
    return carePlanPolicy.createPlan(actor, relationships);
  },

  /** The key worker signs the plan off, having agreed it with the family. */
  agreePlan(actor: Actor, relationships: Relationship[], keyWorkerId: string): Decision {
    const view = policy.viewChildSummary(actor, relationships);
    if (!view.allowed) return view;
    if (actor.professionalId !== keyWorkerId) return deny('Only the plan’s key worker can sign it off.');
    return view;
  },
};
