import type { Tx } from '../../platform/db/client.js';
import type { Actor } from '../../platform/access/actor.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { NotFoundError, type FieldErrors } from '../../platform/http/errors.js';
import { field, formOf, type Form } from '../../platform/http/form-body.js';
import { CannotEvaluateError, evaluateModel, type Evaluation } from './evaluate.js';
import { METHODS, type Method } from './result.js';
import { listIndicators, rate, type Indicator } from '../indicators/definitions.js';
import { measure } from '../measures.js';
import { careModels, type CareModel } from './care-models.js';
import { suppressesSmallNumbers } from '../dashboards/dashboard.js';
import { addMonths } from '../../platform/time/months.js';
import { monthShortWords, roundValue, valueHeading } from '../dashboards/figures.js';
import type { Cell, Column, DataTable } from '../dashboards/tables.js';
import { shownCounts, SUPPRESSED_WORDS } from '../suppression.js';
import { capitalise } from '../../platform/http/validate.js';
import { populationPolicy, required } from '../policy.js';

/**
 * One care model's evaluation against one indicator, by interrupted time
 * series or difference-in-differences (the engines in evaluation/): the
 * effect and its interval in words, how well the model fitted the months
 * before, the caveats, and the treated hubs' months for a chart and table.
 */
export const METHOD_WORDS: Record<Method, string> = {
  its: 'Interrupted time series: the hubs with the model, against their own trend and seasons before it started',
  did: 'Difference-in-differences: the hubs with the model, against the hubs without it',
};

export type EvaluationMonth = {
  month: string; period: 'pre' | 'ramp' | 'post';
  /** The treated hubs' value, null when withheld. */
  value: number | null;
  /** Without the model (ITS) or the hubs without it (DiD). */
  comparison: number | null;
  cells: Cell[];
};

export type EvaluationView = {
  model: CareModel;
  indicators: { value: string; text: string }[];
  values: { indicator: string; method: string };
  fields: FieldErrors;
  indicator?: Indicator;
  result?: Evaluation;
  /** Why this indicator cannot be evaluated yet, in the engine's words. */
  cannot?: string;
  months?: EvaluationMonth[];
  table?: DataTable;
};

const one = (q: Form, key: string, max: number, otherwise: string) =>
  q[key] === undefined || q[key] === '' ? otherwise : field(q, key, Infinity).trim().slice(0, max);

const PERIOD_WORDS = { pre: 'Before the start', ramp: 'Ramp-up (left out)', post: 'Full effect' } as const;

export async function evaluationView(tx: Tx, actor: Actor, modelName: string, query: unknown, today: string): Promise<EvaluationView> {
  const why = required(populationPolicy.evaluateCareModels(actor));
  const model = (await careModels(tx, actor.icsId)).find((m) => m.model === modelName);
  if (!model) throw new NotFoundError();
  const all = await listIndicators(tx, actor.icsId);
  const q = formOf(query);
  const values = { indicator: one(q, 'indicator', 60, all.some((i) => i.id === 'ed-attendances') ? 'ed-attendances' : all[0].id), method: one(q, 'method', 10, 'its') };
  const fields: FieldErrors = {};
  const indicator = all.find((i) => i.id === values.indicator);
  if (!indicator) fields.indicator = 'Select an indicator from the list';
  const method = METHODS.find((m) => m === values.method);
  if (!method) fields.method = 'Select interrupted time series or difference-in-differences';
  const base = { model, indicators: all.map((i) => ({ value: i.id, text: i.name })), values, fields, indicator };
  if (!indicator || !method) return base;

  let view: EvaluationView;
  try {
    const result = await evaluateModel(tx, actor.icsId, { indicatorId: indicator.id, model: model.model, method, today });
    const months = monthsOf(result, indicator, suppressesSmallNumbers(actor));
    view = { ...base, result, months, table: tableOf(result, indicator, months) };
  } catch (error) {
    if (!(error instanceof CannotEvaluateError)) throw error;
    view = { ...base, cannot: error.message };
  }
  await recordAudit(tx, actor, {
    action: 'population.view', what: `Care model evaluation: ${model.model}, ${indicator.name}, ${method === 'its' ? 'interrupted time series' : 'difference-in-differences'}`,
    why, details: { view: 'evaluation', model: model.model, indicator: indicator.id, method },
  });
  return view;
}

