/**
 * A prevalence that varies by age, IMD decile and sex while keeping its
 * population average: each weight table is divided by its mean over a flat
 * age distribution, uniform deciles and a 51/49 sex split, so `base` stays the
 * overall rate the spec asks for.
 */
export type RiskModel = {
  base: number;
  /** 18 weights, ages 0–17; zero where the condition cannot occur. */
  age?: readonly number[];
  /** 10 weights, decile 1 (most deprived) … 10. */
  decile?: readonly number[];
  /** Relative rate in boys versus girls. */
  maleToFemale?: number;
};

export type Risk = (age: number, decile: number, male: boolean) => number;

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function risk(model: RiskModel): Risk {
  const age = model.age ?? Array<number>(18).fill(1);
  const decile = model.decile ?? Array<number>(10).fill(1);
  if (age.length !== 18 || decile.length !== 10) throw new Error('risk tables need 18 ages and 10 deciles');
  const ma = mean(age);
  const md = mean(decile);
  const r = model.maleToFemale ?? 1;
  const male = 1 / (0.51 + 0.49 / r);
  const female = male / r;
  const byAge = age.map((w) => (model.base * w) / ma);
  const byDecile = decile.map((w) => w / md);
  return (a, d, isMale) => byAge[a] * byDecile[d - 1] * (isMale ? male : female);
}

/** Deprivation gradients used by several models, most deprived first. */
export const GRADIENT = {
  mild: [1.25, 1.18, 1.1, 1.05, 1, 0.97, 0.93, 0.9, 0.86, 0.82],
  moderate: [1.6, 1.4, 1.25, 1.1, 1, 0.9, 0.82, 0.75, 0.68, 0.6],
  strong: [2.4, 1.9, 1.5, 1.2, 1, 0.8, 0.7, 0.6, 0.5, 0.4],
  steep: [3, 2.5, 2, 1.5, 1, 0.8, 0.6, 0.4, 0.3, 0.2],
} as const;
