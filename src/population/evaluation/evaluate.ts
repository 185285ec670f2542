/**
 * Evaluating a care model recorded in care_model_implementation against an
 * indicator: reads the clusters' monthly numerators and denominators from
 * the population rollup (never the events), only whole months (the current
 * calendar month is still filling up), and runs the interrupted time series
 * or the difference-in-differences engine on them.
 */
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../../platform/db/client.js';
import { NotFoundError } from '../../platform/http/errors.js';
import { londonToday } from '../../platform/time/form-dates.js';
import { findIndicator, listIndicators, type Indicator } from '../indicators/definitions.js';
import { measure } from '../measures.js';
import { interruptedTimeSeries } from './its.js';
import { differenceInDifferences, type ClusterSeries } from './did.js';
import { sumClusters } from './monthly-counts.js';
import { monthDate, monthIndex, monthWords } from './months.js';
import type { EngineResult, Method, MonthCount } from './result.js';

export class UnknownIndicatorError extends NotFoundError {
  constructor(readonly indicatorId: string, readonly known: readonly string[]) {
    super(`There is no indicator "${indicatorId}". Indicators: ${known.join(', ')}.`);
  }
}

export class UnknownModelError extends NotFoundError {
  constructor(readonly model: string, readonly known: readonly string[]) {
    super(`No care model "${model}" has been recorded in this ICS. ${known.length ? `Models recorded: ${known.join(', ')}.` : 'None has been recorded yet.'}`);
  }
}

/** The data cannot support the method (no months at full effect yet, no comparators, …); the message says why. */
export class CannotEvaluateError extends Error {
  readonly status = 422;
}

export type EvaluationRequest = {
  indicatorId: string;
  model: string;
  method: Method;
  /** ISO date standing for today (tests); the month containing it is left out as incomplete. */
  today?: string;
};

export type Evaluation = EngineResult & {
  indicator: Pick<Indicator, 'id' | 'name' | 'unit' | 'improvement'>;
  model: string;
  clusters: { treated: string[]; comparators: string[] };
  /** The first day of the month the model started (the earliest, when clusters started at different times). */
  start: string;
  /** Months from the start to full effect (to the last cluster's, when they differ). */
  rampMonths: number;
  /** The effect the synthetic generator injected for this indicator; null for real data or an indicator it set no effect for. */
  trueEffect: number | null;
};

type Implementation = { cluster_id: string; start: string; ramp_months: number; effects: Record<string, number> | null };

export async function evaluateModel(tx: Tx, icsId: string, request: EvaluationRequest): Promise<Evaluation> {
  const indicator = await findIndicator(tx, icsId, request.indicatorId);
  if (!indicator) throw new UnknownIndicatorError(request.indicatorId, (await listIndicators(tx, icsId)).map((i) => i.id));
  const implementations = await rows<Implementation>(
    tx,
    sql`SELECT cluster_id::text, start_month::text AS start, ramp_months, effects
          FROM care_model_implementation WHERE ics_id = ${icsId} AND model = ${request.model}`,
  );
  if (implementations.length === 0) {
    const known = await rows<{ model: string }>(tx, sql`SELECT DISTINCT model FROM care_model_implementation WHERE ics_id = ${icsId} ORDER BY model`);
    throw new UnknownModelError(request.model, known.map((k) => k.model));
  }
  const clusters = await rows<{ id: string; name: string; other_models: string[] }>(
    tx,
    sql`SELECT c.id::text, c.name,
               coalesce(array_agg(DISTINCT m.model) FILTER (WHERE m.model IS NOT NULL), '{}') AS other_models
          FROM cluster c
          LEFT JOIN care_model_implementation m ON m.ics_id = c.ics_id AND m.cluster_id = c.id AND m.model <> ${request.model}
         WHERE c.ics_id = ${icsId}
         GROUP BY c.id, c.name ORDER BY c.name`,
  );

  // Clusters that started at different times: leave out everything from the first start to the last full effect.
  const starts = implementations.map((i) => monthIndex(i.start));
  const first = Math.min(...starts);
  const lastFull = Math.max(...implementations.map((i, k) => starts[k] + i.ramp_months));
  const rampMonths = lastFull - first;
  const start = monthDate(first);

  const series = await clusterSeries(tx, icsId, indicator, monthIndex(request.today ?? londonToday()));
  if (series.size === 0) throw new CannotEvaluateError(`No ${measure(indicator.numerator).label} are recorded in whole months for this ICS: there is nothing to evaluate.`);
  const treatedIds = new Set(implementations.map((i) => i.cluster_id));
  const input: ClusterSeries[] = clusters.map((c) => ({ id: c.id, treated: treatedIds.has(c.id), series: series.get(c.id) ?? [] }));

  let result: EngineResult;
  try {
    result = request.method === 'its'
      ? interruptedTimeSeries({ series: sumClusters(input.filter((c) => c.treated)), start, rampMonths, comparators: sumClusters(input.filter((c) => !c.treated)) })
      : differenceInDifferences({ clusters: input, start, rampMonths });
  } catch (error) {
    if (error instanceof RangeError) throw new CannotEvaluateError(error.message);
    throw error;
  }

  const names = new Map(clusters.map((c) => [c.id, c.name]));
  if (result.method === 'did' && result.details.droppedClusters.length) result.details.droppedClusters = result.details.droppedClusters.map((id) => names.get(id) ?? id);
  const extra: string[] = [];
  if (new Set(starts).size > 1 || new Set(implementations.map((i) => i.ramp_months)).size > 1) {
    extra.push(`The clusters started at different times: the ${rampMonths} months from ${monthWords(first)}, when the first started, to ${monthWords(lastFull)}, ` +
      'when the last reached full effect, are all left out.');
  }
  const otherModels = clusters.filter((c) => !treatedIds.has(c.id) && c.other_models.length);
  if (request.method === 'did' && otherModels.length) {
    extra.push(`${otherModels.length} comparison cluster${otherModels.length === 1 ? ' has' : 's have'} another care model recorded ` +
      `(${[...new Set(otherModels.flatMap((c) => c.other_models))].join(', ')}): if it works too, the comparison understates this model's effect.`);
  }

  const effects = implementations.map((i) => i.effects?.[indicator.id]);
  const trueEffect = effects.every((e) => typeof e === 'number' && e === effects[0]) ? (effects[0] as number) : null;
  const { method, effect, ci95, ...rest } = result;
  return {
    method, effect, ci95,
    indicator: { id: indicator.id, name: indicator.name, unit: indicator.unit, improvement: indicator.improvement },
    model: request.model,
    trueEffect,
    clusters: {
      treated: clusters.filter((c) => treatedIds.has(c.id)).map((c) => c.name),
      comparators: clusters.filter((c) => !treatedIds.has(c.id)).map((c) => c.name),
    },
    start,
    rampMonths,
    ...rest,
    caveats: [...extra, ...result.caveats],
  } as Evaluation;
}

