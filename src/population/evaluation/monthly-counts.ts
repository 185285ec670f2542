/**
 * Monthly counts made ready for an engine: months as numbers in order, each
 * once, with the months without a population set aside (no rate exists).
 */
import { normalQuantile } from './distributions.js';
import { monthIndex, monthWords } from './months.js';
import type { MonthCount, Ratio } from './result.js';

export type IndexedCount = { index: number; numerator: number; denominator: number };

export function prepare(series: readonly MonthCount[], start: string, rampMonths: number): { points: IndexedCount[]; dropped: number; start: number; full: number } {
  if (!Number.isInteger(rampMonths) || rampMonths < 0) throw new RangeError(`rampMonths must be a whole number of months, 0 or more; got ${rampMonths}`);
  const s = monthIndex(start);
  const seen = new Set<number>();
  const points: IndexedCount[] = [];
  let dropped = 0;
  for (const m of series) {
    const index = monthIndex(m.month);
    if (seen.has(index)) throw new RangeError(`${monthWords(index)} appears more than once in the series`);
    seen.add(index);
    if (!(Number.isFinite(m.numerator) && m.numerator >= 0) || !(Number.isFinite(m.denominator) && m.denominator >= 0)) {
      throw new RangeError(`${monthWords(index)}: events and population must be numbers, 0 or more`);
    }
    if (m.denominator === 0) dropped++;
    else points.push({ index, numerator: m.numerator, denominator: m.denominator });
  }
  points.sort((a, b) => a.index - b.index);
  return { points, dropped, start: s, full: s + rampMonths };
}

type Totals = { numerator: number; denominator: number };

/** Rate ratio a ÷ b with a Poisson (× dispersion) interval on the log scale. */
export function rateRatio(a: Totals, b: Totals, dispersion: number): Ratio {
  const log = Math.log(a.numerator / a.denominator) - Math.log(b.numerator / b.denominator);
  const se = Math.sqrt(Math.max(dispersion, 1) * (1 / a.numerator + 1 / b.numerator));
  const z = normalQuantile(0.975);
  return { ratio: Math.exp(log), ci95: [Math.exp(log - z * se), Math.exp(log + z * se)] };
}

/** Month-by-month totals of some clusters. */
export function sumClusters(clusters: readonly { series: readonly MonthCount[] }[]): MonthCount[] {
  const byMonth = new Map<string, MonthCount>();
  for (const c of clusters) {
    for (const p of c.series) {
      const m = byMonth.get(p.month) ?? { month: p.month, numerator: 0, denominator: 0 };
      m.numerator += p.numerator;
      m.denominator += p.denominator;
      byMonth.set(p.month, m);
    }
  }
  return [...byMonth.values()].sort((a, b) => a.month.localeCompare(b.month));
}
