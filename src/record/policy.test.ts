import { describe, expect, it } from 'vitest';
import type { Actor } from '../platform/access/actor.js';
import type { Relationship, RelationshipKind } from '../platform/access/relationship.js';
import { ROLE_IDS, type Role } from '../platform/access/roles.js';
import { recordPolicy } from './policy.js';

const actor = (role: Role): Actor => ({ icsId: 'ics', professionalId: 'me', name: 'Pro', email: '', role, organisationId: 'org', organisationName: 'Org' });
const rel = (kind: RelationshipKind | null): Relationship[] => (kind ? [{ kind, detail: 'detail' }] : []);
const KINDS: (RelationshipKind | null)[] = [null, 'registered-practice', 'care-team', 'referral', 'mdt-case', 'action-owner', 'break-glass'];

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
