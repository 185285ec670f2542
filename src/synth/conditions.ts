import { readTsv } from '../platform/data-files.js';
import type { Rng } from '../platform/random/seeded.js';
import { GRADIENT, risk } from './risk.js';

export type ConditionCode = { key: string; snomedCode: string; display: string; group: string };

let codes: Map<string, ConditionCode> | null = null;

/** The shipped condition code list (data/conditions.tsv), by key. */
export function conditionCodes(): Map<string, ConditionCode> {
  codes ??= new Map(
    readTsv('conditions.tsv').map((r) => [r.key, { key: r.key, snomedCode: r.snomed_code, display: r.display, group: r.group }]),
  );
  return codes;
}

export function conditionCode(key: string): ConditionCode {
  const found = conditionCodes().get(key);
  if (!found) throw new Error(`condition "${key}" is not in data/conditions.tsv`);
  return found;
}

/** SNOMED codes in a group, e.g. every index diagnosis of medical complexity. */
export function codesInGroup(group: string): string[] {
  return [...conditionCodes().values()].filter((c) => c.group === group).map((c) => c.snomedCode);
}

const ages = (f: (age: number) => number) => Array.from({ length: 18 }, (_, a) => f(a));

/**
 * Prevalence models, after the spec: asthma ~9% (rare in infants, boys more
 * in childhood), epilepsy ~0.45%, type 1 diabetes ~0.2% (rising with age),
 * type 2 rare and only in teenagers, steeply deprived, more in girls; medical
 * complexity ~0.5%; autism ~1.5% (boys ~3:1, diagnosed from about 2).
 */
const MODELS = {
  asthma: risk({
    base: 0.09,
    age: [0.05, 0.35, 0.7, 0.9, 1, 1.1, 1.1, 1.15, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2],
    decile: GRADIENT.mild,
    maleToFemale: 1.35,
  }),
  epilepsy: risk({ base: 0.0045, age: ages((a) => (a === 0 ? 0.3 : Math.min(1.2, 0.6 + a * 0.06))), decile: GRADIENT.mild }),
  'type-1-diabetes': risk({ base: 0.002, age: ages((a) => (a === 0 ? 0 : 0.2 + a * 0.1)), maleToFemale: 1.1 }),
  'type-2-diabetes': risk({ base: 0.00012, age: ages((a) => (a >= 12 ? 1 + (a - 12) * 0.3 : 0)), decile: GRADIENT.steep, maleToFemale: 0.65 }),
  complexity: risk({ base: 0.005, maleToFemale: 1.2, decile: GRADIENT.mild }),
  autism: risk({ base: 0.015, age: ages((a) => (a < 2 ? 0 : Math.min(1.3, 0.3 + (a - 2) * 0.2))), maleToFemale: 3 }),
  // Plans not explained by autism or complexity; those two add ~1.3 points to reach ~4%.
  'ehc-plan': risk({ base: 0.028, age: ages((a) => (a < 2 ? 0 : Math.min(1.3, 0.3 + (a - 2) * 0.2))), decile: GRADIENT.moderate, maleToFemale: 2 }),
};

/** Index diagnoses of medical complexity, by rough relative frequency. */
const COMPLEXITY = [
  ['cerebral-palsy', 0.5],
  ['down-syndrome', 0.25],
  ['spina-bifida', 0.12],
  ['hydrocephalus', 0.13],
] as const;

export type ChildBasics = { dobDays: number; age: number; decile: number; male: boolean; todayDays: number };
export type DrawnCondition = { key: string; onsetDays: number };

/** An onset between `fromAge` years old and today, never before birth. */
function onset(rng: Rng, c: ChildBasics, fromAge: number): number {
  const from = Math.min(c.dobDays + Math.round(fromAge * 365.25), c.todayDays);
  return from + Math.floor(rng.next() * (c.todayDays - from + 1));
}

export function drawConditions(rng: Rng, c: ChildBasics): DrawnCondition[] {
  const out: DrawnCondition[] = [];
  const p = (m: keyof typeof MODELS) => MODELS[m](c.age, c.decile, c.male);
  if (rng.chance(p('asthma'))) out.push({ key: 'asthma', onsetDays: onset(rng, c, 1) });
  if (rng.chance(p('epilepsy'))) out.push({ key: 'epilepsy', onsetDays: onset(rng, c, 0.3) });
  if (rng.chance(p('type-1-diabetes'))) out.push({ key: 'type-1-diabetes', onsetDays: onset(rng, c, 1) });
  else if (rng.chance(p('type-2-diabetes'))) out.push({ key: 'type-2-diabetes', onsetDays: onset(rng, c, 12) });
  const complex = rng.chance(p('complexity'));
  if (complex) {
    const key = COMPLEXITY[rng.weighted(COMPLEXITY.map((x) => x[1]))][0];
    out.push({ key, onsetDays: c.dobDays }); // congenital or perinatal
  }
  const autism = rng.chance(p('autism'));
  if (autism) out.push({ key: 'autism', onsetDays: onset(rng, c, 2) });
  const ehc = complex ? rng.chance(0.9) : autism ? rng.chance(0.55) : rng.chance(p('ehc-plan'));
  if (ehc && c.age >= 2) out.push({ key: 'ehc-plan', onsetDays: onset(rng, c, 2) });
  return out;
}

export const isComplexity = (key: string) => COMPLEXITY.some(([k]) => k === key);
