/**
 * The Facing the Future: Together for Child Health standards that Joinery can
 * measure, and how a hub's figure is judged against each. Pure, no I/O: the
 * counts come from standards-data.ts.
 *
 * Counts of children are the population's small numbers: a denominator of 1
 * to 7 children is too few to judge (no-data, for everyone), and a reader who
 * may not see small numbers sees neither figure nor counts when the numerator
 * is 1 to 7 (hazard H073). Practices are not children and are never withheld.
 */

export type StandardStatus = 'met' | 'partly' | 'not-met' | 'no-data' | 'attested';

export type StandardId = 'advice-in-promise' | 'rapid-access-24h' | 'link-paediatrician' | 'gp-education-6-months' | 'community-nursing' | 'discharge-summary-24h';

export type Standard = {
  id: StandardId;
  title: string;
  /** What the figure counts, in words: the unit of the figure and of the numerator over the denominator. */
  unit: string;
  counts: 'children' | 'practices' | 'none';
  /** The share at or above which the standard is met, and partly met; null where the data cannot answer it (attestation only). */
  met: number | null;
  partly: number | null;
};

export const STANDARDS: readonly Standard[] = [
  { id: 'advice-in-promise', title: 'Advice from a consultant paediatrician, answered within the hub’s promise', unit: '% of advice requests answered within the promise', counts: 'children', met: 90, partly: 70 },
  { id: 'rapid-access-24h', title: 'A rapid access clinic: urgent referrals seen within 24 hours', unit: '% of urgent referrals seen within 24 hours', counts: 'children', met: 90, partly: 70 },
  { id: 'link-paediatrician', title: 'A link consultant paediatrician for every practice', unit: '% of practices with a named hub paediatrician', counts: 'practices', met: 100, partly: 1 },
  { id: 'gp-education-6-months', title: 'Education with GPs at least every six months', unit: '% of practices at a hub teaching session in the last six months', counts: 'practices', met: 100, partly: 50 },
  { id: 'community-nursing', title: 'Community children’s nursing', unit: 'attested by the ICS', counts: 'none', met: null, partly: null },
  { id: 'discharge-summary-24h', title: 'A discharge summary to the GP within 24 hours', unit: '% of virtual ward discharges with the summary filed within 24 hours', counts: 'children', met: 90, partly: 70 },
];

export const STANDARD_IDS = STANDARDS.map((s) => s.id);
export const standardOf = (id: string): Standard | undefined => STANDARDS.find((s) => s.id === id);

/** The fewest children a share is judged on: fewer is no-data, not a pass. */
export const FEWEST_CHILDREN = 8;
const isSmall = (n: number) => n > 0 && n <= 7;

export type Attestation = { status: 'met' | 'partly' | 'not-met'; evidence: string; attestedOn: string; by: string };

export type Judged = {
  status: StandardStatus;
  /** The share in percent (one decimal), or null when there is none or it is withheld. */
  figure: number | null;
  numerator: number | null;
  denominator: number | null;
  /** Why there is no figure, or what the attestation said. */
  note: string;
  attestation: Attestation | null;
};

/**
 * A hub's figure against a standard. Counts are measured; with none (the data
 * do not exist) the ICS's latest attestation answers, marked as such.
 */
export function judge(s: Standard, counts: { numerator: number; denominator: number } | null, o: { hideSmall: boolean; attestation: Attestation | null }): Judged {
  const attested = (why: string): Judged => (o.attestation
    ? { status: 'attested', figure: null, numerator: null, denominator: null, note: `Attested ${o.attestation.status.replace('-', ' ')} on ${o.attestation.attestedOn}: ${o.attestation.evidence}`, attestation: o.attestation }
    : { status: 'no-data', figure: null, numerator: null, denominator: null, note: why, attestation: null });
  if (!counts || s.met === null || s.partly === null) return attested('Joinery holds no data for this standard: the ICS may attest to it');
  const { numerator, denominator } = counts;
  if (denominator === 0) return attested('Nothing to count in this period');
  const children = s.counts === 'children';
  if (children && denominator < FEWEST_CHILDREN) {
    return { status: 'no-data', figure: null, numerator: o.hideSmall ? null : numerator, denominator: o.hideSmall ? null : denominator, note: `Fewer than ${FEWEST_CHILDREN} children: too few to judge`, attestation: null };
  }
  const share = Math.round((1000 * numerator) / denominator) / 10;
  const status = share >= s.met ? 'met' : share >= s.partly ? 'partly' : 'not-met';
  if (children && o.hideSmall && (isSmall(numerator) || isSmall(denominator - numerator))) {
    // The share would give the small count back from the denominator: both are withheld, the judgement stays.
    return { status, figure: null, numerator: null, denominator: null, note: 'Suppressed: a count of 1 to 7 children', attestation: null };
  }
  return { status, figure: share, numerator, denominator, note: '', attestation: null };
}

export const STATUS_WORDS: Record<StandardStatus, string> = { met: 'Met', partly: 'Partly met', 'not-met': 'Not met', 'no-data': 'No data', attested: 'Attested' };
