import { describe, expect, it } from 'vitest';
import type { Actor } from '../platform/access/actor.js';
import type { Relationship } from '../platform/access/relationship.js';
import { ROLE_IDS, type Role } from '../platform/access/roles.js';
import { carePlanPolicy } from './policy.js';
import { AGENCIES, type Agency } from './schema.js';

const actor = (role: Role, id = 'me'): Actor => ({ icsId: 'ics', professionalId: id, name: 'Pro', email: '', role, organisationId: 'org', organisationName: 'Org' });
const related: Relationship[] = [{ kind: 'care-team', detail: 'Key worker' }];
const ownsAction: Relationship[] = [{ kind: 'action-owner', detail: 'an open action for this child is yours' }];
const SHARED: Agency[][] = [[], ['social-care'], ['education'], ['social-care', 'education', 'youth-justice']];

const HEALTH: Role[] = ['gp', 'practice-nurse', 'paediatrician', 'care-coordinator', 'health-visitor', 'school-nurse', 'camhs-clinician'];
const AGENCY_OF: Partial<Record<Role, Agency>> = { 'social-worker': 'social-care', senco: 'education', 'youth-justice-worker': 'youth-justice' };

/** Written out from the rules in the issue, not computed by the code under test. */
function expectedView(role: Role, relationship: boolean, shared: Agency[]): boolean {
  if (!relationship) return false;
  if (HEALTH.includes(role)) return true;
  const agency = AGENCY_OF[role];
  return agency !== undefined && shared.includes(agency);
}
const expectedWrite = (role: Role, relationship: boolean) => relationship && (HEALTH.includes(role) || role === 'social-worker');

describe('care plan policy matrix', () => {
  const cases = ROLE_IDS.flatMap((role) => [true, false].flatMap((rel) => SHARED.map((shared) => [role, rel, shared] as const)));

  it.each(cases)('%s, relationship %s, shared with %j', (role, rel, shared) => {
    const relationships = rel ? related : [];
    expect(carePlanPolicy.viewPlan(actor(role), relationships, shared).allowed).toBe(expectedView(role, rel, shared));
    expect(carePlanPolicy.createPlan(actor(role), relationships).allowed).toBe(expectedWrite(role, rel));
    expect(carePlanPolicy.editPlan(actor(role), relationships, shared).allowed).toBe(expectedView(role, rel, shared) && expectedWrite(role, rel));
    expect(carePlanPolicy.agreePlan(actor(role), relationships, 'me').allowed).toBe(rel && expectedView(role, true, [...AGENCIES]));
    expect(carePlanPolicy.agreePlan(actor(role), relationships, 'someone-else').allowed).toBe(false);
  });
});

describe('care plan policy for someone whose only relationship is owning an action', () => {
  it.each(ROLE_IDS.flatMap((role) => SHARED.map((shared) => [role, shared] as const)))('%s, shared with %j', (role, shared) => {
    // They see the plan as their agency may, with the family's consent, like anyone related to the child.
    expect(carePlanPolicy.viewPlan(actor(role), ownsAction, shared).allowed).toBe(expectedView(role, true, shared));
    // Writing a plan needs what seeing the child needs: for health, owning an action is direct care; for others it is not.
    expect(carePlanPolicy.createPlan(actor(role), ownsAction).allowed).toBe(HEALTH.includes(role));
    expect(carePlanPolicy.editPlan(actor(role), ownsAction, shared).allowed).toBe(HEALTH.includes(role));
  });
});
