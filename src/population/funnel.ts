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

export type FunnelKind = 'poisson' | 'binomial';

/** The two funnels drawn: about 1 in 20 and 1 in 500 units fall outside by chance. */
export const FUNNEL_LEVELS = { inner: 0.95, outer: 0.998 } as const;

export type FunnelLimits = { lower95: number; upper95: number; lower998: number; upper998: number };

export type FunnelPosition = 'above-outer' | 'above-inner' | 'within' | 'below-inner' | 'below-outer';

/**
 * The standard normal quantile (Acklam's rational approximation, relative
 * error below 1.2e-9): z for a lower-tail probability p.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, not ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** ln Γ(z) for z > 0 (Lanczos, g = 7, n = 9: about 15 significant digits). */
function lnGamma(z: number): number {
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - lnGamma(1 - z);
  const x = z - 1;
  let sum = g[0];
  for (let i = 1; i < 9; i++) sum += g[i] / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
}

const EPS = 1e-15;
const MAX_TERMS = 100_000;

/** The regularised lower incomplete gamma function P(a, x): series below a + 1, continued fraction above. */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const front = Math.exp(-x + a * Math.log(x) - lnGamma(a));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_TERMS && Math.abs(term) > Math.abs(sum) * EPS; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return Math.min(1, sum * front);
  }
  // Lentz's method for the continued fraction of Q(a, x).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_TERMS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < EPS) break;
  }
  return Math.max(0, 1 - front * h);
}

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
  const lnG = lnGamma(a);
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
