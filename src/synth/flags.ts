import type { FlagKind } from '../children/index.js';
import type { ChildBasics } from './conditions.js';
import type { Rng } from '../platform/random/seeded.js';
import { GRADIENT, risk } from './risk.js';

const ages = (f: (age: number) => number) => Array.from({ length: 18 }, (_, a) => f(a));

/**
 * Safeguarding and service involvement, after the spec and national returns:
 * looked after ~0.7% (older children more), child-protection plan ~0.4%
 * (younger more), young carers ~1% of all children (school age only), CAMHS
 * caseload ~2% of 5–17s, youth justice ~0.4% of 10–17s (boys ~4:1). All rise
 * with deprivation.
 */
const MODELS = {
  lookedAfter: risk({ base: 0.007, age: ages((a) => 0.6 + a * 0.05), decile: GRADIENT.strong }),
  protectionPlan: risk({ base: 0.004, age: ages((a) => 1.6 - a * 0.055), decile: GRADIENT.strong }),
  youngCarer: risk({ base: 0.01, age: ages((a) => (a < 5 ? 0 : 0.6 + (a - 5) * 0.1)), decile: GRADIENT.moderate }),
  camhs: risk({ base: 0.0156, age: ages((a) => (a < 5 ? 0 : a < 11 ? 0.6 : a < 14 ? 1.2 : 1.8)), decile: GRADIENT.mild }),
  youthJustice: risk({ base: 0.0018, age: ages((a) => (a < 10 ? 0 : 0.4 + (a - 10) * 0.3)), decile: GRADIENT.steep, maleToFemale: 4 }),
};

export type DrawnFlag = { kind: FlagKind; startedDays: number; endedDays: number | null };
export type Involvement = { flags: DrawnFlag[]; lookedAfter: boolean; protectionPlan: boolean; youngCarer: boolean; camhs: boolean; youthJustice: boolean };

/** A start within the last `years` years, never before birth. */
function since(rng: Rng, c: ChildBasics, years: number): number {
  const from = Math.max(c.dobDays, c.todayDays - Math.round(years * 365.25));
  return from + Math.floor(rng.next() * (c.todayDays - from + 1));
}

export function drawInvolvement(rng: Rng, c: ChildBasics, autism: boolean): Involvement {
  const p = (m: keyof typeof MODELS) => MODELS[m](c.age, c.decile, c.male);
  const flags: DrawnFlag[] = [];
  const lookedAfter = rng.chance(p('lookedAfter'));
  if (lookedAfter) flags.push({ kind: 'looked-after', startedDays: since(rng, c, 6), endedDays: null });
  // A plan usually ends when a child becomes looked after, so the two rarely coexist.
  const protectionPlan = !lookedAfter && rng.chance(p('protectionPlan'));
  if (protectionPlan) flags.push({ kind: 'child-protection-plan', startedDays: since(rng, c, 1.5), endedDays: null });
  // CP-IS also flags plans that ended in the last 12 months.
  if (!protectionPlan && rng.chance(p('protectionPlan') * 0.4)) {
    const ended = since(rng, c, 1);
    const started = Math.max(c.dobDays, ended - rng.int(120, 700));
    if (ended < c.todayDays && started < ended) flags.push({ kind: 'child-protection-plan', startedDays: started, endedDays: ended });
  }
  const youngCarer = rng.chance(p('youngCarer'));
  if (youngCarer) flags.push({ kind: 'young-carer', startedDays: since(rng, c, 3), endedDays: null });
  const camhs = rng.chance(Math.min(1, p('camhs') * (autism ? 3 : 1) * (lookedAfter ? 3 : 1)));
  const youthJustice = rng.chance(Math.min(1, p('youthJustice') * (lookedAfter ? 4 : 1)));
  return { flags, lookedAfter, protectionPlan, youngCarer, camhs, youthJustice };
}
