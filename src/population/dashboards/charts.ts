import { denominatorWords, measuredWords, type Indicator } from '../indicators/definitions.js';
import { barChart, funnelChart, xmrChart, type ChartSvgs } from '../charts.js';
import type { CategoryBreakdown, CategoryRow, Funnel, UnitBreakdown } from './breakdowns.js';
import { monthWords, roundValue, valueWords } from './figures.js';
import type { ChartedSeries } from './series.js';
import { breakdownHeading, breakdownWords } from './tables.js';
import { variationWords } from '../spc-words.js';
import { spc } from '../spc.js';
import { SUPPRESSED_WORDS } from '../suppression.js';

/**
 * The dashboards' charts from the same figures as their tables, each with a
 * summary in words for its label. Suppressed values are never drawn.
 */

export function seriesChart(indicator: Indicator, scopeName: string, series: ChartedSeries): ChartSvgs | null {
  const months = series.months;
  const latest = months.at(-1);
  if (!latest) return null;
  const summary = [
    `XmR chart of ${indicator.name}, ${scopeName}, by month from ${monthWords(months[0].month)} to ${monthWords(latest.month)}.`,
    latest.shown.suppressed ? `The latest month is suppressed.` : `Latest, ${monthWords(latest.month)}: ${valueWords(latest.value, indicator.unit)}.`,
    `Mean ${valueWords(latest.mean, indicator.unit)}`
      + (latest.lpl !== null && latest.upl !== null ? `; process limits ${roundValue(latest.lpl)} to ${roundValue(latest.upl)}.` : '.'),
    indicator.target === null ? '' : `Target ${valueWords(indicator.target, indicator.unit)}.`,
    latest.shown.suppressed ? '' : `${variationWords(series.variation, indicator.improvement)}.`,
    'Every month is in the table that follows.',
  ];
  return xmrChart({
    label: summary.filter(Boolean).join(' '),
    months: months.map((m) => m.month),
    values: months.map((m) => m.shown.value),
    types: months.map((m) => m.type),
    mean: months.map((m) => m.mean),
    lpl: months.map((m) => m.lpl),
    upl: months.map((m) => m.upl),
    target: indicator.target,
    axes: { x: 'Month', y: measuredWords(indicator) },
  });
}

export function categoryChart(indicator: Indicator, scopeName: string, breakdown: CategoryBreakdown, period: string, rows: CategoryRow[], total: CategoryRow): ChartSvgs {
  const shown = rows.filter((r) => r.shown.value !== null);
  const parts = shown.map((r) => `${r.label}: ${valueWords(r.shown.value!, indicator.unit)}`);
  const withheld = rows.length - shown.length;
  return barChart({
    label: `Bar chart of ${indicator.name} by ${breakdownWords(breakdown)}, ${scopeName}, ${period}. ${parts.join('; ')}.`
      + (withheld ? ` ${withheld} not shown.` : '') + (total.shown.value !== null ? ` The dashed line is the whole area: ${valueWords(total.shown.value, indicator.unit)}.` : ''),
    categories: rows.map((r) => r.label),
    values: rows.map((r) => (r.shown.value === null ? null : roundValue(r.shown.value))),
    highlight: rows.map((r) => r.core20),
    overall: total.shown.value === null ? null : roundValue(total.shown.value),
    withheld: rows.map((r) => (r.shown.suppressed ? SUPPRESSED_WORDS : r.shown.value === null ? 'No data' : null)),
    axes: { x: measuredWords(indicator), y: breakdownHeading(breakdown) },
  });
}

export function unitFunnelChart(indicator: Indicator, scopeName: string, unit: UnitBreakdown, period: string, funnel: Funnel): ChartSvgs | null {
  if (funnel.centre === null) return null;
  const drawn = funnel.rows.filter((r) => r.shown.value !== null && r.position !== null);
  const count = (p: string) => drawn.filter((r) => r.position?.startsWith(p)).length;
  const plural = (n: number) => `${n} ${unit === 'practice' ? 'practice' : 'hub'}${n === 1 ? '' : 's'}`;
  return funnelChart({
    label: `Funnel plot of ${indicator.name} by ${breakdownWords(unit)}, ${scopeName}, ${period}: ${plural(drawn.length)} drawn against the whole area's `
      + `${valueWords(funnel.centre, indicator.unit)}, with 95% and 99.8% limits. ${plural(count('above'))} above the 95% limit, ${plural(count('below'))} below it. `
      + 'Each one is in the table that follows.',
    points: drawn.map((r) => ({ x: r.denominator, y: roundValue(r.shown.value!), position: r.position! })),
    curve: funnel.curve,
    centre: funnel.centre,
    improvement: indicator.improvement,
    axes: { x: denominatorWords(indicator), y: measuredWords(indicator) },
  });
}

/**
 * Occupancy of the virtual ward against its capacity as an XmR chart, as the
 * indicators are drawn: high occupancy is neither better nor worse in itself
 * (a full ward may be turning children away; an empty one may be unused), so
 * the measure is neutral. Months without capacity are left out.
 */
export function occupancyChart(wardName: string, rows: readonly { month: string; monthStart: string; percent: number | null }[]): ChartSvgs | null {
  const months = rows.filter((r): r is typeof r & { percent: number } => r.percent !== null);
  const latest = months.at(-1);
  if (!latest) return null;
  const result = spc(months.map((m) => m.percent), { improvement: 'neutral' });
  const last = result.points.at(-1)!;
  return xmrChart({
    label: [
      `XmR chart of the occupancy of ${wardName} against its capacity, by month from ${months[0].month} to ${latest.month}.`,
      `Latest, ${latest.month}: ${latest.percent}%.`,
      `Mean ${roundValue(last.mean)}%` + (last.lpl !== null && last.upl !== null ? `; process limits ${roundValue(last.lpl)}% to ${roundValue(last.upl)}%.` : '.'),
      `${variationWords(result.variation, 'neutral')}.`,
      'Every month is in the table that follows.',
    ].join(' '),
    months: months.map((m) => m.monthStart),
    values: months.map((m) => m.percent),
    types: result.points.map((p) => p.type),
    mean: result.points.map((p) => p.mean),
    lpl: result.points.map((p) => p.lpl),
    upl: result.points.map((p) => p.upl),
    target: null,
    axes: { x: 'Month', y: 'Occupancy (% of capacity)' },
  });
}
