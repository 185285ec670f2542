import { describe, expect, it } from 'vitest';
import type { Decision } from '../platform/access/decision.js';
import type { RelationshipKind } from '../platform/access/relationship.js';
import { MDT_ACCESS_DAYS } from './relationship.js';
import { EVERYONE, actorFor, childRefusal, childSummary, related, seesChild, type Who } from '../platform/access/test-actors.js';
import { mdtPolicy, type MeetingRoles } from './policy.js';

const flags = [false, true];
/** How the actor stands to one meeting: its chair, the hub's lead, an invited member, in any combination. */
const STANDINGS: MeetingRoles[] = flags.flatMap((isChair) => flags.flatMap((isLead) => flags.map((isMember) => ({ isChair, isLead, isMember }))));
/** How the actor stands to a child on the case list: through the meeting itself (within its window), a standing relationship, owning an action, or not at all. */
const KINDS: (RelationshipKind | null)[] = [null, 'mdt-case', 'care-team', 'action-owner'];

const yes = (why: string): Decision => ({ allowed: true, why });
const no = (reason: string): Decision => ({ allowed: false, reason });

/** Written out from the rules: the meeting's own roles decide the meeting; the child's rule decides the child. */
function meeting(r: MeetingRoles): Decision {
  if (r.isChair) return yes('chair of the meeting');
  if (r.isLead) return yes('hub lead');
  return r.isMember ? yes('invited to the meeting') : no('You are not invited to this MDT meeting.');
}
const run = (r: MeetingRoles): Decision => (r.isChair ? yes('chair of the meeting') : r.isLead ? yes('hub lead') : no('Only the chair or the hub lead runs this meeting.'));
const schedule = (leadsHub: boolean): Decision => (leadsHub ? yes('hub lead') : no('Only the hub’s lead paediatrician schedules its MDT meetings.'));
function bring(r: MeetingRoles, caresForChild: boolean): Decision {
  if (!meeting(r).allowed) return meeting(r);
  return caresForChild ? meeting(r) : no('You can bring a case only for a child you care for.');
}
/** A child on the case list: the child's own rule; a meeting the actor is not in says so; an ended window says how long it lasts. */
function viewCase(who: Who, r: MeetingRoles, kind: RelationshipKind | null): Decision {
  if (seesChild(who, kind)) return childSummary(who, kind);
  if (!meeting(r).allowed) return meeting(r);
  return kind ? no(childRefusal(who, kind)) : no(`Your access to this child through the MDT meeting has ended: it lasts ${MDT_ACCESS_DAYS} days after the meeting.`);
}

describe('MDT policy matrix: the meeting', () => {
  const cases = EVERYONE.flatMap((who) => STANDINGS.map((r) => [who, r.isChair, r.isLead, r.isMember, r] as const));

  it.each(cases)('%s (chair %s, hub lead %s, member %s)', (who, _c, _l, _m, r) => {
    const actor = actorFor(who);
    expect(mdtPolicy.scheduleMeetings(actor, r.isLead)).toEqual(schedule(r.isLead));
    expect(mdtPolicy.viewMeeting(actor, r)).toEqual(meeting(r));
    expect(mdtPolicy.runMeeting(actor, r)).toEqual(run(r));
    expect(mdtPolicy.bringCase(actor, r, true)).toEqual(bring(r, true));
    expect(mdtPolicy.bringCase(actor, r, false)).toEqual(bring(r, false));
  });
});

describe('MDT policy matrix: a child on the case list', () => {
  const cases = EVERYONE.flatMap((who) => STANDINGS.flatMap((r) => KINDS.map((kind) => [who, r.isChair, r.isLead, r.isMember, kind, r] as const)));

  it.each(cases)('%s (chair %s, hub lead %s, member %s) with relationship %s', (who, _c, _l, _m, kind, r) => {
    const actor = actorFor(who);
    expect(mdtPolicy.viewCase(actor, mdtPolicy.viewMeeting(actor, r), related(kind))).toEqual(viewCase(who, r, kind));
  });

  it('tells a member whose window has closed how long access through a meeting lasts', () => {
    const member = actorFor('school-nurse');
    expect(mdtPolicy.viewCase(member, mdtPolicy.viewMeeting(member, { isChair: false, isLead: false, isMember: true }), [])).toEqual({
      allowed: false, reason: `Your access to this child through the MDT meeting has ended: it lasts ${MDT_ACCESS_DAYS} days after the meeting.`,
    });
  });
});

describe('MDT policy by meeting role alone (a GP)', () => {
  it.each(STANDINGS)('%j', (roles) => {
    const a = actorFor('gp');
    expect(mdtPolicy.viewMeeting(a, roles).allowed).toBe(roles.isChair || roles.isLead || roles.isMember);
    expect(mdtPolicy.runMeeting(a, roles).allowed).toBe(roles.isChair || roles.isLead);
    expect(mdtPolicy.bringCase(a, roles, true).allowed).toBe(roles.isChair || roles.isLead || roles.isMember);
    expect(mdtPolicy.bringCase(a, roles, false).allowed).toBe(false);
  });

  it('lets only a hub lead schedule', () => {
    expect(mdtPolicy.scheduleMeetings(actorFor('paediatrician'), true).allowed).toBe(true);
    expect(mdtPolicy.scheduleMeetings(actorFor('paediatrician'), false).allowed).toBe(false);
  });
});
