import { isSystem, type Actor } from '../platform/access/actor.js';
import type { Role } from '../platform/access/roles.js';
import type { Agency } from './schema.js';

export const AGENCY_LABELS: Record<Agency, string> = {
  health: 'Health',
  'social-care': 'Social care',
  education: 'Education',
  'youth-justice': 'Youth justice',
};

const ROLE_AGENCIES: Partial<Record<Role, Agency>> = {
  gp: 'health', 'practice-nurse': 'health', paediatrician: 'health', 'care-coordinator': 'health', 'health-visitor': 'health',
  'school-nurse': 'health', 'camhs-clinician': 'health', 'social-worker': 'social-care', senco: 'education', 'youth-justice-worker': 'youth-justice',
};

/** The agency a role works for; null for back-office roles and systems. */
export function agencyOf(role: string): Agency | null {
  return ROLE_AGENCIES[role as Role] ?? null;
}

/**
 * The agency whose view of a plan the actor gets. A system reads plans only
 * with a CarePlan scope, which the ICS grants to health systems: it gets
 * health's view.
 */
export function agencyOfActor(actor: Actor): Agency | null {
  return isSystem(actor) ? 'health' : agencyOf(actor.role);
}

const TEAM_AGENCIES: Record<string, Agency> = { school: 'education', 'childrens-social-care': 'social-care', 'youth-justice': 'youth-justice' };

/** The agency of a team (an organisation) by its kind: schools are education, say; the rest health. */
export const agencyOfTeam = (kind: string): Agency => TEAM_AGENCIES[kind] ?? 'health';
