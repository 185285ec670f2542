import type { Actor } from '../platform/access/actor.js';
import { allow, deny, policy, type Decision } from '../platform/access/policy.js';
import type { Relationship } from '../platform/access/relationship.js';
import { MDT_ACCESS_DAYS } from './relationship.js';

/**
 * Who may do what with MDT meetings. The hub's lead schedules and chairs (or
 * hands the chair on); members see the case list and may bring a case for a
 * child they care for; the chair records the meeting. Seeing a child's brief
 * is a question for the child's own record rules, which membership feeds.
 */
export type MeetingRoles = { isChair: boolean; isLead: boolean; isMember: boolean };

export const mdtPolicy = {
  scheduleMeetings(_actor: Actor, leadsHub: boolean): Decision {
    return leadsHub ? allow('hub lead') : deny('Only the hub’s lead paediatrician schedules its MDT meetings.');
  },

  viewMeeting(_actor: Actor, r: MeetingRoles): Decision {
    if (r.isChair) return allow('chair of the meeting');
    if (r.isLead) return allow('hub lead');
    return r.isMember ? allow('invited to the meeting') : deny('You are not invited to this MDT meeting.');
  },

  /** Inviting and removing members, and running the meeting. */
  runMeeting(_actor: Actor, r: MeetingRoles): Decision {
    if (r.isChair) return allow('chair of the meeting');
    return r.isLead ? allow('hub lead') : deny('Only the chair or the hub lead runs this meeting.');
  },

  /**
   * Seeing a child through a meeting (the name on the case list, the brief,
   * the outcome, the letter): the child's own rule, which the meeting meets
   * only for MDT_ACCESS_DAYS after it. Being a member, the chair or the hub
   * lead does not keep a child in view once that window has closed.
   */
  viewCase(actor: Actor, meeting: Decision, relationships: Relationship[]): Decision {
    const child = policy.viewChildSummary(actor, relationships);
    if (child.allowed || !meeting.allowed) return child.allowed ? child : meeting;
    return relationships.length ? child : deny(`Your access to this child through the MDT meeting has ended: it lasts ${MDT_ACCESS_DAYS} days after the meeting.`);
  },

  /** A member brings a case for a child they already care for. */
  bringCase(actor: Actor, r: MeetingRoles, caresForChild: boolean): Decision {
    const view = mdtPolicy.viewMeeting(actor, r);
    if (!view.allowed) return view;
    return caresForChild ? view : deny('You can bring a case only for a child you care for.');
  },
};
