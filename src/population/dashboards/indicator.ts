import type { Tx } from '../../platform/db/client.js';
import type { Actor } from '../../platform/access/actor.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { NotFoundError, type FieldErrors } from '../../platform/http/errors.js';
import { populationPolicy, required } from '../policy.js';
import { definitionWords, findIndicator, type Indicator } from '../indicators/definitions.js';
import { indicatorByUnit, indicatorSeries } from '../rollups/series.js';
import { categoryRows, funnelRows, CORE20, type CategoryRow, type Funnel } from './breakdowns.js';
import { breakdownPeriod, chartWindow, periodWords, valueWords } from './figures.js';
import { readDashboardQuery, isCategoryBreakdown, BREAKDOWN_CHOICES, type ChartBreakdown } from './query.js';
import { chartSeries, type ChartedSeries } from './series.js';
import { categoryTable, funnelTable, seriesTable, type DataTable } from './tables.js';
import { headline, scopeItems, suppressesSmallNumbers, type Headline, type ScopeItem } from './dashboard.js';
import { defaultScope, scopeChoices, type ScopeOption } from './scopes.js';

/**
 * One indicator for one scope: month by month as an XmR chart, or broken
 * down by deprivation, ethnicity, age or sex, or by hub or practice against
 * funnel limits. The same view feeds the page and its CSV.
 */
export type IndicatorReport = {
  scope: ScopeOption;
  breakdown: ChartBreakdown;
  headline: Headline;
  definition: string;
  series: ChartedSeries;
  table: DataTable;
  /** Breakdowns only: the months compared, in words. */
  period?: string;
  categories?: { rows: CategoryRow[]; total: CategoryRow };
  funnel?: Funnel;
  /** Deprivation only: Core20 against the least deprived fifth, in words. */
  core20?: string;
  /** Whether any figure on this view was withheld as a small number. */
  anySuppressed: boolean;
};

export type IndicatorView = {
  indicator: Indicator;
  scopes: ScopeItem[];
  breakdowns: typeof BREAKDOWN_CHOICES;
  values: { scope: string; breakdown: string };
  fields: FieldErrors;
  report?: IndicatorReport;
};

export async function indicatorView(tx: Tx, actor: Actor, id: string, query: unknown, today: string, view: 'page' | 'csv'): Promise<IndicatorView> {
  const why = required(populationPolicy.viewDashboards(actor));
  const indicator = await findIndicator(tx, actor.icsId, id);
  if (!indicator) throw new NotFoundError();
  const choices = await scopeChoices(tx, actor.icsId);
  const read = readDashboardQuery(query, choices, defaultScope(actor, choices));
  const base = { indicator, scopes: scopeItems(choices), breakdowns: BREAKDOWN_CHOICES, values: read.values, fields: read.fields };
  if (!read.scope || !read.breakdown) return base;
  const { scope, breakdown } = read;

  const suppress = suppressesSmallNumbers(actor);
  const points = await indicatorSeries(tx, actor.icsId, indicator, scope.scope, chartWindow(today));
  const series = chartSeries(points, indicator, suppress);
  const report: IndicatorReport = {
    scope, breakdown, headline: headline(indicator, series), definition: definitionWords(indicator), series,
    table: seriesTable(indicator, scope.name, series),
    anySuppressed: series.months.some((m) => m.shown.suppressed),
  };

  const first = series.months[0]?.month;
  const latest = series.months.at(-1)?.month;
  if (breakdown !== 'none' && first && latest) {
    const period = breakdownPeriod(indicator, first, latest);
    report.period = periodWords(period);
    const inPeriod = series.months.filter((m) => m.month >= period.from && m.month <= period.to);
    const overall = { numerator: sum(inPeriod, (m) => m.numerator), denominator: sum(inPeriod, (m) => m.denominator) };
    if (isCategoryBreakdown(breakdown)) {
      const points = await indicatorSeries(tx, actor.icsId, indicator, scope.scope, period, breakdown);
      const { rows, total: all } = categoryRows(points, indicator, breakdown, period, overall, suppress, `All children in ${scope.name}`);
      report.categories = { rows, total: all };
      report.table = categoryTable(indicator, scope.name, breakdown, period, rows, all);
      report.anySuppressed = [...rows, all].some((r) => r.shown.suppressed);
      if (breakdown === 'imd') report.core20 = core20Words(indicator, rows);
    } else {
      const units = await indicatorByUnit(tx, actor.icsId, indicator, scope.scope, period, breakdown);
      report.funnel = funnelRows(units, indicator, period, overall, suppress, choices.units);
      report.table = funnelTable(indicator, scope.name, breakdown, period, report.funnel);
      report.anySuppressed = report.funnel.rows.some((r) => r.shown.suppressed);
    }
  } else if (breakdown !== 'none') {
    report.table = { ...report.table, rows: [] };
  }

  await recordAudit(tx, actor, {
    action: 'population.view',
    what: `Population indicator ${indicator.name} (${breakdown === 'none' ? 'by month' : `by ${breakdown}`}${view === 'csv' ? ', CSV' : ''}): ${scope.name}`,
    why,
    details: { view, indicator: indicator.id, scope: scope.value, breakdown },
  });
  return { ...base, report };
}

const sum = <T>(list: readonly T[], f: (x: T) => number) => list.reduce((a, x) => a + f(x), 0);

/** "In the most deprived fifth (Core20): 512 per 1,000 a year, 1.4 times the least deprived fifth (365 per 1,000 a year)." */
export function core20Words(indicator: Indicator, rows: readonly CategoryRow[]): string | undefined {
  const core20 = rows.find((r) => r.category === CORE20);
  const least = rows.find((r) => r.category === '5');
  if (!core20 || core20.shown.value === null) return undefined;
  const head = `In the most deprived fifth of areas (Core20): ${valueWords(core20.shown.value, indicator.unit)}`;
  if (!least || least.shown.value === null || !(least.shown.value > 0)) return `${head}.`;
  const ratio = (core20.shown.value / least.shown.value).toFixed(2).replace(/0$/, '');
  return `${head}, ${ratio} times the least deprived fifth (${valueWords(least.shown.value, indicator.unit)}).`;
}
