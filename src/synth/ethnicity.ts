import type { Rng } from '../platform/random/seeded.js';

/**
 * NHS ethnic category codes (Data Dictionary, 2001-census based) with shares
 * roughly as England's under-18s in the 2021 census: White ~72%, Asian ~12%,
 * Mixed ~6%, Black ~5%, Other ~3%, not stated ~2%.
 */
export const ETHNIC_CATEGORIES = [
  { code: 'A', label: 'White - British', share: 0.62, white: true },
  { code: 'B', label: 'White - Irish', share: 0.004, white: true },
  { code: 'C', label: 'White - Any other White background', share: 0.09, white: true },
  { code: 'D', label: 'Mixed - White and Black Caribbean', share: 0.016, white: false },
  { code: 'E', label: 'Mixed - White and Black African', share: 0.009, white: false },
  { code: 'F', label: 'Mixed - White and Asian', share: 0.017, white: false },
  { code: 'G', label: 'Mixed - Any other mixed background', share: 0.018, white: false },
  { code: 'H', label: 'Asian or Asian British - Indian', share: 0.032, white: false },
  { code: 'J', label: 'Asian or Asian British - Pakistani', share: 0.045, white: false },
  { code: 'K', label: 'Asian or Asian British - Bangladeshi', share: 0.017, white: false },
  { code: 'L', label: 'Asian or Asian British - Any other Asian background', share: 0.024, white: false },
  { code: 'M', label: 'Black or Black British - Caribbean', share: 0.006, white: false },
  { code: 'N', label: 'Black or Black British - African', share: 0.036, white: false },
  { code: 'P', label: 'Black or Black British - Any other Black background', share: 0.008, white: false },
  { code: 'R', label: 'Other ethnic groups - Chinese', share: 0.005, white: false },
  { code: 'S', label: 'Other ethnic groups - Any other ethnic group', share: 0.025, white: false },
  { code: 'Z', label: 'Not stated', share: 0.018, white: true },
] as const;

export type EthnicCode = (typeof ETHNIC_CATEGORIES)[number]['code'];
export const ETHNIC_CODES: readonly EthnicCode[] = ETHNIC_CATEGORIES.map((c) => c.code);

/**
 * Category weights for an area whose non-White share is scaled by `diversity`
 * (1 = national mix); places and practices differ the way real ones do.
 */
export function ethnicMix(diversity: number): number[] {
  return ETHNIC_CATEGORIES.map((c) => (c.white ? c.share : c.share * diversity));
}

export type NameGroup = 'english' | 'european' | 'south-asian' | 'muslim' | 'african' | 'east-asian';

type Weights = readonly (readonly [NameGroup, number])[];

/**
 * Which naming tradition a family's names come from, by the child's category.
 * Deliberately loose (many British Asian, Black and Chinese children have
 * English given names); it only has to look plausible on a demo screen.
 */
const FAMILY_NAMES: Record<EthnicCode, Weights> = {
  A: [['english', 0.97], ['european', 0.03]],
  B: [['english', 1]],
  C: [['european', 0.75], ['english', 0.15], ['muslim', 0.1]],
  D: [['english', 1]],
  E: [['english', 0.6], ['african', 0.4]],
  F: [['english', 0.55], ['south-asian', 0.25], ['muslim', 0.2]],
  G: [['english', 0.6], ['muslim', 0.15], ['african', 0.15], ['east-asian', 0.1]],
  H: [['south-asian', 0.85], ['muslim', 0.15]],
  J: [['muslim', 1]],
  K: [['muslim', 1]],
  L: [['south-asian', 0.45], ['east-asian', 0.3], ['muslim', 0.25]],
  M: [['english', 0.95], ['african', 0.05]],
  N: [['african', 0.7], ['muslim', 0.3]],
  P: [['english', 0.5], ['african', 0.5]],
  R: [['east-asian', 1]],
  S: [['muslim', 0.55], ['european', 0.2], ['english', 0.15], ['east-asian', 0.1]],
  Z: [['english', 0.8], ['european', 0.05], ['south-asian', 0.05], ['muslim', 0.05], ['african', 0.05]],
};

function draw(rng: Rng, weights: Weights): NameGroup {
  return weights[rng.weighted(weights.map((w) => w[1]))][0];
}

/** The naming tradition for a family's surname and (mostly) its given names. */
export function familyNameGroup(rng: Rng, code: EthnicCode): NameGroup {
  return draw(rng, FAMILY_NAMES[code]);
}

/** Given names usually follow the family; British Chinese children often have English ones. */
export function givenNameGroup(rng: Rng, code: EthnicCode, family: NameGroup): NameGroup {
  if (code === 'R' && rng.chance(0.5)) return 'english';
  return family;
}
