import type { FamilyView } from '../platform/access/relationship-kinds.js';
import type { PrEvidence } from './schema.js';

/** The evidence of parental responsibility, as the granting professional reads it. */
export const PR_EVIDENCE_LABELS: Record<PrEvidence, string> = {
  'birth-certificate': 'Birth certificate naming them as a parent',
  'adoption-certificate': 'Adoption certificate',
  'parental-order': 'Parental order',
  'pr-agreement': 'Parental responsibility agreement',
  'court-order': 'Court order (child arrangements, special guardianship or residence)',
  'corporate-parent': 'Local authority as corporate parent (looked-after child)',
};

/** What a proxy may see, in the family's words. */
export const VIEW_LABELS: Record<FamilyView, string> = {
  appointments: 'Appointments', plan: 'Care plan', letters: 'Letters', advice: 'Advice', messages: 'Questions to the care team',
};

export const CHANGE_LABELS: Record<string, string> = {
  granted: 'Granted', limited: 'Limited', suspended: 'Suspended', resumed: 'Resumed', ended: 'Ended', 'young-person-agreed': 'Young person agreed',
  reviewed: 'Reviewed with the young person', 'deputyship-recorded': 'Deputyship recorded',
};

/** A decision at an age milestone (milestone:basis), as the family access page lists it. */
export const MILESTONE_LABELS: Record<string, string> = {
  'review:young-persons-view': 'Reviewed with the young person’s view', '16:young-person-consent': 'Young person consents after 16',
  '18:young-person-consent': 'Young person consents after 18', '18:deputyship': 'Court-appointed deputyship',
};

/**
 * The letters sent to the family, by their source in the record, as the
 * family reads what kind each is: after a clinic, a team meeting, advice or
 * care at home. Others in the record (a GP's referral, written to the hub)
 * are not the family's letters and are not listed on their pages.
 */
export const LETTER_KINDS: Record<string, string> = {
  'clinic-outcome': 'Letter after a clinic appointment', clinic: 'Letter after a clinic appointment', mdt: 'Letter after the care team met about your child',
  advice: 'Advice letter', 'virtual-ward-discharge': 'Letter after care at home',
};
export const FAMILY_LETTER_SOURCES = Object.keys(LETTER_KINDS);
