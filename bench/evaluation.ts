/**
 * The care-model evaluations' honesty at scale: many synthetic ICSs with a
 * known effect (src/population/evaluation/simulate.ts, the generator's rate
 * model), each evaluated by interrupted time series and by
 * difference-in-differences. Prints how often the 95% intervals hold the
 * true effect, how often they exclude zero with no effect (false positives),
 * and the time per evaluation. No database. Run alone with
 *   npx tsx bench/evaluation.ts
 */
import { pathToFileURL } from 'node:url';
import { coverage, SIMULATION_DEFAULTS } from '../src/population/service.js';
import type { CoverageResult, SimulationOptions } from '../src/population/index.js';

export type EvaluationBenchOptions = {
  /** Simulated ICSs per scenario (with the effect, and without). */
  reps?: number;
  clusters?: number;
  childrenPerCluster?: number;
  treatedClusters?: number;
  /** Simulated ICSs for each extra scenario (other indicators, extra variation); 0 skips them. */
  extraReps?: number;
  seed?: string;
  log?: (line: string) => void;
};

export type EvaluationBenchResult = { scenario: string; result: CoverageResult }[];

const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;
/** The Monte Carlo error of a proportion: its 95% binomial margin. */
const margin = (p: number, n: number) => `±${(196 * Math.sqrt((p * (1 - p)) / n)).toFixed(1)}`;

export async function evaluationBench(opts: EvaluationBenchOptions = {}): Promise<EvaluationBenchResult> {
  const { reps = 1000, clusters = 50, childrenPerCluster = 10_000, treatedClusters = 10, extraReps = 200, seed = 'bench', log = console.log } = opts;
  const size: Partial<SimulationOptions> = { clusters, childrenPerCluster, treatedClusters };
  const started = performance.now();
  log(`\nCare-model evaluation: ${reps.toLocaleString('en-GB')} simulated ICSs per scenario, ${clusters} clusters of ~${childrenPerCluster.toLocaleString('en-GB')} children ` +
    `(${treatedClusters} with the model), ${SIMULATION_DEFAULTS.months} months, start at month ${SIMULATION_DEFAULTS.startAfter + 1}, ${SIMULATION_DEFAULTS.rampMonths} months' ramp-up`);

  const results: EvaluationBenchResult = [];
  const scenario = (label: string, n: number, options: Partial<SimulationOptions>) => {
    const began = performance.now();
    const result = coverage({ reps: n, seed: `${seed}:${label}`, ...size, ...options });
    const seconds = (performance.now() - began) / 1000;
    results.push({ scenario: label, result });
    const truth = result.trueEffect;
    for (const method of ['its', 'did'] as const) {
      const m = result[method]!;
      const zero = truth === 0 ? `false positives ${pct(m.excludesZero)}` : `power ${pct(m.excludesZero, 0)}`;
      log(`  ${label.padEnd(44)} ${method.toUpperCase().padEnd(3)}  coverage ${pct(m.coverage)} (${margin(m.coverage, n)})  ${zero.padEnd(22)} ` +
        `mean effect ${pct(m.meanEffect)}  median CI width ${(m.medianWidth * 100).toFixed(1)} points  ${m.milliseconds.toFixed(1)} ms/evaluation` +
        (m.failures ? `  ${m.failures} refused` : ''));
    }
    const evaluating = ((result.its?.milliseconds ?? 0) + (result.did?.milliseconds ?? 0)) * n / 1000;
    log(`  ${''.padEnd(44)} (${n} ICSs in ${seconds.toFixed(1)} s: ${(((seconds - evaluating) * 1000) / n).toFixed(1)} ms simulating each)`);
  };

  scenario('ED attendances, injected −15%', reps, { effect: -0.15 });
  scenario('ED attendances, no effect', reps, { effect: 0 });
  if (extraReps > 0) {
    scenario('emergency admissions, injected −12%', extraReps, { activity: 'emergency-admission', effect: -0.12 });
    scenario('first outpatient attendances, injected −35%', extraReps, { activity: 'outpatient-first', effect: -0.35 });
  }
  // Variation beyond Poisson that wanders from month to month, as real hubs' rates do (the generator's
  // --intervention monthlyVariation). Issue 22 recorded, before the intervals allowed for it, ITS covering
  // 90.5% with 8.0% false positives at ρ 0.5; the target is 95% ± 2 and at most 5% (+ 2).
  log('  before the correction (issue 22, ρ 0.5): ITS coverage 90.5%, false positives 8.0%');
  for (const rho of [0.5, 0]) {
    scenario(`ED, −15%, AR(1) variation sd 5%, ρ ${rho}`, reps, { effect: -0.15, extraVariation: { sd: 0.05, rho } });
    scenario(`ED, no effect, AR(1) variation sd 5%, ρ ${rho}`, reps, { effect: 0, extraVariation: { sd: 0.05, rho } });
  }
  log(`  total ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await evaluationBench();
