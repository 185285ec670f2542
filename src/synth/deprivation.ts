/**
 * Deprivation is a latent score per area (lower = more deprived): a place
 * shift, plus a practice effect, plus neighbourhood noise. Practices therefore
 * differ widely (some with most children in Core20, some with none) and
 * places differ too.
 */
export const PLACE_SD = 0.35;
export const PRACTICE_SD = 0.75;
export const AREA_SD = 0.55;

export type ScoredArea = { score: number; children: number; decile: number };

/**
 * Turns scores into national IMD deciles (1 = most deprived tenth) by rank,
 * weighted by expected children, so the ICS as a whole has ~10% of children
 * in each decile and ~20% in Core20 (deciles 1–2) whatever the random draws;
 * with a handful of practices, drawing deciles directly swung Core20 from
 * ~10% to ~30% between seeds.
 */
export function assignDeciles(areas: ScoredArea[]): void {
  const sorted = [...areas].sort((a, b) => a.score - b.score);
  const total = sorted.reduce((a, x) => a + x.children, 0) || 1;
  let before = 0;
  for (const area of sorted) {
    const middle = (before + area.children / 2) / total;
    area.decile = Math.min(10, Math.floor(middle * 10) + 1);
    before += area.children;
  }
}

export const isCore20 = (decile: number) => decile <= 2;
