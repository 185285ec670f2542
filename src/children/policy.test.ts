import { describe, expect, it } from 'vitest';
import { ROLE_IDS, type Role } from '../platform/access/roles.js';
import { CARING_ROLES } from '../platform/access/roles.js';
import type { Actor } from '../platform/access/actor.js';
import type { Relationship, RelationshipKind } from '../platform/access/relationship.js';
import type { Decision } from '../platform/access/decision.js';
import { childRefusal } from '../platform/access/test-actors.js';
import { careTeamPolicy } from './policy.js';

const ME = 'me';
const person = (role: Role): Actor => ({ icsId: 'ics', professionalId: ME, name: 'Test', email: 't@x.test', role, organisationId: 'o', organisationName: 'Org' });
const feed: Actor = {
  icsId: 'ics', professionalId: ME, name: 'Feed', email: '', role: 'system', organisationId: 'o', organisationName: 'Org',
  system: { clientId: ME, scopes: ['system/*.cruds'], clientOrganisationId: 'o' },
};

/** Whose membership is ended, and whether the actor is the key worker of the child's care plan. */
const CASES = [
  { label: 'their own', memberId: ME, keyWorkerId: 'someone' },
  { label: 'another’s, as the key worker', memberId: 'other', keyWorkerId: ME },
  { label: 'another’s, not the key worker', memberId: 'other', keyWorkerId: 'someone' },
  { label: 'another’s, no care plan', memberId: 'other', keyWorkerId: null },
] as const;
const RELATIONSHIPS: (RelationshipKind | null)[] = [null, 'care-team', 'registered-practice', 'referral', 'break-glass'];

/** Written out from the rule in policy.ts, not computed by it. */
function expected(role: Role | 'system', kind: RelationshipKind | null, c: (typeof CASES)[number]): boolean {
  if (role === 'system') return false;
  if (!CARING_ROLES.includes(role) || kind === null) return false;
  if (c.memberId === ME) return true;
  if (kind === 'break-glass') return false;
  return c.keyWorkerId === ME || role === 'care-coordinator';
}

/** The words of each answer, written out: why it was allowed (for the audit), or what the person refused reads. */
function expectedWords(role: Role | 'system', kind: RelationshipKind | null, c: (typeof CASES)[number]): Decision {
  if (role === 'system') return { allowed: false, reason: 'Care team membership is changed by people, not by systems.' };
  if (!CARING_ROLES.includes(role) || kind === null) return { allowed: false, reason: childRefusal(role, kind) };
  if (c.memberId === ME) return { allowed: true, why: 'leaving the care team' };
  if (kind === 'break-glass') return { allowed: false, reason: 'Emergency access does not let you change the care team.' };
  if (c.keyWorkerId === ME) return { allowed: true, why: 'key worker for the child’s care plan' };
  if (role === 'care-coordinator') return { allowed: true, why: 'care coordinator (lead professional) for the child' };
  return { allowed: false, reason: 'Only the member themselves, the child’s key worker or a care coordinator caring for the child can end someone’s care team membership.' };
}

describe('who may end a care team membership', () => {
  const cases = [...ROLE_IDS, 'system' as const].flatMap((role) => RELATIONSHIPS.flatMap((kind) => CASES.map((c) => [role, kind, c.label, c] as const)));

  it.each(cases)('%s with relationship %s ending %s', (role, kind, _label, c) => {
    const relationships: Relationship[] = kind ? [{ kind, detail: 'detail' }] : [];
    const decision = careTeamPolicy.endMembership(role === 'system' ? feed : person(role), relationships, { memberId: c.memberId, keyWorkerId: c.keyWorkerId });
    expect(decision.allowed).toBe(expected(role, kind, c));
    expect(decision).toEqual(expectedWords(role, kind, c));
  });

  it('refuses a school nurse ending the health visitor’s membership, and says who may', () => {
    const d = careTeamPolicy.endMembership(person('school-nurse'), [{ kind: 'care-team', detail: 'School nurse' }], { memberId: 'health-visitor', keyWorkerId: 'care-coordinator' });
    expect(d).toEqual({ allowed: false, reason: 'Only the member themselves, the child’s key worker or a care coordinator caring for the child can end someone’s care team membership.' });
  });

  it('says which rule allowed it, for the audit', () => {
    const rel: Relationship[] = [{ kind: 'care-team', detail: 'Key worker' }];
    expect(careTeamPolicy.endMembership(person('health-visitor'), rel, { memberId: 'other', keyWorkerId: ME })).toEqual({ allowed: true, why: 'key worker for the child’s care plan' });
    expect(careTeamPolicy.endMembership(person('care-coordinator'), rel, { memberId: 'other', keyWorkerId: null })).toEqual({ allowed: true, why: 'care coordinator (lead professional) for the child' });
    expect(careTeamPolicy.endMembership(person('school-nurse'), rel, { memberId: ME, keyWorkerId: null })).toEqual({ allowed: true, why: 'leaving the care team' });
  });
});
