import type { Actor } from '../platform/access/actor.js';
import type { Relationship } from '../platform/access/relationship.js';
import { policy, type Decision } from '../platform/access/policy.js';

/** Who may keep the advice library and send its pages (the platform rules, so the access matrix covers them). */
export const advicePolicy = {
  editLibrary(actor: Actor): Decision {
    return policy.editAdviceLibrary(actor);
  },
  approvePage(actor: Actor): Decision {
    return policy.approveAdvicePage(actor);
  },
  send(actor: Actor, relationships: Relationship[]): Decision {
    return policy.sendAdvice(actor, relationships);
  },
  /** What was sent to the family is part of the child's record: whoever sees the child sees it. */
  viewSent(actor: Actor, relationships: Relationship[]): Decision {
    return policy.viewChildSummary(actor, relationships);
  },
};
