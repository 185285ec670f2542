import type { FastifyRequest } from 'fastify';
import { inTenant, type AppDeps, type RouteModule } from '../../platform/http/app.js';
import { ValidationError } from '../../platform/http/errors.js';
import { listHref } from '../../platform/http/paging.js';
import { errorSummary } from '../../platform/http/validate.js';
import { londonToday } from '../../platform/time/form-dates.js';
import { toCsv } from '../../platform/http/csv.js';
import { populationPolicy } from '../policy.js';
import type { Improvement, Indicator } from '../indicators/definitions.js';
import { funnelMark } from '../charts.js';
import { populationDashboard } from './dashboard.js';
import { virtualWardFigures } from './virtual-ward.js';
import { indicatorView, type IndicatorReport, type IndicatorView } from './indicator.js';
import { categoryChart, occupancyChart, seriesChart, unitFunnelChart } from './charts.js';
import { breakdownWords, shownCell } from './tables.js';
import { isYearlyRate, valueWords } from './figures.js';
import { isCategoryBreakdown, isUnitBreakdown } from './query.js';
import { POINT_COLOURS, TARGET_COLOUR } from '../spc-words.js';

/** The population dashboard and each indicator's page (GET forms, no script needed), and a CSV of every chart's data. */

const indicatorHref = (id: string, scope: string, breakdown?: string) =>
  listHref(`/population/indicators/${encodeURIComponent(id)}`, { scope, breakdown: breakdown === 'none' ? undefined : breakdown });
const csvHref = (id: string, scope: string, breakdown: string) => listHref(`/population/indicators/${encodeURIComponent(id)}.csv`, { scope, breakdown });

const BETTER: Record<Improvement, string> = { increase: 'Higher is better', decrease: 'Lower is better', neutral: 'Neither direction is better' };

const targetWords = (i: Indicator) =>
  i.target === null ? 'No target set' : `${valueWords(i.target, i.unit)}${i.targetSource ? ` (${i.targetSource})` : ''}`;

/** 'Riverside Hub' → 'riverside-hub', for a file name. */
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'area';

function chartOf(indicator: Indicator, r: IndicatorReport) {
  if (r.breakdown === 'none') return seriesChart(indicator, r.scope.name, r.series);
  if (r.categories && isCategoryBreakdown(r.breakdown)) return categoryChart(indicator, r.scope.name, r.breakdown, r.period ?? '', r.categories.rows, r.categories.total);
  if (r.funnel && isUnitBreakdown(r.breakdown)) return unitFunnelChart(indicator, r.scope.name, r.breakdown, r.period ?? '', r.funnel);
  return null;
}

/** What the funnel's marks mean for this indicator's better direction. */
function funnelKey(improvement: Improvement) {
  const within = { ...funnelMark('within', improvement), words: 'Within the 95% limits' };
  const high = funnelMark('above-inner', improvement);
  const low = funnelMark('below-inner', improvement);
  const entries = improvement === 'neutral'
    ? [{ ...high, words: 'Beyond the 95% limits (neither direction is better)' }]
    : [
      { ...(improvement === 'increase' ? high : low), words: 'Beyond the 95% limits, better than the whole area' },
      { ...(improvement === 'increase' ? low : high), words: 'Beyond the 95% limits, worse than the whole area' },
    ];
  return [within, ...entries, { colour: entries[0].colour, symbol: 'diamond', words: 'Larger diamond: beyond the 99.8% limits' }]
    .map((k) => ({ colour: k.colour, words: k.words, shape: k.symbol }));
}

function indicatorPage(v: IndicatorView, id: string) {
  const r = v.report;
  // Not 'table': the layout imports nhsuk-frontend's table macro by that name.
  const figures = r && { ...r.table, shown: r.table.rows.map((row) => row.map((cell, i) => shownCell(cell, r.table.columns[i]))) };
  return {
    title: v.indicator.name,
    backHref: listHref('/population', { scope: v.values.scope }),
    indicator: v.indicator,
    definition: r?.definition,
    betterWords: BETTER[v.indicator.improvement],
    targetWords: targetWords(v.indicator),
    formAction: `/population/indicators/${encodeURIComponent(id)}`,
    values: v.values,
    fields: v.fields,
    errors: errorSummary(v.fields, ['scope', 'breakdown']),
    scopeItems: v.scopes,
    breakdownItems: v.breakdowns,
    report: r,
    figures,
    chart: r && chartOf(v.indicator, r),
    breakdownName: r && r.breakdown !== 'none' ? breakdownWords(r.breakdown) : '',
    denominatorIsChildren: isYearlyRate(v.indicator.unit),
    csvHref: r && csvHref(v.indicator.id, r.scope.value, r.breakdown),
    colours: POINT_COLOURS,
    targetColour: TARGET_COLOUR,
    funnelKey: funnelKey(v.indicator.improvement),
  };
}

