import type { Actor } from '../platform/access/actor.js';
import { allow, deny, has, policy, type Decision } from '../platform/access/policy.js';

/**
 * Who may do what with hub and cluster clinics. Hub clinic administrators
 * run the whole ICS's clinics and bookings but never read the record; a hub's
 * lead paediatrician sets up its clinics; the two clinicians of a session see
 * its list and record what happened. Everyone else is refused.
 */
export type SessionRoles = { runsSession: boolean; leadsCluster: boolean };

export const clinicPolicy = {
  /** The clinics page: administrators, paediatricians, and GPs (who may run a clinic). */
  listSessions(actor: Actor): Decision {
    const manages = policy.manageClinics(actor);
    if (manages.allowed) return manages;
    return has(actor, ['gp']) ? allow('GP running hub clinics') : deny('Your role does not run hub clinics.');
  },

  /** Every clinic in the ICS, not only those the actor runs or leads: hub clinic administrators. */
  seeEveryClinic(actor: Actor): Decision {
    return has(actor, ['hub-admin']) ? allow('hub clinic administrator') : deny('You see the clinics you run and those of the hubs you lead.');
  },

  setUpSession(actor: Actor, leadsCluster: boolean): Decision {
    const everyClinic = clinicPolicy.seeEveryClinic(actor);
    if (everyClinic.allowed) return everyClinic;
    if (has(actor, ['paediatrician']) && leadsCluster) return allow('hub lead');
    return deny('Only a hub clinic administrator or the hub’s lead paediatrician sets up its clinics.');
  },

  viewSession(actor: Actor, r: SessionRoles): Decision {
    const everyClinic = clinicPolicy.seeEveryClinic(actor);
    if (everyClinic.allowed) return everyClinic;
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