/**
 * The treated hubs' months beside what they are compared with. Hubs are a
 * breakdown: a count of 1 to 7 is withheld from roles that do not care for
 * children, as on the dashboards.
 */
function monthsOf(result: Evaluation, indicator: Indicator, suppress: boolean): EvaluationMonth[] {
  const valueOf = (n: number, d: number) => rate(indicator, n, d);
  const points = result.method === 'its'
    ? result.details.series.map((p) => ({ month: p.month, period: p.period, treated: p, comparison: { numerator: p.counterfactual, denominator: p.denominator } }))
    : result.details.series.map((p) => ({ month: p.month, period: p.period, treated: p.treated, comparison: p.comparators }));
  return points.map((p) => {
    const shown = shownCounts({ ...p.treated, value: valueOf(p.treated.numerator, p.treated.denominator) }, suppress);
    // An expected count is a model's, not children; only the comparison hubs' real counts can be small.
    const comparisonWithheld = result.method === 'did' && shownCounts({ ...p.comparison, value: null }, suppress).suppressed;
    const comparison = comparisonWithheld ? null : valueOf(p.comparison.numerator, p.comparison.denominator);
    return {
      month: p.month, period: p.period, value: shown.value, comparison,
      cells: [
        monthShortWords(p.month), PERIOD_WORDS[p.period], shown.numerator, shown.denominator,
        shown.suppressed ? SUPPRESSED_WORDS : shown.value === null ? null : roundValue(shown.value),
        comparisonWithheld ? SUPPRESSED_WORDS : comparison === null ? null : roundValue(comparison),
      ],
    };
  });
}

function tableOf(result: Evaluation, indicator: Indicator, months: EvaluationMonth[]): DataTable {
  const heading = valueHeading(indicator.unit);
  const columns: Column[] = [
    { heading: 'Month' }, { heading: 'Period' },
    { heading: `${capitalise(measure(indicator.numerator).label)}, hubs with the model`, numeric: true },
    { heading: `${capitalise(measure(indicator.denominator).label)}, hubs with the model`, numeric: true },
    { heading: `${heading}, hubs with the model`, numeric: true, value: true },
    { heading: result.method === 'its' ? `${heading} expected without the model` : `${heading}, hubs without the model`, numeric: true, value: true },
  ];
  return { id: 'evaluation', caption: `${indicator.name} in ${result.clusters.treated.join(', ')}, by month`, columns, rows: months.map((m) => m.cells) };
}

const percent = (x: number) => `${(Math.abs(x) * 100).toFixed(1)}%`;
const change = (x: number) => (x === 0 ? 'no change' : `${percent(x)} ${x < 0 ? 'lower' : 'higher'}`);

/** "14.2% lower than expected without the model (95% confidence interval: from 20.1% lower to 8.0% lower)." */
export function effectWords(result: Pick<Evaluation, 'effect' | 'ci95' | 'method'>): string {
  const against = result.method === 'its' ? 'than expected without the model' : 'than in the hubs without it, allowing for how they differed before';
  return `${capitalise(change(result.effect))} ${against} (95% confidence interval: from ${change(result.ci95[0])} to ${change(result.ci95[1])}).`;
}

/** Whether the interval rules out no change, in words. */
export function intervalWords(ci95: [number, number]): string {
  if (ci95[0] <= 0 && ci95[1] >= 0) return 'The interval includes no change: this could be chance.';
  return `The interval does not include no change: the model is likely to have made the indicator ${ci95[1] < 0 ? 'lower' : 'higher'}.`;
}

/** The month full effect begins, for the chart's shading. */
export const fullEffectMonth = (result: Evaluation) => result.details.firstFullEffectMonth ?? addMonths(result.start, result.rampMonths);
