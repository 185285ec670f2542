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
