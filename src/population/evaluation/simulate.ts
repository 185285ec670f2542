/**
 * Synthetic ICSs with a known effect, to check that the evaluations are
 * honest: over many ICSs, a 95% interval should hold the true effect about
 * 95% of the time, and with no effect exclude zero only about 5% of the time.
 *
 * Each simulated ICS has clusters of children (ages 0–17, IMD quintiles
 * drawn around a cluster-level deprivation), and its monthly events per
 * cluster are Poisson with mean Σ monthlyRate × effectMultiplier over the
 * cluster's children: the rate model the generator draws activity from
 * (population/activity-rates.ts). The population is stationary: children
 * age a month a month, and one turning 18 is replaced by a newborn, so the
 * age mix (and with it the expected rate) drifts slightly from month to month
 * as real populations do. Which clusters get the model is chosen at random.
 */
import { Rng } from '../../platform/random/seeded.js';
import { effectMultiplier, monthlyRate, type PopulationActivity } from '../activity-rates.js';
import { poissonDraw } from './poisson.js';
import { monthDate, monthIndex } from './months.js';
import { interruptedTimeSeries } from './its.js';
import { differenceInDifferences, type ClusterSeries } from './did.js';
import type { EngineResult, Method, MonthCount } from './result.js';
import { sumClusters } from './monthly-counts.js';

export type SimulationOptions = {
  seed: number | string;
  clusters: number;
  /** Average children per cluster; each cluster's expected size is drawn from 70% to 130% of it. */
  childrenPerCluster: number;
  treatedClusters: number;
  months: number;
  firstMonth: string;
  /** Months from the first month to the model's start. */
  startAfter: number;
  rampMonths: number;
  activity: PopulationActivity;
  /** The injected relative effect at full effect (−0.15 = 15% fewer); 0 for none. */
  effect: number;
  /**
   * Variation beyond Poisson, for robustness checks: each cluster's rate is
   * multiplied by exp(e_t), e an AR(1) series with this standard deviation
   * and lag-1 correlation. None by default (the generator has none).
   */
  extraVariation?: { sd: number; rho: number } | null;
};

export const SIMULATION_DEFAULTS: Omit<SimulationOptions, 'seed'> = {
  clusters: 10, childrenPerCluster: 1500, treatedClusters: 4, months: 60, firstMonth: '2020-01', startAfter: 36, rampMonths: 6,
  activity: 'ed', effect: -0.15, extraVariation: null,
};

export type SimulatedIcs = { clusters: ClusterSeries[]; start: string; rampMonths: number; trueEffect: number };

const AGE_MONTHS = 18 * 12;
/** Age bands of the rate model, in months of age, with an age in each to ask the rate for. */
const BANDS = [[0, 12, 0.5], [12, 60, 3], [60, 120, 7], [120, 180, 12], [180, 216, 16]] as const;

export function simulateIcs(options: Partial<SimulationOptions> & { seed: number | string }): SimulatedIcs {
  const o = { ...SIMULATION_DEFAULTS, ...options };
  if (o.treatedClusters < 1 || o.treatedClusters >= o.clusters) throw new RangeError('treatedClusters must be from 1 to clusters − 1');
  const rng = new Rng(o.seed, 'evaluation-simulation');
  const first = monthIndex(o.firstMonth);
  const treated = new Set(rng.shuffle([...Array(o.clusters).keys()]).slice(0, o.treatedClusters));
  // Each band's rate by quintile and calendar month, looked up rather than recomputed per cluster.
  const rates = BANDS.map(([, , age]) => [1, 2, 3, 4, 5].map((q) => Array.from({ length: 12 }, (_, m) => monthlyRate(o.activity, age, q, m + 1))));

  const clusters: ClusterSeries[] = [];
  for (let c = 0; c < o.clusters; c++) {
    const size = Math.round(o.childrenPerCluster * rng.uniform(0.7, 1.3));
    const deprivation = rng.uniform(-1, 1);
    const weights = [1, 2, 3, 4, 5].map((q) => Math.exp(0.6 * deprivation * (3 - q)));
    const total = weights.reduce((a, b) => a + b);
    // Children by quintile and month of age at the first month. Drawing each cell's count as Poisson is
    // drawing a Poisson number of children independently (ages flat, quintiles by the weights), at a
    // cost per cell rather than per child.
    const counts = weights.map((w) => Float64Array.from({ length: AGE_MONTHS }, () => poissonDraw(rng, (size * w) / total / AGE_MONTHS)));
    let children = 0;
    for (const row of counts) for (const n of row) children += n;
    // As running totals, doubled so a band's window of ages at month t never wraps: phases [lo − t, hi − t) mod 216.
    const cumulative = Array.from({ length: 5 }, () => new Float64Array(2 * AGE_MONTHS + 1));
    for (let q = 0; q < 5; q++) {
      for (let a = 0; a < 2 * AGE_MONTHS; a++) cumulative[q][a + 1] = cumulative[q][a] + counts[q][a % AGE_MONTHS];
    }
    let noise = o.extraVariation ? o.extraVariation.sd * rng.normal() : 0;
    const series: MonthCount[] = [];
    for (let t = 0; t < o.months; t++) {
      let mean = 0;
      for (let b = 0; b < BANDS.length; b++) {
        const lo = ((((BANDS[b][0] - t) % AGE_MONTHS) + AGE_MONTHS) % AGE_MONTHS);
        const width = BANDS[b][1] - BANDS[b][0];
        for (let q = 0; q < 5; q++) mean += (cumulative[q][lo + width] - cumulative[q][lo]) * rates[b][q][(first + t) % 12];
      }
      if (treated.has(c)) mean *= effectMultiplier(o.effect, t - o.startAfter, o.rampMonths);
      if (o.extraVariation) {
        const { sd, rho } = o.extraVariation;
        if (t > 0) noise = rho * noise + Math.sqrt(1 - rho * rho) * sd * rng.normal();
        mean *= Math.exp(noise - (sd * sd) / 2);
      }
      series.push({ month: monthDate(first + t), numerator: poissonDraw(rng, mean), denominator: children });
    }
    clusters.push({ id: `cluster-${c + 1}`, treated: treated.has(c), series });
  }
  return { clusters, start: monthDate(first + o.startAfter), rampMonths: o.rampMonths, trueEffect: o.effect };
}