/**
 * Each cluster's numerator and denominator for every whole month from the
 * first to the last with the numerator recorded anywhere in the ICS (a month
 * inside that span with no rows for a cluster had none of its events).
 */
async function clusterSeries(tx: Tx, icsId: string, indicator: Indicator, currentMonth: number): Promise<Map<string, { month: string; numerator: number; denominator: number }[]>> {
  const before = monthDate(currentMonth);
  const found = await rows<{ cluster_id: string; month: string; numerator: string | null; denominator: string | null }>(
    tx,
    // The hub totals (population_area_rollup), not every practice's rows: one row per hub, measure and month.
    sql`SELECT area_id::text AS cluster_id, month::text,
               sum(value) FILTER (WHERE measure = ${indicator.numerator}) AS numerator,
               sum(value) FILTER (WHERE measure = ${indicator.denominator}) AS denominator
          FROM population_area_rollup
         WHERE ics_id = ${icsId} AND level = 'cluster' AND dimension = 'all' AND measure IN (${indicator.numerator}, ${indicator.denominator})
           AND month < ${before}::date
         GROUP BY area_id, month`,
  );
  const withEvents = found.filter((r) => r.numerator !== null).map((r) => monthIndex(r.month));
  const out = new Map<string, { month: string; numerator: number; denominator: number }[]>();
  if (withEvents.length === 0) return out;
  const from = Math.min(...withEvents);
  const to = Math.max(...withEvents);
  const cell = new Map(found.map((r) => [`${r.cluster_id}|${monthIndex(r.month)}`, r]));
  for (const id of new Set(found.map((r) => r.cluster_id))) {
    const months: { month: string; numerator: number; denominator: number }[] = [];
    for (let m = from; m <= to; m++) {
      const r = cell.get(`${id}|${m}`);
      months.push({ month: monthDate(m), numerator: Number(r?.numerator ?? 0), denominator: Number(r?.denominator ?? 0) });
    }
    out.set(id, months);
  }
  return out;
}

/** A model's indicator month by month, summed over the hubs with it and those without: what a power estimate reads. */
export type ModelMonthlySums = {
  start: string;
  rampMonths: number;
  treatedHubs: number;
  comparatorHubs: number;
  treated: MonthCount[];
  comparators: MonthCount[];
};

/** The whole months of an indicator for a recorded model's hubs and the rest, before and after its start (nothing fitted). */
export async function modelMonthlySums(tx: Tx, icsId: string, request: { indicatorId: string; model: string; today?: string }): Promise<ModelMonthlySums> {
  const indicator = await findIndicator(tx, icsId, request.indicatorId);
  if (!indicator) throw new UnknownIndicatorError(request.indicatorId, (await listIndicators(tx, icsId)).map((i) => i.id));
  const implementations = await rows<Implementation>(
    tx, sql`SELECT cluster_id::text, start_month::text AS start, ramp_months, effects FROM care_model_implementation WHERE ics_id = ${icsId} AND model = ${request.model}`,
  );
  if (implementations.length === 0) {
    const known = await rows<{ model: string }>(tx, sql`SELECT DISTINCT model FROM care_model_implementation WHERE ics_id = ${icsId} ORDER BY model`);
    throw new UnknownModelError(request.model, known.map((k) => k.model));
  }
  const starts = implementations.map((i) => monthIndex(i.start));
  const first = Math.min(...starts);
  const series = await clusterSeries(tx, icsId, indicator, monthIndex(request.today ?? londonToday()));
  const treatedIds = new Set(implementations.map((i) => i.cluster_id));
  const input = [...series].map(([id, s]) => ({ treated: treatedIds.has(id), series: s }));
  return {
    start: monthDate(first),
    rampMonths: Math.max(...implementations.map((i, k) => starts[k] + i.ramp_months)) - first,
    treatedHubs: input.filter((c) => c.treated).length,
    comparatorHubs: input.filter((c) => !c.treated).length,
    treated: sumClusters(input.filter((c) => c.treated)),
    comparators: sumClusters(input.filter((c) => !c.treated)),
  };
}
