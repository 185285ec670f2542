/**
 * Funnel plot limits: how far a practice's (or hub's) rate may sit from the
 * scope's overall rate by chance alone, given how many children it has.
 * Pure functions, no I/O.
 *
 * - Rates (events per child-month) use exact Poisson limits on the count:
 *   with E = target × n expected events, the limits are the Garwood interval
 *   at E, from the gamma distribution (χ²(2E)/2 and χ²(2E + 2)/2), as the
 *   public health funnel tools compute them. E need not be a whole number,
 *   so the funnel is smooth.
 * - Proportions (percent, per 1,000 children at a point in time) use the
 *   Wilson score interval around the target.
 *
 * Limits are returned on the scale of the rate (events per unit of
 * denominator, or a proportion from 0 to 1); the caller scales to the unit.
 */

import { logGamma, normalQuantile, regularizedGammaQ } from './evaluation/distributions.js';

export type FunnelKind = 'poisson' | 'binomial';

/** The two funnels drawn: about 1 in 20 and 1 in 500 units fall outside by chance. */
export const FUNNEL_LEVELS = { inner: 0.95, outer: 0.998 } as const;

export type FunnelLimits = { lower95: number; upper95: number; lower998: number; upper998: number };

export type FunnelPosition = 'above-outer' | 'above-inner' | 'within' | 'below-inner' | 'below-outer';

export { normalQuantile };

/** The regularised lower incomplete gamma function P(a, x). */
export const gammaP = (a: number, x: number): number => (x <= 0 ? 0 : Math.min(1, Math.max(0, 1 - regularizedGammaQ(a, x))));

/**
 * x with P(a, x) = p: Newton's method from the Wilson–Hilferty guess, kept
 * inside a bracket that bisection narrows whenever a step would leave it.
 */
export function gammaQuantile(p: number, a: number): number {
  if (!(a > 0)) throw new RangeError(`gammaQuantile needs a shape above 0, not ${a}`);
  if (p <= 0) return 0;
  if (p >= 1) return Infinity;
  const z = normalQuantile(p);
  const guess = a * (1 - 1 / (9 * a) + z / (3 * Math.sqrt(a))) ** 3;
  let lo = 0;
  let hi = Math.max(2 * a, 10);
  while (gammaP(a, hi) < p) hi *= 2;
  let x = guess > lo && guess < hi ? guess : (lo + hi) / 2;
  const lnG = logGamma(a);
  for (let i = 0; i < 200; i++) {
    const f = gammaP(a, x) - p;
    if (f < 0) lo = x;
    else hi = x;
    if (Math.abs(f) < 1e-15 || hi - lo <= 1e-13 * x) break;
    const density = Math.exp(-x + (a - 1) * Math.log(x) - lnG);
    const next = density > 0 ? x - f / density : NaN;
    // Halving towards 0 when nothing is below: a small shape's quantile can be far below 1.
    x = next > lo && next < hi ? next : lo > 0 ? (lo + hi) / 2 : hi / 16;
  }
  return x;
}

/**
 * The exact (Garwood) interval for a Poisson count: the means for which
 * `count` would sit just inside the central `level` of the distribution.
 * For 10 events at 95%: 4.80 to 18.39.
 */
export function poissonInterval(count: number, level: number): [number, number] {
  const tail = (1 - level) / 2;
  const lower = count > 0 ? gammaQuantile(tail, count) : 0;
  return [lower, gammaQuantile(1 - tail, count + 1)];
}

/** The Wilson score interval for a proportion p of n. For 50 of 100 at 95%: 0.4038 to 0.5962. */
export function wilsonInterval(p: number, n: number, level: number): [number, number] {
  const z = normalQuantile(1 - (1 - level) / 2);
  const share = Math.min(1, Math.max(0, p));
  const z2n = (z * z) / n;
  const centre = (share + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((share * (1 - share)) / n + (z * z) / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * The limits around `target` (a rate per unit of denominator, or a
 * proportion) for a unit with denominator n; null when n is not above 0.
 */
export function funnelLimits(kind: FunnelKind, target: number, n: number): FunnelLimits | null {
  if (!(n > 0) || !Number.isFinite(target) || target < 0) return null;
  const at = (level: number): [number, number] => {
    if (kind === 'binomial') return wilsonInterval(target, n, level);
    const [low, high] = poissonInterval(target * n, level);
    return [low / n, high / n];
  };
  const [lower95, upper95] = at(FUNNEL_LEVELS.inner);
  const [lower998, upper998] = at(FUNNEL_LEVELS.outer);
  return { lower95, upper95, lower998, upper998 };
}

/** Where a unit's numerator ÷ denominator sits against its limits; null without a denominator. A rate on a limit is within it. */
export function funnelPosition(kind: FunnelKind, target: number, numerator: number, denominator: number): FunnelPosition | null {
  const limits = funnelLimits(kind, target, denominator);
  if (!limits) return null;
  const r = numerator / denominator;
  if (r > limits.upper998) return 'above-outer';
  if (r > limits.upper95) return 'above-inner';
  if (r < limits.lower998) return 'below-outer';
  if (r < limits.lower95) return 'below-inner';
  return 'within';
}

/**
 * The funnel's curves for drawing: limits at `steps` denominators spread
 * evenly on a log scale from `from` to `to` (the funnel changes fastest at
 * small denominators).
 */
export function funnelCurve(kind: FunnelKind, target: number, from: number, to: number, steps = 40): ({ n: number } & FunnelLimits)[] {
  if (!(from > 0) || !(to >= from)) return [];
  const ratio = to === from ? 1 : (to / from) ** (1 / (steps - 1));
  return Array.from({ length: to === from ? 1 : steps }, (_, i) => from * ratio ** i).flatMap((n) => {
    const limits = funnelLimits(kind, target, n);
    return limits ? [{ n, ...limits }] : [];
  });
}
