import type { FastifyRequest } from 'fastify';
import { inTenant, type AppDeps, type RouteModule } from '../../platform/http/app.js';
import { bodyOf, field, queryOf } from '../../platform/http/form-body.js';
import { listHref } from '../../platform/http/paging.js';
import { errorSummary } from '../../platform/http/validate.js';
import { londonToday } from '../../platform/time/form-dates.js';
import { careModelsView, recordCareModel, typedCareModel, CARE_MODEL_FIELDS, MAX_RAMP_MONTHS, type CareModelValues, type CareModelsView } from './care-models.js';
import { evaluationChart } from '../charts.js';
import { measuredWords } from '../indicators/definitions.js';
import { monthWords } from '../dashboards/figures.js';
import { shownCell } from '../dashboards/tables.js';
import { effectWords, evaluationView, fullEffectMonth, intervalWords, METHOD_WORDS, type EvaluationView } from './view.js';
import { METHODS } from './result.js';

/** Care models: the list, recording one (analysts and administrators), and each model's evaluation against an indicator. */

const BASE = '/population/evaluations';
const modelHref = (model: string, indicator?: string, method?: string) => listHref(`${BASE}/${encodeURIComponent(model)}`, { indicator, method });

function listPage(v: CareModelsView, values: CareModelValues, fields: Record<string, string> = {}, recorded?: string) {
  return {
    title: 'Care models and their evaluation',
    models: v.models.map((m) => ({ ...m, href: modelHref(m.model) })),
    canRecord: v.canRecord,
    hubItems: v.hubs.map((h) => ({ value: h.id, text: h.name, checked: values.clusters.includes(h.id) })),
    values,
    fields,
    errors: errorSummary(fields, [...CARE_MODEL_FIELDS]),
    maxRamp: MAX_RAMP_MONTHS,
    recorded: recorded && v.models.some((m) => m.model === recorded) ? recorded : undefined,
  };
}

const EMPTY: CareModelValues = { model: '', clusters: [], month: '', year: '', ramp: '' };

function evaluationPage(v: EvaluationView) {
  const r = v.result;
  const figures = v.table && { ...v.table, shown: v.table.rows.map((row) => row.map((cell, i) => shownCell(cell, v.table!.columns[i]))) };
  const chart = r && v.months && v.indicator && evaluationChart({
    label: `Line chart of ${v.indicator.name} by month in the hubs with ${v.model.model} (solid), against ${r.method === 'its' ? 'what was expected without it' : 'the hubs without it'} (dashed), `
      + `from ${monthWords(v.months[0].month)} to ${monthWords(v.months.at(-1)!.month)}. The model started in ${monthWords(r.start)}; `
      + `the ${r.rampMonths} months of ramp-up are shaded and left out. ${effectWords(r)} Every month is in the table that follows.`,
    months: v.months.map((m) => m.month),
    treated: v.months.map((m) => m.value),
    comparison: v.months.map((m) => m.comparison),
    start: r.start,
    fullEffect: fullEffectMonth(r),
    axes: { x: 'Month', y: measuredWords(v.indicator) },
  });
  const fit = r?.fit;
  return {
    title: `Evaluation: ${v.model.model}`,
    backHref: BASE,
    model: v.model,
    formAction: `${BASE}/${encodeURIComponent(v.model.model)}`,
    indicatorItems: v.indicators,
    methodItems: METHODS.map((m) => ({ value: m, text: METHOD_WORDS[m], checked: v.values.method === m })),
    values: v.values,
    fields: v.fields,
    errors: errorSummary(v.fields, ['indicator', 'method']),
    indicator: v.indicator,
    cannot: v.cannot,
    result: r && {
      ...r,
      effectWords: effectWords(r),
      intervalWords: intervalWords(r.ci95),
      trueWords: r.trueEffect === null ? null
        : `The synthetic data were made with an effect of ${(Math.abs(r.trueEffect) * 100).toFixed(0)}% ${r.trueEffect < 0 ? 'lower' : 'higher'}: `
          + `the interval ${r.ci95[0] <= r.trueEffect && r.trueEffect <= r.ci95[1] ? 'includes' : 'does not include'} it.`,
      methodWords: METHOD_WORDS[r.method],
      startWords: monthWords(r.start),
      description: r.details.description,
      fitRows: fit && [
        { key: { text: 'Months before the start' }, value: { text: String(r.preMonths) } },
        { key: { text: 'Ramp-up months, left out' }, value: { text: String(r.excludedMonths) } },
        { key: { text: 'Months at full effect' }, value: { text: String(r.postMonths) } },
        { key: { text: 'Average error of the fit before the start' }, value: { text: fit.meanAbsolutePercentageError === null ? 'Not available' : `${(fit.meanAbsolutePercentageError * 100).toFixed(1)}% of each month’s count` } },
        { key: { text: 'Dispersion' }, value: { text: `${fit.dispersion.toFixed(2)} (about 1 when the counts vary as chance alone makes them)` } },
        { key: { text: 'Neighbouring months alike (autocorrelation)' }, value: { text: persistenceWords(fit.lagOneAutocorrelation, fit.persistence) } },
      ],
    },
    chart,
    figures,
  };
}

const modelOf = (req: FastifyRequest) => String((req.params as { model?: unknown }).model ?? '');

export const evaluationRoutes: RouteModule = (app, deps: AppDeps) => {
  app.get(BASE, async (req, reply) => {
    const v = await inTenant(deps, req, (tx, actor) => careModelsView(tx, actor));
    return reply.page('population/views/evaluations.njk', listPage(v, EMPTY, {}, field(queryOf(req), 'recorded', 80)));
  });

  app.post(BASE, async (req, reply) => {
    const values = typedCareModel(bodyOf(req));
    const done = await inTenant(deps, req, async (tx, actor) => {
      const result = await recordCareModel(tx, actor, values, londonToday());
      return 'fields' in result ? { ...result, view: await careModelsView(tx, actor) } : result;
    });
    if ('model' in done) return reply.redirect(listHref(BASE, { recorded: done.model }), 303);
    return reply.code(400).page('population/views/evaluations.njk', listPage(done.view, values, done.fields));
  });

  app.get(`${BASE}/:model`, async (req, reply) => {
    const v = await inTenant(deps, req, (tx, actor) => evaluationView(tx, actor, modelOf(req), req.query, londonToday()));
    const bad = Object.keys(v.fields).length > 0;
    return reply.code(bad ? 400 : 200).page('population/views/evaluation.njk', evaluationPage(v));
  });
};

/** The autocorrelation measured in this ICS's own months, in words a commissioner can weigh. */
export function persistenceWords(lagOne: number, persistence: number): string {
  const measured = `Lag-1 autocorrelation ${lagOne.toFixed(2)}. `;
  if (persistence <= 0) {
    return measured + 'In these hubs a month that is unusually high or low says nothing about the next: months vary independently, and the interval needs no widening for it.';
  }
  const share = Math.round(persistence * 100);
  return measured + `In these hubs about ${share}% of a month’s unusual rise or fall carries into the next month (persistence ${persistence.toFixed(2)}), ` +
    'so months are not independent evidence; the interval has been widened to allow for it.';
}
