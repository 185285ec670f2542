import type { Actor } from '../platform/access/actor.js';
import { policy, type Decision } from '../platform/access/policy.js';

/**
 * Who may do what with hub and cluster clinics. Hub clinic administrators
 * run the whole ICS's clinics and bookings but never read the record; a hub's
 * lead paediatrician sets up its clinics; the two clinicians of a session see
 * its list and record what happened. Everyone else is refused.
 */
export type SessionRoles = { runsSession: boolean; leadsCluster: boolean };

const allow = (why: string): Decision => ({ allowed: true, why });
const deny = (reason: string): Decision => ({ allowed: false, reason });

export const clinicPolicy = {
  /** The clinics page: administrators, paediatricians, and GPs (who may run a clinic). */
  listSessions(actor: Actor): Decision {
    if (policy.manageClinics(actor).allowed) return policy.manageClinics(actor);
    return actor.role === 'gp' ? allow('GP running hub clinics') : deny('Your role does not run hub clinics.');
  },

  setUpSession(actor: Actor, leadsCluster: boolean): Decision {
    if (actor.role === 'hub-admin') return allow('hub clinic administrator');
    if (actor.role === 'paediatrician' && leadsCluster) return allow('hub lead');
    return deny('Only a hub clinic administrator or the hub’s lead paediatrician sets up its clinics.');
  },

  viewSession(actor: Actor, r: SessionRoles): Decision {
    if (actor.role === 'hub-admin') return allow('hub clinic administrator');
    if (r.runsSession) return allow('runs the clinic');
    return r.leadsCluster ? allow('hub lead') : deny('You do not run this clinic or lead its hub.');
  },

  /** Cancelling a session: whoever may set it up. */
  cancelSession(actor: Actor, r: SessionRoles): Decision {
    return clinicPolicy.setUpSession(actor, r.leadsCluster);
  },

  book(actor: Actor): Decision {
    return policy.bookClinics(actor);
  },

  /** The outcome is recorded by a clinician of the session, who saw the child. */
  recordOutcome(_actor: Actor, r: SessionRoles): Decision {
    return r.runsSession ? allow('runs the clinic') : deny('Only the clinicians of this clinic record what happened at it.');
  },
};
