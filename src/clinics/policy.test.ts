import { describe, expect, it } from 'vitest';
import type { Decision } from '../platform/access/decision.js';
import { EVERYONE, actorFor, type Who } from '../platform/access/test-actors.js';
import { clinicPolicy, type SessionRoles } from './policy.js';

/** How the actor stands to one clinic session: runs it (one of its two clinicians), leads its hub, both or neither. */
const STANDINGS: SessionRoles[] = [
  { runsSession: false, leadsCluster: false }, { runsSession: true, leadsCluster: false },
  { runsSession: false, leadsCluster: true }, { runsSession: true, leadsCluster: true },
];
const ACTIONS = ['listSessions', 'seeEveryClinic', 'setUpSession', 'viewSession', 'cancelSession', 'book', 'recordOutcome'] as const;
type Action = (typeof ACTIONS)[number];

const yes = (why: string): Decision => ({ allowed: true, why });
const no = (reason: string): Decision => ({ allowed: false, reason });
const SET_UP_REFUSAL = no('Only a hub clinic administrator or the hub’s lead paediatrician sets up its clinics.');

/**
 * Written out from the rules, not computed by them: hub clinic
 * administrators run every clinic and book; a hub's lead paediatrician sets
 * its clinics up; the clinicians of a session see it and record its outcome.
 */
function expected(who: Who, r: SessionRoles, action: Action): Decision {
  const setUp = who === 'hub-admin' ? yes('hub clinic administrator') : who === 'paediatrician' && r.leadsCluster ? yes('hub lead') : SET_UP_REFUSAL;
  switch (action) {
    case 'listSessions':
      if (who === 'hub-admin') return yes('clinics run by a hub clinic administrator');
      if (who === 'paediatrician') return yes('clinics run by a paediatrician');
      return who === 'gp' ? yes('GP running hub clinics') : no('Your role does not run hub clinics.');
    case 'seeEveryClinic': return who === 'hub-admin' ? yes('hub clinic administrator') : no('You see the clinics you run and those of the hubs you lead.');
    case 'setUpSession': return setUp;
    case 'cancelSession': return setUp;
    case 'viewSession':
      if (who === 'hub-admin') return yes('hub clinic administrator');
      if (r.runsSession) return yes('runs the clinic');
      return r.leadsCluster ? yes('hub lead') : no('You do not run this clinic or lead its hub.');
    case 'book': return who === 'hub-admin' ? yes('hub clinic administrator') : no('Only a hub clinic administrator books clinics.');
    case 'recordOutcome': return r.runsSession ? yes('runs the clinic') : no('Only the clinicians of this clinic record what happened at it.');
  }
}

function decide(who: Who, r: SessionRoles, action: Action): Decision {
  const actor = actorFor(who);
  switch (action) {
    case 'listSessions': return clinicPolicy.listSessions(actor);
    case 'seeEveryClinic': return clinicPolicy.seeEveryClinic(actor);
    case 'setUpSession': return clinicPolicy.setUpSession(actor, r.leadsCluster);
    case 'cancelSession': return clinicPolicy.cancelSession(actor, r);
    case 'viewSession': return clinicPolicy.viewSession(actor, r);
    case 'book': return clinicPolicy.book(actor);
    case 'recordOutcome': return clinicPolicy.recordOutcome(actor, r);
  }
}

describe('clinic policy matrix', () => {
  const cases = EVERYONE.flatMap((who) => STANDINGS.flatMap((r) => ACTIONS.map((action) => [who, r.runsSession, r.leadsCluster, action, r] as const)));

  it.each(cases)('%s (runs the session %s, leads its hub %s) → %s', (who, _runs, _leads, action, r) => {
    expect(decide(who, r, action)).toEqual(expected(who, r, action));
  });

  it('never lets a GP set up a clinic, even one of a hub the data says they lead', () => {
    expect(clinicPolicy.setUpSession(actorFor('gp'), true)).toEqual(SET_UP_REFUSAL);
  });
});
