import fs from 'node:fs';
import { z } from 'zod';
import { effectMultiplier } from '../population/service.js';
import { EFFECT_ON, POPULATION_ACTIVITY, type PopulationActivity } from '../population/index.js';
import { historyMonths, monthText, parseMonth } from './months.js';
import { Rng } from '../platform/random/seeded.js';
import { clusterSizes, practiceCount } from './sizing.js';
import type { Cluster } from './structure.js';

/**
 * A care model switched on in some clusters of a generated ICS: the
 * --intervention file of `joinery synth`. Its effects are relative changes
 * to the rates of population/activity-rates.ts, reached in a straight line over
 * rampMonths from the start month; the other clusters stay comparators.
 */

/** The effect keys a file may give: the indicators the rate model can move. */
export const EFFECT_KEYS = [...new Set(Object.values(EFFECT_ON).filter((k): k is string => k !== null))].sort();

/** Loosely after the published child health hub results (docs/synthetic-population.md). */
export const DEFAULT_EFFECTS: Readonly<Record<string, number>> = { 'ed-attendances': -0.15, 'outpatient-first': -0.35, 'emergency-admissions': -0.12 };
export const DEFAULT_RAMP_MONTHS = 6;

export type Intervention = {
  model: string;
  clusters: number;
  /** YYYY-MM */
  start: string;
  rampMonths: number;
  effects: Record<string, number>;
  /**
   * Month-to-month variation of every cluster's rates beyond chance: each
   * cluster's rates are multiplied by exp(e_t), e an AR(1) series with this
   * standard deviation (0.05 = 5%) and persistence rho (0 to 0.9). Real
   * activity wanders like this; the evaluations must stay honest when it does.
   * None unless given.
   */
  monthlyVariation?: { sd: number; rho: number };
};

/** A file or option that cannot be used; the message names the field. */
export class InterventionError extends Error {}

const schema = z.strictObject({
  model: z.string({ error: 'must be text, like "child-health-hub"' })
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a lower-case id with single hyphens, like "child-health-hub"').max(60, 'must be 60 characters or fewer'),
  clusters: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1'),
  start: z.string({ error: 'must be a month as "YYYY-MM"' }).refine((s) => parseMonth(s) !== null, 'must be a month as "YYYY-MM", like "2023-04"'),
  rampMonths: z.number({ error: 'must be a number' }).int('must be a whole number')
    .min(0, 'must be from 0 to 24').max(24, 'must be from 0 to 24').default(DEFAULT_RAMP_MONTHS),
  effects: z.record(
    z.string(),
    z.number({ error: 'must be a number, like -0.15 for 15% fewer' })
      .gt(-1, 'must be above -1 (-0.15 is 15% fewer)').lt(1, 'must be below 1'),
  ).superRefine((effects, ctx) => {
    const keys = Object.keys(effects);
    if (keys.length === 0) ctx.addIssue({ code: 'custom', message: 'must name at least one effect' });
    for (const k of keys.filter((key) => !EFFECT_KEYS.includes(key))) {
      ctx.addIssue({ code: 'custom', path: [k], message: `not an effect; use ${EFFECT_KEYS.join(', ')}` });
    }
  }).default({ ...DEFAULT_EFFECTS }),
  monthlyVariation: z.strictObject({
    sd: z.number({ error: 'must be a number, like 0.05 for 5%' }).min(0, 'must be from 0 to 0.5').max(0.5, 'must be from 0 to 0.5'),
    rho: z.number({ error: 'must be a number, like 0.5' }).min(0, 'must be from 0 to 0.9').max(0.9, 'must be from 0 to 0.9'),
  }, { error: (issue) => (issue.code === 'unrecognized_keys' ? 'the fields are sd and rho' : undefined) }).optional(),
}, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}; the fields are model, clusters, start, rampMonths, effects and monthlyVariation` : undefined) });

const describe = (issues: z.core.$ZodIssue[]) =>
  issues.map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message)).join('; ');

/** Checks an intervention's own fields (not yet against an ICS). */
export function parseIntervention(value: unknown): Intervention {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InterventionError('an intervention is a JSON object: {"model", "clusters", "start", "rampMonths", "effects"}');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InterventionError(describe(parsed.error.issues));
  return parsed.data;
}

/** Reads and checks an --intervention file; every failure is an InterventionError naming the file. */
export function loadInterventionFile(path: string): Intervention {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new InterventionError(`cannot read the intervention file ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InterventionError(`the intervention file ${path} is not JSON: ${(error as Error).message}`);
  }
  try {
    return parseIntervention(json);
  } catch (error) {
    throw new InterventionError(`the intervention file ${path}: ${(error as Error).message}`);
  }
}

