/**
 * The kinds of organisation a professional can work at. Access depends on
 * them (a role must fit its organisation's kind), so they live beside the
 * roles; the organisations table stores one of these per row.
 */
export const ORGANISATION_KINDS = [
  'gp-practice',
  'acute-trust',
  'community-provider',
  'mental-health-trust',
  'childrens-social-care',
  'school',
  'youth-justice',
  'voluntary-sector',
  'ics-body',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** What each kind of organisation is called on screen. */
export const KIND_LABELS: Record<OrganisationKind, string> = {
  'gp-practice': 'GP practice',
  'acute-trust': 'Acute hospital trust',
  'community-provider': 'Community health provider',
  'mental-health-trust': 'Mental health trust',
  'childrens-social-care': 'Children’s social care',
  school: 'School',
  'youth-justice': 'Youth justice service',
  'voluntary-sector': 'Voluntary sector organisation',
  'ics-body': 'ICS body',
};
