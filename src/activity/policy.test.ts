import { describe, expect, it } from 'vitest';
import type { Decision } from '../platform/access/decision.js';
import { ROLES } from '../platform/access/roles.js';
import { EVERYONE, actorFor, isSystemWho, type Who } from '../platform/access/test-actors.js';
import { activityPolicy } from './policy.js';

const yes = (why: string): Decision => ({ allowed: true, why });
const no = (reason: string): Decision => ({ allowed: false, reason });

/**
 * Written out from the rules: analysts, administrators, hub clinic
 * administrators, paediatricians and GPs see hub activity; the first three
 * the whole ICS, a paediatrician the hubs they lead, a GP their practice's hub.
 */
function expected(who: Who): Record<keyof typeof activityPolicy, Decision> {
  const role = isSystemWho(who) ? null : who;
  const sees = role !== null && ['ics-analyst', 'paediatrician', 'gp', 'admin', 'hub-admin'].includes(role);
  return {
    viewActivity: sees ? yes(`activity for a ${ROLES[role!].toLowerCase()}`) : no('Your role does not see hub activity.'),
    seeWholeIcs: role === 'ics-analyst' || role === 'admin' || role === 'hub-admin' ? yes('activity across the whole ICS') : no('Your role sees the activity of your own hub, not the whole ICS.'),
    seeHubsLed: role === 'paediatrician' ? yes('activity of the hubs you lead') : no('Only a paediatrician sees activity as the lead of a hub.'),
    seePracticeHub: role === 'gp' ? yes('activity of your practice’s hub') : no('Only a GP sees activity as a member practice of a hub.'),
  };
}

describe('hub activity policy matrix', () => {
  const actions = Object.keys(activityPolicy) as (keyof typeof activityPolicy)[];

  it.each(EVERYONE.flatMap((who) => actions.map((action) => [who, action] as const)))('%s → %s', (who, action) => {
    expect(activityPolicy[action](actorFor(who))).toEqual(expected(who)[action]);
  });

  it.each(EVERYONE)('gives %s at most one reach, and one only if they see activity at all', (who) => {
    const actor = actorFor(who);
    const reaches = [activityPolicy.seeWholeIcs(actor), activityPolicy.seeHubsLed(actor), activityPolicy.seePracticeHub(actor)].filter((d) => d.allowed);
    expect(reaches.length).toBe(activityPolicy.viewActivity(actor).allowed ? 1 : 0);
  });
});
