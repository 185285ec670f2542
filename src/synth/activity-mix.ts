import { readTsv } from '../platform/data-files.js';
import type { Rng } from '../platform/random/seeded.js';

/**
 * What the generated activity is for and how long it lasts: the reason mix
 * by age and season, bed days, and the yearly rates of the activity that
 * follows a child's conditions, deprivation and ethnicity (the population
 * rates of ED, admissions, first outpatients and GP are in population/activity-rates.ts).
 */

/**
 * Condition-driven rates, per child a year. Emergency admissions for
 * asthma, epilepsy and diabetes add up to ~3.1 per 1,000 children a year
 * (NHS Outcomes Framework 2.3.ii, 311.7 per 100,000 under 19).
 */
export const CONDITION_RATES = {
  asthmaEd: 0.15,
  asthmaAdmission: 0.033,
  epilepsyEd: 0.25,
  epilepsyAdmission: 0.19,
  diabetesAdmission: 0.12,
  /** Outpatient follow-ups in the long-term condition clinics. */
  epilepsyClinic: 2,
  diabetesClinic: 4,
} as const;

/** Follow-ups after a first outpatient attendance, on average. */
export const FOLLOW_UPS = 1.5;

/** Hospital tooth extraction at ages 3–9: ~2.5 per 1,000 under-10s a year overall, ~3× in the most deprived quintile. */
export const TOOTH_EXTRACTION = { fromAge: 3, toAge: 9, rate: (0.0025 * 10) / 7 } as const;
const TOOTH_BY_QUINTILE = [1.8, 1.3, 1.0, 0.75, 0.6];
const toothMean = TOOTH_BY_QUINTILE.reduce((a, b) => a + b, 0) / 5;
export const toothByQuintile = (q: number) => TOOTH_BY_QUINTILE[q - 1] / toothMean;

/** Reliever inhalers a year in asthma: lognormal, median ~3.6, higher in the two most deprived quintiles. */
export function relieverRate(rng: Rng, quintile: number): number {
  return Math.exp(Math.log(3.6) + 0.8 * rng.normal()) * (quintile <= 2 ? 1.25 : 1);
}

/** Epilepsy specialist nurse contacts a year: ~70% of children seen in a year (1 − e^−1.2), fewer where more deprived. */
const NURSE_BY_QUINTILE = [0.85, 1.0, 1.2, 1.35, 1.5];
export const epilepsyNurseRate = (q: number) => NURSE_BY_QUINTILE[q - 1];

/**
 * Mental health episodes a year by age (under 5, 5–9, 10–14, 15–17): about
 * 50 per 1,000 children have a contact in a year, mostly at 10–17; Asian and
 * Black children reach services less (×0.6), the others a little more so the
 * total holds.
 */
const MH_BY_AGE = [0.004, 0.034, 0.092, 0.115];
export const mentalHealthAccess = (ethnicCode: string): number => (/^[HJKLMNP]$/.test(ethnicCode) ? 0.6 : 1.07);
export const mentalHealthRate = (age: number, access: number): number => MH_BY_AGE[age < 5 ? 0 : age < 10 ? 1 : age < 15 ? 2 : 3] * access;
/** Contacts in one episode, and days between them. */
export const MH_CONTACTS = { min: 2, max: 8, gapMin: 7, gapMax: 21 } as const;

/** Nights in hospital for an emergency admission: ~40% none, most 1–2, some 3–7; infants stay longer. */
export function bedDays(rng: Rng, age: number): number {
  const r = rng.next();
  if (age < 1) return r < 0.25 ? 0 : r < 0.65 ? rng.int(1, 2) : rng.int(3, 7);
  return r < 0.4 ? 0 : r < 0.88 ? rng.int(1, 2) : rng.int(3, 7);
}

/** The reason keys shipped in data/activity-reasons.tsv, in file order: the generator draws only these. */
export const REASON_KEYS: readonly string[] = readTsv('activity-reasons.tsv').map((r) => r.key);
/** A reason's number (from 1, in REASON_KEYS order), as the activity columns hold it. */
export function reasonSlot(key: string): number {
  const i = REASON_KEYS.indexOf(key);
  if (i < 0) throw new Error(`activity reason "${key}" is not in data/activity-reasons.tsv`);
  return i + 1;
}

/** A weighted choice of reasons (as numbers), as cumulative weights. */
export type Mix = { slots: Int32Array; cum: Float64Array };
const mix = (pairs: [string, number][]): Mix => {
  const cum = new Float64Array(pairs.length);
  let t = 0;
  pairs.forEach(([, w], i) => (cum[i] = t += w));
  return { slots: Int32Array.from(pairs.map(([k]) => reasonSlot(k))), cum };
};
export function pick(rng: Rng, m: Mix): number {
  const x = rng.next() * m.cum[m.cum.length - 1];
  let i = 0;
  while (x >= m.cum[i]) i++;
  return m.slots[i];
}

/** How much bronchiolitis there is by calendar month (January first): RSV season, November to February. */
const BRONCHIOLITIS_SEASON = [1, 0.6, 0.3, 0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.3, 0.8, 1];

type Band = 'infant' | 'toddler' | 'child';
const band = (age: number): Band => (age < 1 ? 'infant' : age < 5 ? 'toddler' : 'child');

/** Reason mixes by setting, age group and calendar month (1–12). */
const seasonal = (build: (bronchiolitis: number) => [string, number][]) => BRONCHIOLITIS_SEASON.map((s) => mix(build(s)));
const MIXES: Record<'ed' | 'admission' | 'gp', Record<Band, Mix[]>> = {
  ed: {
    infant: seasonal((b) => [['bronchiolitis', 0.45 * b], ['fever', 0.2], ['gastroenteritis', 0.12], ['respiratory-infection', 0.12], ['injury', 0.06], ['other', 0.12]]),
    toddler: seasonal((b) => [['bronchiolitis', 0.03 * b], ['injury', 0.25], ['fever', 0.2], ['gastroenteritis', 0.15], ['respiratory-infection', 0.2], ['other', 0.2]]),
    child: seasonal(() => [['injury', 0.45], ['fever', 0.05], ['gastroenteritis', 0.08], ['respiratory-infection', 0.12], ['other', 0.3]]),
  },
  admission: {
    infant: seasonal((b) => [['bronchiolitis', 0.6 * b], ['gastroenteritis', 0.1], ['respiratory-infection', 0.15], ['other', 0.2]]),
    toddler: seasonal((b) => [['bronchiolitis', 0.03 * b], ['gastroenteritis', 0.2], ['respiratory-infection', 0.3], ['other', 0.5]]),
    child: seasonal(() => [['gastroenteritis', 0.1], ['respiratory-infection', 0.15], ['other', 0.75]]),
  },
  gp: {
    infant: seasonal((b) => [['bronchiolitis', 0.15 * b], ['fever', 0.2], ['gastroenteritis', 0.1], ['respiratory-infection', 0.35], ['other', 0.3]]),
    toddler: seasonal(() => [['fever', 0.15], ['gastroenteritis', 0.1], ['respiratory-infection', 0.35], ['injury', 0.05], ['other', 0.35]]),
    child: seasonal(() => [['fever', 0.05], ['gastroenteritis', 0.05], ['respiratory-infection', 0.25], ['injury', 0.1], ['other', 0.55]]),
  },
};

export const reasonMix = (setting: 'ed' | 'admission' | 'gp', age: number, calendarMonth: number): Mix => MIXES[setting][band(age)][calendarMonth - 1];
