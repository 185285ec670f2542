import type { Actor } from '../platform/access/actor.js';
import type { Relationship } from '../platform/access/relationship.js';
import { allow, deny, policy, type Decision } from '../platform/access/policy.js';
import type { TaskWhy } from './store.js';

/**
 * Who may do what with an action agreed in a care plan or an MDT meeting.
 * How the actor stands to the action (listed for them: they own it, it is
 * their team's, they are accountable for it overdue, or it was escalated to
 * them as cluster lead) comes from the data; anyone else sees it only as
 * they may see the child, and changes nothing.
 */
export const LISTED_WORDS: Record<TaskWhy, string> = {
  owner: 'action owner',
  team: 'action for your team',
  accountable: 'overdue action you are accountable for',
  'cluster-lead': 'overdue action escalated to the cluster lead',
};

export const taskPolicy = {
  holdTaskList(actor: Actor): Decision {
    return policy.holdTaskList(actor);
  },

  /** Those it is listed for, and anyone who may see the child (relationships are asked for only when it is not listed). */
  viewTask(actor: Actor, listedFor: TaskWhy | null, relationships: Relationship[]): Decision {
    if (listedFor) return allow(LISTED_WORDS[listedFor]);
    const child = policy.viewChildSummary(actor, relationships);
    return child.allowed ? child : deny('This action is not yours, your team’s or escalated to you.');
  },

  /** Moving it on (started, done, cancelled): only those it is listed for. */
  workOnTask(_actor: Actor, listedFor: TaskWhy | null): Decision {
    return listedFor ? allow(LISTED_WORDS[listedFor]) : deny('Only the action’s owner, their team or the professional accountable for it can change it.');
  },

  /** Taking on an action given to a team: a member of that team, while nobody owns it. */
  takeTask(_actor: Actor, listedFor: TaskWhy | null): Decision {
    return listedFor === 'team' ? allow(LISTED_WORDS.team) : deny('Only a member of the team the action was given to can take it on.');
  },
};
