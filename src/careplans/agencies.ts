import { isSystem, type Actor } from '../platform/access/actor.js';
import { agencyOfRole, type Agency } from '../platform/access/roles.js';

export const AGENCY_LABELS: Record<Agency, string> = {
  health: 'Health',
  'social-care': 'Social care',
  education: 'Education',
  'youth-justice': 'Youth justice',
};

/** The agency a role works for; null for back-office roles and systems. */
export const agencyOf = agencyOfRole;

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
