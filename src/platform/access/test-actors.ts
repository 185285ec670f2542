import type { Actor } from './actor.js';
import type { Decision } from './decision.js';
import { RELATIONSHIP_LABELS, type Relationship, type RelationshipKind } from './relationship.js';
import { CARING_ROLES, ROLE_IDS, type Role } from './roles.js';

/**
 * The people and systems a policy matrix test asks about: every professional
 * role, the ICS's integration engine and an organisation's system. For tests
 * only; each person is 'me' of organisation 'my-org'.
 */
export type Who = Role | 'engine' | 'org-system';
export const EVERY_ROLE: readonly Role[] = ROLE_IDS;
export const EVERYONE: readonly Who[] = [...ROLE_IDS, 'engine', 'org-system'];

export const ME = 'me';
export const MY_ORG = 'my-org';

export const person = (role: Role, id = ME): Actor => ({
  icsId: 'ics', professionalId: id, name: 'Test', email: 't@x.test', role, organisationId: MY_ORG, organisationName: 'My organisation',
});

export const systemClient = (clientOrganisationId: string | null, scopes = ['system/*.cruds']): Actor => ({
  icsId: 'ics', professionalId: 'client', name: 'Feed', email: '', role: 'system', organisationId: clientOrganisationId ?? 'icb', organisationName: 'Org',
  system: { clientId: 'client', scopes, clientOrganisationId },
});

export const actorFor = (who: Who): Actor => (who === 'engine' ? systemClient(null) : who === 'org-system' ? systemClient(MY_ORG) : person(who));
export const isSystemWho = (who: Who): who is 'engine' | 'org-system' => who === 'engine' || who === 'org-system';

/** One relationship of this kind (detail 'detail'), or none. */
export const related = (kind: RelationshipKind | null): Relationship[] => (kind ? [{ kind, detail: 'detail' }] : []);

/** Health roles, for whom owning an action is direct care (decision record 0003). */
export const HEALTH_ROLES: readonly Role[] = ['gp', 'practice-nurse', 'paediatrician', 'care-coordinator', 'health-visitor', 'school-nurse', 'camhs-clinician'];

/**
 * Whether the actor sees the child's summary through this relationship,
 * written out from the rules (decision record 0003): caring roles through
 * any relationship, though owning an action opens it to health only; a
 * system through any relationship.
 */
export function seesChild(who: Who, kind: RelationshipKind | null): boolean {
  if (kind === null) return false;
  if (isSystemWho(who)) return true;
  return CARING_ROLES.includes(who) && (kind !== 'action-owner' || HEALTH_ROLES.includes(who));
}

/** The words a person reads when they may not see the child at all: no relationship, the wrong role, or only an action of theirs. */
export function childRefusal(who: Who, kind: RelationshipKind | null): string {
  if (isSystemWho(who)) return 'This system has no relationship with this child.';
  if (!CARING_ROLES.includes(who)) return 'Your role does not give access to children’s records.';
  if (kind === 'action-owner') return 'Owning an action for this child lets you see your action and the care plan as shared with your agency, not the child’s record.';
  return 'You do not have a care relationship with this child.';
}

/** The child summary decision, written out: the relationship in words for the audit, or the refusal. */
export function childSummary(who: Who, kind: RelationshipKind | null): Decision {
  return seesChild(who, kind) ? { allowed: true, why: `${RELATIONSHIP_LABELS[kind!]}: detail` } : { allowed: false, reason: childRefusal(who, kind) };
}

export const HEALTH_DETAIL_REFUSAL = 'The shared record’s health detail (allergies, medicines, problems, contacts and letters) is for health and social care; education and youth justice see the care plan the family shares with them.';

/** The health detail (shared record) decision, written out: the child's summary, for health and social care (and systems) only. */
export function healthDetail(who: Who, kind: RelationshipKind | null): Decision {
  const child = childSummary(who, kind);
  if (!child.allowed || isSystemWho(who) || HEALTH_ROLES.includes(who) || who === 'social-worker') return child;
  return { allowed: false, reason: HEALTH_DETAIL_REFUSAL };
}
