import type { Actor } from '../platform/access/actor.js';
import { policy, type Decision } from '../platform/access/policy.js';

/** Who may change the ICS's wording for referral, advice and clinic letters (the header asks the same platform rule). */
export const letterPolicy = {
  editTemplates(actor: Actor): Decision {
    return policy.editLetterTemplates(actor);
  },
};