/** How many clusters (hubs) an ICS of this size has: fixed by the size alone (sizing.ts draws only their sizes). */
export const clusterCountFor = (children: number): number => clusterSizes(practiceCount(children), new Rng(0)).length;

/** Checks an intervention against the ICS it is for: at least one comparator, a start inside the generated history. */
export function checkIntervention(iv: Intervention, children: number, todayDays: number): void {
  const clusters = clusterCountFor(children);
  if (iv.clusters >= clusters) {
    throw new InterventionError(
      `clusters: an ICS of ${children} children has ${clusters} cluster${clusters === 1 ? '' : 's'}, so at most ${clusters - 1} can have the model ` +
        '(at least one must stay a comparator)' + (clusters === 1 ? '; generate more children (13,000 or more give 2 clusters)' : ''),
    );
  }
  const { first, last } = historyMonths(todayDays);
  const start = parseMonth(iv.start)!;
  if (start < first || start > last) throw new InterventionError(`start: must be a month from ${monthText(first)} to ${monthText(last)} (the generated five years), got ${iv.start}`);
}

/** The clusters that get the model: `n` of them, chosen by the seed alone. */
export function chooseClusters(seed: number, clusters: readonly Cluster[], n: number): Cluster[] {
  const order = new Rng(seed, 'intervention').shuffle(clusters.map((c) => c.index));
  return order.slice(0, n).sort((a, b) => a - b).map((i) => clusters[i]);
}

/** What the activity generator needs: for each treated cluster, the rate multiplier of each activity in a month. */
export type Treatment = {
  clusterIds: ReadonlySet<string>;
  /** The multiplier for an activity in a month (months as in months.ts). */
  multiplier: (activity: PopulationActivity, month: number) => number;
  /** Every cluster's rate multiplier in a month from the monthly variation (1 without it). */
  variation: (clusterId: string, month: number) => number;
};

/**
 * Each cluster's AR(1) multipliers over the history, drawn from a stream of
 * their own so the variation leaves every other draw unchanged. The mean is
 * kept at 1 (exp(e − sd²/2)).
 */
export function monthlyVariation(spec: { sd: number; rho: number }, clusters: readonly Cluster[], seed: number, firstMonth: number, lastMonth: number): Map<string, Float64Array> {
  const rng = new Rng(seed, 'monthly-variation');
  const { sd, rho } = spec;
  return new Map(clusters.map((c) => {
    const out = new Float64Array(lastMonth - firstMonth + 1);
    let e = sd * rng.normal();
    for (let t = 0; t < out.length; t++) {
      if (t > 0) e = rho * e + Math.sqrt(1 - rho * rho) * sd * rng.normal();
      out[t] = Math.exp(e - (sd * sd) / 2);
    }
    return [c.id, out];
  }));
}

export function treatment(iv: Intervention, chosen: readonly Cluster[], variation?: { byCluster: ReadonlyMap<string, Float64Array>; firstMonth: number }): Treatment {
  const start = parseMonth(iv.start)!;
  const effect = POPULATION_ACTIVITY.map((a) => {
    const key = EFFECT_ON[a];
    return key === null ? 0 : (iv.effects[key] ?? 0);
  });
  return {
    clusterIds: new Set(chosen.map((c) => c.id)),
    multiplier: (activity, month) => effectMultiplier(effect[POPULATION_ACTIVITY.indexOf(activity)], month - start, iv.rampMonths),
    variation: (clusterId, month) => variation?.byCluster.get(clusterId)?.[month - variation.firstMonth] ?? 1,
  };
}
