import { isSystem, type Actor } from '../platform/access/actor.js';
import type { Relationship } from '../platform/access/relationship.js';
import { allow, deny, has, policy, type Decision } from '../platform/access/policy.js';

/**
 * Who may end someone's membership of a child's care team. Membership is the
 * relationship that lets a professional see the child, so ending another's is
 * a decision for the people who lead the child's care, not for any member:
 *
 * - the member themselves, leaving the team;
 * - the child's key worker (the key worker of the child's care plan), who
 *   owns the multi-agency plan and puts its people in the team;
 * - a care coordinator caring for the child: the domain's lead professional,
 *   who owns multi-agency plans and tasks.
 *
 * Everyone else is refused, whatever their role: a school nurse cannot remove
 * the health visitor. Emergency access never changes the team; nor does a system.
 */
export const careTeamPolicy = {
  endMembership(actor: Actor, relationships: Relationship[], team: { memberId: string; keyWorkerId: string | null }): Decision {
    if (isSystem(actor)) return deny('Care team membership is changed by people, not by systems.');
    const view = policy.viewChildSummary(actor, relationships);
    if (!view.allowed) return view;
    if (actor.professionalId === team.memberId) return allow('leaving the care team');
    if (relationships.every((r) => r.kind === 'break-glass')) return deny('Emergency access does not let you change the care team.');
    if (actor.professionalId === team.keyWorkerId) return allow('key worker for the child’s care plan');
    if (has(actor, ['care-coordinator'])) return allow('care coordinator (lead professional) for the child');
    return deny('Only the member themselves, the child’s key worker or a care coordinator caring for the child can end someone’s care team membership.');
  },
};