/** Both evaluations of one simulated (or real) set of clusters. */
export function evaluateBoth(ics: SimulatedIcs, methods: readonly Method[] = ['its', 'did']): Partial<Record<Method, EngineResult>> {
  const out: Partial<Record<Method, EngineResult>> = {};
  if (methods.includes('its')) {
    out.its = interruptedTimeSeries({
      series: sumClusters(ics.clusters.filter((c) => c.treated)), start: ics.start, rampMonths: ics.rampMonths,
      comparators: sumClusters(ics.clusters.filter((c) => !c.treated)),
    });
  }
  if (methods.includes('did')) out.did = differenceInDifferences({ clusters: ics.clusters, start: ics.start, rampMonths: ics.rampMonths });
  return out;
}

export type MethodCoverage = {
  /** Share of intervals holding the true effect. */
  coverage: number;
  /** Share of intervals excluding zero: the false-positive rate with no effect, the power with one. */
  excludesZero: number;
  meanEffect: number;
  /** Median interval width (upper − lower). */
  medianWidth: number;
  /** Runs where the method refused (a RangeError); they count as not covering. */
  failures: number;
  /** Milliseconds per evaluation. */
  milliseconds: number;
};

export type CoverageResult = { reps: number; trueEffect: number } & Partial<Record<Method, MethodCoverage>>;

/**
 * Runs `reps` simulated ICSs (seeds `${seed}:${rep}`) and evaluates each with
 * both methods, counting how often the 95% interval holds the true effect
 * and how often it excludes zero.
 */
export function coverage(options: Partial<SimulationOptions> & { reps: number; methods?: readonly Method[] }): CoverageResult {
  const { reps, methods = ['its', 'did'], ...rest } = options;
  const seed = rest.seed ?? 1;
  const trueEffect = rest.effect ?? SIMULATION_DEFAULTS.effect;
  const tally = Object.fromEntries(methods.map((m) => [m, { covered: 0, excludes: 0, effects: [] as number[], widths: [] as number[], failures: 0, ms: 0 }]));
  for (let rep = 0; rep < reps; rep++) {
    const ics = simulateIcs({ ...rest, seed: `${seed}:${rep}` });
    for (const m of methods) {
      const t = tally[m];
      const began = performance.now();
      let result: EngineResult | undefined;
      try {
        result = evaluateBoth(ics, [m])[m];
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        t.failures++;
      }
      t.ms += performance.now() - began;
      if (!result) continue;
      const [lo, hi] = result.ci95;
      if (lo <= trueEffect && trueEffect <= hi) t.covered++;
      if (lo > 0 || hi < 0) t.excludes++;
      t.effects.push(result.effect);
      t.widths.push(hi - lo);
    }
  }
  const out: CoverageResult = { reps, trueEffect };
  for (const m of methods) {
    const t = tally[m];
    const widths = [...t.widths].sort((a, b) => a - b);
    out[m] = {
      coverage: t.covered / reps,
      excludesZero: t.excludes / reps,
      meanEffect: t.effects.reduce((a, b) => a + b, 0) / Math.max(t.effects.length, 1),
      medianWidth: widths.length ? widths[Math.floor(widths.length / 2)] : NaN,
      failures: t.failures,
      milliseconds: t.ms / reps,
    };
  }
  return out;
}
