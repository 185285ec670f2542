import type { Actor } from '../platform/access/actor.js';
import { allow, deny, has, policy, type Decision } from '../platform/access/policy.js';

/**
 * Who sees which hub activity, in aggregate and with no child named. Seeing
 * the page at all is the platform's rule (viewActivity, which the header
 * asks); these say how far each role's view reaches.
 */
export const activityPolicy = {
  viewActivity(actor: Actor): Decision {
    return policy.viewActivity(actor);
  },

  /** Roles whose work spans the ICS (a hub clinic administrator books for every hub): the whole ICS and every hub. */
  seeWholeIcs(actor: Actor): Decision {
    return has(actor, ['ics-analyst', 'admin', 'hub-admin']) ? allow('activity across the whole ICS') : deny('Your role sees the activity of your own hub, not the whole ICS.');
  },

  /** A paediatrician sees the hubs they lead. */
  seeHubsLed(actor: Actor): Decision {
    return has(actor, ['paediatrician']) ? allow('activity of the hubs you lead') : deny('Only a paediatrician sees activity as the lead of a hub.');
  },

  /** A GP sees their own practice's hub. */
  seePracticeHub(actor: Actor): Decision {
    return has(actor, ['gp']) ? allow('activity of your practice’s hub') : deny('Only a GP sees activity as a member practice of a hub.');
  },
};
