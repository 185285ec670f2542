import { describe, expect, it } from 'vitest';
import { policy, BREAK_GLASS_ROLES } from './policy.js';
import { ROLE_IDS, CARING_ROLES, type Role } from './roles.js';
import type { Relationship, RelationshipKind } from './relationship.js';
import type { Actor } from './actor.js';

const actor = (role: Role): Actor => ({
  icsId: 'ics', professionalId: 'p', name: 'Test', email: 't@x.test', role, organisationId: 'o', organisationName: 'Org',
});
const rel = (kind: RelationshipKind | null): Relationship[] => (kind ? [{ kind, detail: 'detail' }] : []);
const RELATIONSHIPS: (RelationshipKind | null)[] = [null, 'registered-practice', 'care-team', 'cluster-lead', 'break-glass'];

/**
 * The expected answer for every role × relationship × action, written out
 * from the rules rather than computed by the code under test.
 */
function expected(role: Role, relationship: RelationshipKind | null, action: string): boolean {
  const caring = CARING_ROLES.includes(role);
  switch (action) {
    case 'searchChildren': return caring;
    case 'viewChildSummary': return caring && relationship !== null;
    case 'breakGlass': return BREAK_GLASS_ROLES.includes(role) && relationship === null;
    case 'viewAccessLog': return role === 'privacy-officer' || (caring && relationship !== null);
    case 'reviewBreakGlass': return role === 'privacy-officer';
    case 'manageOrganisations': return role === 'admin';
    default: throw new Error(`no expectation for ${action}`);
  }
}

describe('access policy matrix', () => {
  const actions = Object.keys(policy) as (keyof typeof policy)[];
  const cases = ROLE_IDS.flatMap((role) => RELATIONSHIPS.flatMap((r) => actions.map((a) => [role, r, a] as const)));

  it.each(cases)('%s with relationship %s → %s', (role, relationship, action) => {
    const decide = policy[action] as (a: Actor, r: Relationship[]) => ReturnType<typeof policy.searchChildren>;
    const decision = decide(actor(role), rel(relationship));
    expect(decision.allowed).toBe(expected(role, relationship, action));
    if (!decision.allowed) expect(decision.reason.length).toBeGreaterThan(10);
  });

  it('never lets education, youth justice, analysts, privacy officers or admins break the glass', () => {
    for (const role of ['senco', 'youth-justice-worker', 'ics-analyst', 'privacy-officer', 'admin'] as Role[]) {
      expect(policy.breakGlass(actor(role), []).allowed).toBe(false);
    }
  });

  it('says which relationship allowed a view, for the audit trail', () => {
    const d = policy.viewChildSummary(actor('gp'), [{ kind: 'registered-practice', detail: 'Riverside Surgery' }]);
    expect(d).toEqual({ allowed: true, why: 'Registered practice: Riverside Surgery' });
  });
});
