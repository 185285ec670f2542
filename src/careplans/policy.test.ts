import { describe, expect, it } from 'vitest';
import type { Actor } from '../platform/access/actor.js';
import type { Decision } from '../platform/access/decision.js';
import { RELATIONSHIP_LABELS, type Relationship, type RelationshipKind } from '../platform/access/relationship.js';
import { CARING_ROLES, ROLES, ROLE_IDS, type Role } from '../platform/access/roles.js';
import { EVERYONE, ME, actorFor, childSummary, isSystemWho, related as through, type Who } from '../platform/access/test-actors.js';
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

describe('care plan policy matrix, with the why and the refusal words', () => {
  const yes = (why: string): Decision => ({ allowed: true, why });
  const no = (reason: string): Decision => ({ allowed: false, reason });
  const KINDS: (RelationshipKind | null)[] = [null, 'care-team', 'registered-practice', 'action-owner', 'break-glass', 'organisation-feed'];
  const agencyOf = (who: Who): Agency | null => (isSystemWho(who) ? 'health' : HEALTH.includes(who) ? 'health' : AGENCY_OF[who] ?? null);

  /** The plan, through any relationship (owning one of its actions included), as far as the family shares it beyond health. */
  function view(who: Who, kind: RelationshipKind | null, shared: Agency[]): Decision {
    const child = childSummary(who, kind);
    const plan = child.allowed || isSystemWho(who) || !CARING_ROLES.includes(who) || kind === null ? child : yes(`${RELATIONSHIP_LABELS[kind]}: detail`);
    if (!plan.allowed) return plan;
    const agency = agencyOf(who);
    return agency === 'health' || (agency && shared.includes(agency)) ? plan : no('The family has not agreed to share this care plan with your agency.');
  }
  /** Writing: what seeing the child needs, for health and social care people only. */
  function create(who: Who, kind: RelationshipKind | null): Decision {
    const child = childSummary(who, kind);
    if (!child.allowed) return child;
    return !isSystemWho(who) && (HEALTH.includes(who) || who === 'social-worker') ? child : no('Care plans are written by health and social care; your agency contributes through its actions.');
  }
  function agree(who: Who, kind: RelationshipKind | null, keyWorkerId: string): Decision {
    const child = childSummary(who, kind);
    if (!child.allowed) return child;
    return actorFor(who).professionalId === keyWorkerId ? child : no('Only the plan’s key worker can sign it off.');
  }

  const cases = EVERYONE.flatMap((who) => KINDS.flatMap((kind) => SHARED.map((shared) => [who, kind, shared] as const)));
  it.each(cases)('%s with relationship %s, shared with %j', (who, kind, shared) => {
    const a = actorFor(who);
    expect(carePlanPolicy.viewPlan(a, through(kind), shared)).toEqual(view(who, kind, shared));
    expect(carePlanPolicy.createPlan(a, through(kind))).toEqual(create(who, kind));
    const seen = view(who, kind, shared);
    expect(carePlanPolicy.editPlan(a, through(kind), shared)).toEqual(seen.allowed ? create(who, kind) : seen);
    expect(carePlanPolicy.agreePlan(a, through(kind), ME)).toEqual(agree(who, kind, ME));
    expect(carePlanPolicy.agreePlan(a, through(kind), 'someone-else')).toEqual(agree(who, kind, 'someone-else'));
  });

  it.each(EVERYONE)('%s: plans due for review only for those who hold care plans', (who) => {
    const caring = !isSystemWho(who) && CARING_ROLES.includes(who);
    expect(carePlanPolicy.reviewPlansDue(actorFor(who))).toEqual(caring ? yes(`care plan reviews of a ${ROLES[who as Role].toLowerCase()}`) : no('Your role does not hold care plans.'));
  });
});
