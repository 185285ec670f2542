import { isSystem, type Actor } from '../platform/access/actor.js';
import type { Relationship } from '../platform/access/relationship.js';
import { policy, type Decision } from '../platform/access/policy.js';
import type { Role } from '../platform/access/roles.js';
import { freezeRefusal } from './freeze.js';

/**
 * Who may do what with a child's shared record. Built on the platform's
 * policy: seeing the record needs what seeing the summary needs.
 */
const RECORDING_ROLES: readonly string[] = [
  'gp', 'practice-nurse', 'paediatrician', 'care-coordinator', 'health-visitor', 'school-nurse', 'camhs-clinician', 'social-worker',
] satisfies Role[];
const FREEZING_ROLES: readonly string[] = ['privacy-officer', 'social-worker'] satisfies Role[];

export const recordPolicy = {
  viewRecord(actor: Actor, relationships: Relationship[]): Decision {
    return policy.viewChildSummary(actor, relationships);
  },

  /** Health and social care record entries; education and youth justice read what they may but do not write clinical entries. */
  recordEntry(actor: Actor, relationships: Relationship[], frozenBy: string | null): Decision {
    const view = policy.viewChildSummary(actor, relationships);
    if (!view.allowed) return view;
    // A system (a feed) records what its scopes allow; the FHIR layer checks those.
    if (!isSystem(actor) && !RECORDING_ROLES.includes(actor.role)) return { allowed: false, reason: 'Your role does not record entries in the shared record.' };
    const frozen = freezeRefusal(actor, frozenBy);
    return frozen ? { allowed: false, reason: frozen } : view;
  },

  /** Sensitive entries outside your own team need a stated reason, which is audited. */
  revealSensitive(actor: Actor, relationships: Relationship[]): Decision {
    return policy.viewChildSummary(actor, relationships);
  },

  /** A privacy officer, or a social worker caring for the child, freezes a record during a safeguarding investigation. */
  freezeRecord(actor: Actor, relationships: Relationship[]): Decision {
    if (!FREEZING_ROLES.includes(actor.role)) return { allowed: false, reason: 'Only a privacy officer or the child’s social worker can freeze a record.' };
    if (actor.role === 'privacy-officer') return { allowed: true, why: 'privacy officer' };
    return policy.viewChildSummary(actor, relationships);
  },
};
