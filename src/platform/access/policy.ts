import type { Actor } from './actor.js';
import { CARING_ROLES, ROLES, type Role } from './roles.js';
import { RELATIONSHIP_LABELS, type Relationship } from './relationship.js';

/**
 * Who may do what. One function per action; each denies unless a rule allows.
 * An allowed decision carries `why` (the relationship or role), which the audit records.
 */
export type Decision = { allowed: true; why: string } | { allowed: false; reason: string };

const deny = (reason: string): Decision => ({ allowed: false, reason });
const allow = (why: string): Decision => ({ allowed: true, why });
const has = (actor: Actor, roles: readonly Role[]) => roles.includes(actor.role);

/** Clinical and social-care roles may take emergency access; education, youth justice and back-office roles may not. */
export const BREAK_GLASS_ROLES: readonly Role[] = [
  'gp', 'practice-nurse', 'paediatrician', 'care-coordinator', 'health-visitor', 'school-nurse', 'camhs-clinician', 'social-worker',
];

function because(relationships: Relationship[]): string {
  const r = relationships[0];
  return `${RELATIONSHIP_LABELS[r.kind]}: ${r.detail}`;
}

export const policy = {
  /** Find children by NHS number or name: caring roles only (results show identity, not the record). */
  searchChildren(actor: Actor): Decision {
    return has(actor, CARING_ROLES) ? allow(`Search by a ${ROLES[actor.role].toLowerCase()}`) : deny('Your role does not search for children.');
  },

  viewChildSummary(actor: Actor, relationships: Relationship[]): Decision {
    if (!has(actor, CARING_ROLES)) return deny('Your role does not give access to children’s records.');
    if (relationships.length === 0) return deny('You do not have a care relationship with this child.');
    return allow(because(relationships));
  },

  breakGlass(actor: Actor, relationships: Relationship[]): Decision {
    if (!has(actor, BREAK_GLASS_ROLES)) return deny('Your role cannot use emergency access.');
    if (relationships.length > 0) return deny('You already have access to this child.');
    return allow('emergency access requested');
  },

  /** Who has seen a record: anyone who may see the child, and the privacy officer. */
  viewAccessLog(actor: Actor, relationships: Relationship[]): Decision {
    if (actor.role === 'privacy-officer') return allow('privacy officer review');
    return policy.viewChildSummary(actor, relationships);
  },

  reviewBreakGlass(actor: Actor): Decision {
    return actor.role === 'privacy-officer' ? allow('privacy officer') : deny('Only a privacy officer reviews emergency access.');
  },

  manageOrganisations(actor: Actor): Decision {
    return actor.role === 'admin' ? allow('administrator') : deny('Only an administrator manages organisations, clusters and users.');
  },
};

export type PolicyAction = keyof typeof policy;
