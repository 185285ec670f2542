import { describe, expect, it } from 'vitest';
import type { Decision } from '../platform/access/decision.js';
import type { RelationshipKind } from '../platform/access/relationship.js';
import { CARING_ROLES } from '../platform/access/roles.js';
import { EVERYONE, actorFor, childSummary, isSystemWho, related, type Who } from '../platform/access/test-actors.js';
import type { TaskWhy } from './store.js';
import { taskPolicy } from './policy.js';

const yes = (why: string): Decision => ({ allowed: true, why });
const no = (reason: string): Decision => ({ allowed: false, reason });

/** How the actor is listed for an action (from the data), or not at all. */
const LISTINGS: (TaskWhy | null)[] = [null, 'owner', 'team', 'accountable', 'cluster-lead'];
const KINDS: (RelationshipKind | null)[] = [null, 'care-team', 'action-owner', 'break-glass'];
/** What the audit says of each listing. */
const LISTED: Record<TaskWhy, string> = {
  owner: 'action owner', team: 'action for your team', accountable: 'overdue action you are accountable for', 'cluster-lead': 'overdue action escalated to the cluster lead',
};

/**
 * Written out from the rules: those an action is listed for see it and move
 * it on, and a member of the owning team takes it on; anyone else sees it
 * only as they may see the child, and changes nothing.
 */
function expected(who: Who, listed: TaskWhy | null, kind: RelationshipKind | null) {
  const child = childSummary(who, kind);
  return {
    viewTask: listed ? yes(LISTED[listed]) : child.allowed ? child : no('This action is not yours, your team’s or escalated to you.'),
    workOnTask: listed ? yes(LISTED[listed]) : no('Only the action’s owner, their team or the professional accountable for it can change it.'),
    takeTask: listed === 'team' ? yes('action for your team') : no('Only a member of the team the action was given to can take it on.'),
  };
}

describe('task policy matrix', () => {
  const cases = EVERYONE.flatMap((who) => LISTINGS.flatMap((listed) => KINDS.map((kind) => [who, listed, kind] as const)));

  it.each(cases)('%s listed as %s, with relationship %s', (who, listed, kind) => {
    const actor = actorFor(who);
    const want = expected(who, listed, kind);
    expect(taskPolicy.viewTask(actor, listed, related(kind))).toEqual(want.viewTask);
    expect(taskPolicy.workOnTask(actor, listed)).toEqual(want.workOnTask);
    expect(taskPolicy.takeTask(actor, listed)).toEqual(want.takeTask);
  });

  it.each(EVERYONE)('%s: a task list only for caring roles', (who) => {
    const caring = !isSystemWho(who) && CARING_ROLES.includes(who);
    expect(taskPolicy.holdTaskList(actorFor(who)).allowed).toBe(caring);
    if (!caring) expect(taskPolicy.holdTaskList(actorFor(who))).toEqual(no('Your role does not have a task list.'));
  });
});
