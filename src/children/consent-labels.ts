import type { Agency } from '../platform/access/roles.js';
import type { ConsentDecision } from './schema.js';

/** Agencies as a family and a professional would name them. */
export const AGENCY_NAMES: Record<Agency, string> = { health: 'Health', 'social-care': 'Social care', education: 'Education', 'youth-justice': 'Youth justice' };

export const CONSENT_DECISION_LABELS: Record<ConsentDecision, string> = { given: 'Given', refused: 'Refused', withdrawn: 'Withdrawn' };

type Giver = { given_by: string; given_by_name: string | null; competence_judged_by_name: string | null };

/** Who made a decision, in words: the family member, or the young person and who judged them competent. */
export function consentGiverLabel(d: Giver): string {
  if (d.given_by === 'young-person') {
    return d.competence_judged_by_name ? `The young person, judged competent by ${d.competence_judged_by_name}` : 'The young person';
  }
  if (d.given_by === 'carried-over-from-care-plan') return 'Not recorded (carried over from the care plan’s own sharing list)';
  return d.given_by_name ?? 'A parent or carer (not named)';
}
