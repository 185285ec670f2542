/**
 * How often children use services, as expected events per child per month:
 * the rate model behind the generator's activity (synth/activity-events.ts,
 * through service.ts) and the evaluation's coverage simulation, so both draw
 * from the same truth. It is population knowledge, so it lives here and the
 * generator asks for it, rather than population importing the generator.
 * Figures from docs/synthetic-population.md: ED ~380 per 1,000 a year
 * (~800 at ages 0–4), ~1.5× in the most deprived quintile against the least;
 * emergency admissions ~75 per 1,000 (infants several times higher,
 * bronchiolitis Nov–Jan); first outpatient attendances ~25 per 1,000 (55%
 * higher from deprived areas); GP consultations ~5 a year at 0–4, ~2 at 5–17.
 */

/** The activity whose rate depends only on age, deprivation, season and any care model. */
export const POPULATION_ACTIVITY = ['ed', 'emergency-admission', 'outpatient-first', 'gp'] as const;
export type PopulationActivity = (typeof POPULATION_ACTIVITY)[number];

/** Yearly rate by age band: under 1, 1–4, 5–9, 10–14, 15–17. */
const BY_AGE: Record<PopulationActivity, readonly [number, number, number, number, number]> = {
  ed: [1.0, 0.75, 0.2, 0.22, 0.3],
  'emergency-admission': [0.3, 0.1, 0.04, 0.045, 0.06],
  'outpatient-first': [0.05, 0.025, 0.018, 0.02, 0.02],
  gp: [6.5, 4.6, 2.2, 1.9, 2.0],
};

/**
 * Relative rate by IMD quintile (1 = most deprived, Core20), about 1 on
 * average across the quintiles: ED and admissions 1.5× from least to most
 * deprived, outpatients 1.55×, GP contacts 1.2×.
 */
const BY_QUINTILE: Record<PopulationActivity, readonly [number, number, number, number, number]> = {
  ed: [1.22, 1.1, 1.0, 0.9, 0.81],
  'emergency-admission': [1.22, 1.1, 1.0, 0.9, 0.81],
  'outpatient-first': [1.24, 1.1, 1.0, 0.88, 0.8],
  gp: [1.1, 1.04, 1.0, 0.96, 0.92],
};

/** How much higher the January peak is than the year's average (a cosine through the year). */
const WINTER: Record<PopulationActivity, number> = { ed: 0.12, 'emergency-admission': 0.2, 'outpatient-first': 0, gp: 0.15 };
/** Bronchiolitis makes infants' winter admissions peak far higher. */
const INFANT_WINTER_ADMISSIONS = 0.45;

export const ageBandIndex = (age: number): 0 | 1 | 2 | 3 | 4 => (age < 1 ? 0 : age < 5 ? 1 : age < 10 ? 2 : age < 15 ? 3 : 4);

/** 1 at the yearly average; peaks in January, lowest in July. calendarMonth is 1–12. */
export function seasonal(amplitude: number, calendarMonth: number): number {
  return 1 + amplitude * Math.cos((2 * Math.PI * (calendarMonth - 1)) / 12);
}

/** Expected events per child in one month, before any care model's effect. quintile is 1–5. */
export function monthlyRate(activity: PopulationActivity, age: number, quintile: number, calendarMonth: number): number {
  const band = ageBandIndex(age);
  const amplitude = activity === 'emergency-admission' && band === 0 ? INFANT_WINTER_ADMISSIONS : WINTER[activity];
  const q = Math.min(5, Math.max(1, Math.round(quintile))) - 1;
  return (BY_AGE[activity][band] * BY_QUINTILE[activity][q] * seasonal(amplitude, calendarMonth)) / 12;
}

/**
 * A care model's effect reached so far: none before it starts, rising in a
 * straight line to the full effect `rampMonths` after the start month, full
 * from then on. monthsSinceStart is 0 in the start month, negative before.
 */
export function rampFraction(monthsSinceStart: number, rampMonths: number): number {
  if (monthsSinceStart < 0) return 0;
  if (rampMonths <= 0) return 1;
  return Math.min(1, monthsSinceStart / rampMonths);
}

/** The multiplier a relative effect (−0.15 = 15% fewer) gives a rate in a month. */
export function effectMultiplier(effect: number, monthsSinceStart: number, rampMonths: number): number {
  return 1 + effect * rampFraction(monthsSinceStart, rampMonths);
}

/** Which care-model effect (an indicator id, as in an --intervention file) moves each activity. */
export const EFFECT_ON: Record<PopulationActivity, string | null> = {
  ed: 'ed-attendances',
  'emergency-admission': 'emergency-admissions',
  'outpatient-first': 'outpatient-first',
  gp: null,
};
