import { KIND_LABELS, type OrganisationKind } from './organisation-kinds.js';
import { ROLES, type Role } from './roles.js';

/**
 * Which kinds of organisation each role may work at. A role's rights follow
 * from the job (a GP sees their practice's children, a paediatrician may
 * use emergency access), so the job must be one that organisation does: a
 * "GP" at a school is refused when the account is made or changed, and at
 * sign-in if one exists already.
 */
export const ROLE_ORGANISATION_KINDS: Record<Role, readonly OrganisationKind[]> = {
  gp: ['gp-practice'],
  'practice-nurse': ['gp-practice'],
  paediatrician: ['acute-trust', 'community-provider'],
  'care-coordinator': ['community-provider', 'acute-trust', 'voluntary-sector'],
  'health-visitor': ['community-provider'],
  'school-nurse': ['community-provider', 'school'],
  'camhs-clinician': ['mental-health-trust', 'community-provider'],
  'social-worker': ['childrens-social-care'],
  senco: ['school'],
  'youth-justice-worker': ['youth-justice'],
  'ics-analyst': ['ics-body'],
  'privacy-officer': ['ics-body'],
  'hub-admin': ['community-provider', 'acute-trust', 'gp-practice'],
  admin: ['ics-body'],
  'clinical-lead': ['ics-body'],
};

export const roleFits = (role: Role, kind: OrganisationKind): boolean => ROLE_ORGANISATION_KINDS[role].includes(kind);

/** "a GP practice", "an acute hospital trust", "an ICS body": acronyms keep their capitals. */
const withArticle = (label: string) => {
  const text = /^[A-Z]{2}/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
  return `${/^[aeiouAEIOU]/.test(text) ? 'an' : 'a'} ${text}`;
};

const kindList = (role: Role) => {
  const labels = ROLE_ORGANISATION_KINDS[role].map((k) => withArticle(KIND_LABELS[k]));
  return labels.length === 1 ? labels[0] : `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}`;
};

/** "A GP account must be at a GP practice, not a school." */
export function roleMisfitWords(role: Role, kind: OrganisationKind): string {
  const account = withArticle(ROLES[role]);
  return `${account.charAt(0).toUpperCase()}${account.slice(1)} account must be at ${kindList(role)}, not ${withArticle(KIND_LABELS[kind])}`;
}
