import { describe, expect, it } from 'vitest';
import type { Actor } from '../platform/access/actor.js';
import type { Relationship, RelationshipKind } from '../platform/access/relationship.js';
import { ROLE_IDS, type Role } from '../platform/access/roles.js';
import type { Decision } from '../platform/access/decision.js';
import { EVERYONE, MY_ORG, actorFor, childSummary, healthDetail, isSystemWho, related, type Who } from '../platform/access/test-actors.js';
import { recordPolicy } from './policy.js';

const actor = (role: Role): Actor => ({ icsId: 'ics', professionalId: 'me', name: 'Pro', email: '', role, organisationId: 'org', organisationName: 'Org' });
const rel = (kind: RelationshipKind | null): Relationship[] => (kind ? [{ kind, detail: 'detail' }] : []);
const KINDS: (RelationshipKind | null)[] = [null, 'registered-practice', 'care-team', 'referral', 'mdt-case', 'action-owner', 'break-glass', 'integration-engine', 'organisation-feed'];

const HEALTH: Role[] = ['gp', 'practice-nurse', 'paediatrician', 'care-coordinator', 'health-visitor', 'school-nurse', 'camhs-clinician'];

/** Written out from decision record 0003: the shared record is health and social care's; owning an action opens it to health only. */
function expectedRecord(role: Role, kind: RelationshipKind | null): boolean {
  if (kind === null) return false;
  if (HEALTH.includes(role)) return true;
  return role === 'social-worker' && kind !== 'action-owner';
}

describe('shared record policy matrix', () => {
  it.each(ROLE_IDS.flatMap((role) => KINDS.map((kind) => [role, kind] as const)))('%s with relationship %s', (role, kind) => {
    const expected = expectedRecord(role, kind);
    expect(recordPolicy.viewRecord(actor(role), rel(kind)).allowed).toBe(expected);
    expect(recordPolicy.recordEntry(actor(role), rel(kind), null).allowed).toBe(expected);
    expect(recordPolicy.recordEntry(actor(role), rel(kind), 'another-team').allowed).toBe(false);
    expect(recordPolicy.recordEntry(actor(role), rel(kind), 'org').allowed).toBe(expected);
    // Whoever may read the record may ask to see sensitive entries (and is reviewed); nobody else may.
    expect(recordPolicy.revealSensitive(actor(role), rel(kind)).allowed).toBe(expected);
    expect(recordPolicy.freezeRecord(actor(role), rel(kind)).allowed).toBe(role === 'privacy-officer' || (role === 'social-worker' && expected));
  });

  it('tells education why the record is closed to them, and where to look instead', () => {
    const refused = recordPolicy.revealSensitive(actor('senco'), rel('care-team'));
    expect(refused).toEqual({ allowed: false, reason: expect.stringContaining('education and youth justice see the care plan the family shares with them') });
  });
});

describe('shared record policy matrix, with the why and the refusal words', () => {
  const yes = (why: string): Decision => ({ allowed: true, why });
  const no = (reason: string): Decision => ({ allowed: false, reason });
  const FROZEN = 'This record is frozen during a safeguarding investigation';
  /** Who froze the record: nobody, the actor's own organisation, or another team. */
  const FREEZES = [null, MY_ORG, 'another-team'] as const;

  /** Written out from the rules: health detail to write; a freeze stops all but the people of the team that froze it. */
  function recordEntry(who: Who, kind: RelationshipKind | null, frozenBy: string | null): Decision {
    const read = healthDetail(who, kind);
    if (!read.allowed || frozenBy === null) return read;
    if (isSystemWho(who)) return no(`${FROZEN}: no system can change it until the freeze is lifted, only the people of the team that froze it.`);
    return frozenBy === MY_ORG ? read : no(`${FROZEN}: only the team that froze it can change it.`);
  }
  /** A privacy officer freezes any record; a social worker one they may see; nobody else. */
  function freeze(who: Who, kind: RelationshipKind | null): Decision {
    if (who === 'privacy-officer') return yes('privacy officer');
    return who === 'social-worker' ? childSummary(who, kind) : no('Only a privacy officer or the child’s social worker can freeze a record.');
  }
  /** Lifting: of those who may freeze, the team that froze it or a privacy officer. */
  function lift(who: Who, kind: RelationshipKind | null, frozenBy: string): Decision {
    const may = freeze(who, kind);
    if (!may.allowed || who === 'privacy-officer' || frozenBy === MY_ORG) return may;
    return no('Only the team that froze this record, or a privacy officer, can lift the freeze.');
  }

  const cases = EVERYONE.flatMap((who) => KINDS.flatMap((kind) => FREEZES.map((frozenBy) => [who, kind, frozenBy] as const)));
  it.each(cases)('%s with relationship %s, frozen by %s', (who, kind, frozenBy) => {
    const a = actorFor(who);
    expect(recordPolicy.viewRecord(a, related(kind))).toEqual(healthDetail(who, kind));
    expect(recordPolicy.revealSensitive(a, related(kind))).toEqual(isSystemWho(who) ? no('A system cannot reveal sensitive entries.') : healthDetail(who, kind));
    expect(recordPolicy.recordEntry(a, related(kind), frozenBy)).toEqual(recordEntry(who, kind, frozenBy));
    expect(recordPolicy.freezeAnyRecord(a)).toEqual(who === 'privacy-officer' ? yes('privacy officer') : no('Only a privacy officer freezes a record without a care relationship with the child.'));
    expect(recordPolicy.freezeRecord(a, related(kind))).toEqual(freeze(who, kind));
    if (frozenBy) expect(recordPolicy.liftFreeze(a, related(kind), frozenBy)).toEqual(lift(who, kind, frozenBy));
  });

  it('lets a privacy officer lift another team’s freeze without any relationship, and refuses the child’s other social worker', () => {
    expect(recordPolicy.liftFreeze(actorFor('privacy-officer'), [], 'another-team')).toEqual(yes('privacy officer'));
    expect(recordPolicy.liftFreeze(actorFor('social-worker'), related('care-team'), 'another-team')).toEqual(no('Only the team that froze this record, or a privacy officer, can lift the freeze.'));
    expect(recordPolicy.liftFreeze(actorFor('social-worker'), related('care-team'), MY_ORG)).toEqual(yes('Care team: detail'));
  });
});
