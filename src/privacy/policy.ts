import type { Actor } from '../platform/access/actor.js';
import { policy, type Decision } from '../platform/access/policy.js';

/**
 * What the privacy officer's pages ask. The rules are the platform's, since
 * the header and the children's access log ask them too; here is the privacy
 * capability's one place to ask them.
 */
export const privacyPolicy = {
  /** Emergency access and every reveal of sensitive entries, queued for review. */
  reviewAccess(actor: Actor): Decision {
    return policy.reviewBreakGlass(actor);
  },

  /** The whole ICS's access log, every event in full. */
  readIcsAccessLog(actor: Actor): Decision {
    return policy.readAuditInFull(actor);
  },

  /** Account and FHIR client changes made in review mode. */
  reviewAccountChanges(actor: Actor): Decision {
    return policy.reviewAccountChanges(actor);
  },
};