const idOf = (req: FastifyRequest) => String((req.params as { id?: unknown }).id ?? '');

export const dashboardRoutes: RouteModule = (app, deps: AppDeps) => {
  app.get('/population', async (req, reply) => {
    const v = await inTenant(deps, req, (tx, actor) => populationDashboard(tx, actor, req.query, londonToday()));
    const report = v.report && {
      ...v.report,
      rows: v.report.rows.map((r) => ({ ...r, href: indicatorHref(r.indicator.id, v.report!.scope.value) })),
    };
    return reply.code(report ? 200 : 400).page('population/views/dashboard.njk', {
      title: 'Population health',
      values: v.values,
      fields: v.fields,
      errors: errorSummary(v.fields, ['scope']),
      scopeItems: v.scopes,
      report,
      // Case finding has no header link of its own: it is reached from here.
      canFindCases: req.actor ? populationPolicy.findCases(req.actor).allowed : false,
    });
  });

  app.get('/population/virtual-ward', async (req, reply) => {
    const { view: v, occupancy, byPathway } = await inTenant(deps, req, (tx, actor) => virtualWardFigures(tx, actor, req.query, londonToday()));
    const report = v.report && {
      ...v.report,
      rows: v.report.rows.map((r) => ({ ...r, href: indicatorHref(r.indicator.id, v.report!.scope.value) })),
    };
    return reply.code(report ? 200 : 400).page('population/views/virtual-ward.njk', {
      title: 'Children’s virtual ward figures',
      backHref: listHref('/population', { scope: v.values.scope }),
      values: v.values,
      fields: v.fields,
      errors: errorSummary(v.fields, ['scope']),
      scopeItems: v.scopes,
      report,
      occupancy,
      occupancyChart: report ? occupancyChart('the virtual ward', occupancy) : null,
      colours: POINT_COLOURS,
      byPathway,
      bedDaysDefinition: report?.rows.find((r) => r.indicator.id === 'ward-bed-days-saved')?.indicator.description,
    });
  });

  app.get('/population/virtual-ward/occupancy.csv', async (req, reply) => {
    const { occupancy } = await inTenant(deps, req, (tx, actor) => virtualWardFigures(tx, actor, req.query, londonToday()));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="virtual-ward-occupancy.csv"')
      .header('cache-control', 'no-store')
      .send(toCsv(['Month', 'Days on the ward', 'Capacity (places × days)', 'Occupancy (%)'], occupancy.map((o) => [o.month, o.occupiedDays, o.capacityDays, o.percent])));
  });

  app.get('/population/indicators/:id', async (req, reply) => {
    const id = idOf(req);
    const v = await inTenant(deps, req, (tx, actor) => indicatorView(tx, actor, id, req.query, londonToday(), 'page'));
    return reply.code(v.report ? 200 : 400).page('population/views/dashboard-indicator.njk', indicatorPage(v, id));
  });

  app.get('/population/indicators/:id.csv', async (req, reply) => {
    const v = await inTenant(deps, req, (tx, actor) => indicatorView(tx, actor, idOf(req), req.query, londonToday(), 'csv'));
    if (!v.report) throw new ValidationError(v.fields);
    const { table, scope, breakdown } = v.report;
    const last = v.report.series.months.at(-1)?.month.slice(0, 7) ?? 'no-data';
    const name = `population-${v.indicator.id}-${slug(scope.name)}-${breakdown === 'none' ? 'by-month' : `by-${breakdown}`}-${last}.csv`;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(toCsv(table.columns.map((c) => c.heading), table.rows));
  });
};
