import type { Actor } from '../platform/access/actor.js';
import type { Relationship } from '../platform/access/relationship.js';
import { policy, type Decision } from '../platform/access/policy.js';
import type { Role } from '../platform/access/roles.js';
import { freezeRefusal } from './freeze.js';

/**
 * Who may do what with a child's shared record. Built on the platform's
 * policy: the record is health detail, for health and social care only.
 */
const FREEZING_ROLES: readonly string[] = ['privacy-officer', 'social-worker'] satisfies Role[];

export const recordPolicy = {
  viewRecord(actor: Actor, relationships: Relationship[]): Decision {
    return policy.viewHealthDetail(actor, relationships);
  },

  /** Health and social care record entries (and a feed, as its scopes allow); whoever may not see the record does not write in it. */
  recordEntry(actor: Actor, relationships: Relationship[], frozenBy: string | null): Decision {
    const view = policy.viewHealthDetail(actor, relationships);
    if (!view.allowed) return view;
    const frozen = freezeRefusal(actor, frozenBy);
    return frozen ? { allowed: false, reason: frozen } : view;
  },

  /** Sensitive entries outside your own team need a stated reason, which is audited and queued for a privacy officer. */
  revealSensitive(actor: Actor, relationships: Relationship[]): Decision {
    return policy.revealSensitive(actor, relationships);
  },

  /** A privacy officer, or a social worker caring for the child, freezes a record during a safeguarding investigation. */
  freezeRecord(actor: Actor, relationships: Relationship[]): Decision {
    if (!FREEZING_ROLES.includes(actor.role)) return { allowed: false, reason: 'Only a privacy officer or the child’s social worker can freeze a record.' };
    if (actor.role === 'privacy-officer') return { allowed: true, why: 'privacy officer' };
    return policy.viewChildSummary(actor, relationships);
  },
};
