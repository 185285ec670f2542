/** Professional roles. The id is the kebab-case name used in demo sign-ins. */
export const ROLES = {
  gp: 'GP',
  'practice-nurse': 'Practice nurse',
  paediatrician: 'Paediatrician',
  'care-coordinator': "Community children's nurse / care coordinator",
  'health-visitor': 'Health visitor',
  'school-nurse': 'School nurse',
  'camhs-clinician': 'CAMHS clinician',
  'social-worker': 'Social worker',
  senco: 'Education (SENCO)',
  'youth-justice-worker': 'Youth justice worker',
  'ics-analyst': 'ICS analyst',
  'privacy-officer': 'Privacy officer',
  'hub-admin': 'Hub clinic administrator',
  admin: 'Administrator',
  'clinical-lead': 'ICS clinical lead',
} as const;

export type Role = keyof typeof ROLES;
export const ROLE_IDS = Object.keys(ROLES) as Role[];

export function isRole(value: string): value is Role {
  return Object.prototype.hasOwnProperty.call(ROLES, value);
}

/** Roles that care for children directly and so may hold a relationship with one. */
export const CARING_ROLES: readonly Role[] = [
  'gp',
  'practice-nurse',
  'paediatrician',
  'care-coordinator',
  'health-visitor',
  'school-nurse',
  'camhs-clinician',
  'social-worker',
  'senco',
  'youth-justice-worker',
];

/** The agencies that care for a child together; decision record 0003 says what each may see. */
export const AGENCIES = ['health', 'social-care', 'education', 'youth-justice'] as const;
export type Agency = (typeof AGENCIES)[number];

const ROLE_AGENCIES: Partial<Record<Role, Agency>> = {
  gp: 'health', 'practice-nurse': 'health', paediatrician: 'health', 'care-coordinator': 'health', 'health-visitor': 'health',
  'school-nurse': 'health', 'camhs-clinician': 'health', 'social-worker': 'social-care', senco: 'education', 'youth-justice-worker': 'youth-justice',
};

/** The agency a role works for; null for back-office roles and systems. */
export function agencyOfRole(role: string): Agency | null {
  return ROLE_AGENCIES[role as Role] ?? null;
}

/**
 * Agencies that see a child's health detail: the shared record (allergies,
 * medicines, problems, contacts, letters), carers' contact details and, on a
 * stated reason, sensitive entries. Health for direct care, social care for
 * safeguarding; never education or youth justice (decision record 0003).
 */
export const HEALTH_DETAIL_AGENCIES: readonly Agency[] = ['health', 'social-care'];

/** The UK Core identifier system of each statutory register a caring role's professionals are on (GMC, NMC, HCPC). */
export const REGISTER_SYSTEMS = {
  gmc: 'https://fhir.hl7.org.uk/Id/gmc-number',
  nmc: 'https://fhir.hl7.org.uk/Id/nmc-number',
  hcpc: 'https://fhir.hl7.org.uk/Id/hcpc-number',
} as const;

/** Which register a role's professionals are on: none for roles outside the health registers (social work, education, youth justice, back office). */
export const REGISTER_OF_ROLE: Partial<Record<Role, keyof typeof REGISTER_SYSTEMS>> = {
  gp: 'gmc', paediatrician: 'gmc', 'practice-nurse': 'nmc', 'care-coordinator': 'nmc', 'health-visitor': 'nmc', 'school-nurse': 'nmc', 'camhs-clinician': 'hcpc',
};
