import type { Actor } from '../platform/access/actor.js';
import type { Decision } from '../platform/access/policy.js';

/**
 * Who may do what with MDT meetings. The hub's lead schedules and chairs (or
 * hands the chair on); members see the case list and may bring a case for a
 * child they care for; the chair records the meeting. Seeing a child's brief
 * is a question for the child's own record rules, which membership feeds.
 */
export type MeetingRoles = { isChair: boolean; isLead: boolean; isMember: boolean };

const allow = (why: string): Decision => ({ allowed: true, why });
const deny = (reason: string): Decision => ({ allowed: false, reason });

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

  /** A member brings a case for a child they already care for. */
  bringCase(actor: Actor, r: MeetingRoles, caresForChild: boolean): Decision {
    const view = mdtPolicy.viewMeeting(actor, r);
    if (!view.allowed) return view;
    return caresForChild ? view : deny('You can bring a case only for a child you care for.');
  },
};
