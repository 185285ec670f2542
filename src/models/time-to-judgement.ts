import { monthIndex, normalCdf, studentTQuantile, type ModelMonthlySums } from '../population/service.js';

/**
 * When a model can fairly be judged: the months after its start at which a
 * difference-in-differences evaluation would detect a given effect with a
 * given power. It reads the indicator's own variation before the start: the
 * month-to-month spread of the log ratio of the model's hubs' rate to the
 * other hubs' (seasons common to both cancel), widened for autocorrelation
 * between neighbouring months. The estimate of the effect is the change in
 * that ratio's mean, so its variance is s² × (1/P + 1/Q) for P months before
 * and Q months at full effect; the ramp-up is not counted.
 */

export type Judgement = { monthsNeeded: number | null; effect: number; power: number; method: 'did'; basis: string };

/** The longest wait worth estimating: ten years at full effect. */
export const MAX_MONTHS_AT_FULL_EFFECT = 120;

const rate = (m: { numerator: number; denominator: number }) => m.numerator / m.denominator;

export function monthsToJudge(sums: ModelMonthlySums, options: { effect: number; power: number }): Judgement {
  const { effect, power } = options;
  const answer = (monthsNeeded: number | null, basis: string): Judgement => ({ monthsNeeded, effect, power, method: 'did', basis });
  if (sums.comparatorHubs === 0) return answer(null, 'Every hub runs the model: there are no hubs without it to compare with.');
  const start = monthIndex(sums.start);
  const comparators = new Map(sums.comparators.map((m) => [m.month, m]));
  const ratios: number[] = [];
  for (const t of sums.treated) {
    const c = comparators.get(t.month);
    if (monthIndex(t.month) >= start || !c || t.numerator <= 0 || c.numerator <= 0 || t.denominator <= 0 || c.denominator <= 0) continue;
    ratios.push(Math.log(rate(t) / rate(c)));
  }
  const P = ratios.length;
  if (P < 12) return answer(null, `Only ${P} months with events before the start: at least 12 are needed to know the indicator's variation.`);
  const mean = ratios.reduce((a, b) => a + b) / P;
  const deviations = ratios.map((r) => r - mean);
  const variance = deviations.reduce((a, d) => a + d * d, 0) / (P - 1);
  let lagged = 0;
  for (let i = 1; i < P; i++) lagged += deviations[i] * deviations[i - 1];
  // Autocorrelation widens the variance of a mean by (1 + ρ) / (1 − ρ); a negative estimate is taken as none.
  const rho = Math.min(Math.max(lagged / (variance * (P - 1)), 0), 0.9);
  const widened = variance * ((1 + rho) / (1 - rho));
  const size = Math.abs(Math.log(1 + effect));
  // The evaluation's interval comes from how the hubs' changes vary, on hubs − 2 degrees of freedom: its critical value, not 1.96.
  const hubs = sums.treatedHubs + sums.comparatorHubs;
  const z = studentTQuantile(0.975, Math.max(hubs - 2, 1));
  const basis = `${P} months before the start in ${sums.treatedHubs} hub${sums.treatedHubs === 1 ? '' : 's'} with the model and ${sums.comparatorHubs} without: `
    + `the monthly log rate ratio varies with standard deviation ${Math.sqrt(variance).toFixed(3)} and lag-1 autocorrelation ${rho.toFixed(2)}; `
    + `${sums.rampMonths} months of ramp-up are not counted; two-sided 5% test on ${Math.max(hubs - 2, 1)} degrees of freedom.`;
  for (let q = 1; q <= MAX_MONTHS_AT_FULL_EFFECT; q++) {
    const se = Math.sqrt(widened * (1 / P + 1 / q));
    if (normalCdf(size / se - z) >= power) return answer(sums.rampMonths + q, basis);
  }
  return answer(null, `${basis} Even ${MAX_MONTHS_AT_FULL_EFFECT} months at full effect would not detect it.`);
}
