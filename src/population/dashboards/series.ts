import type { Indicator } from '../indicators/definitions.js';
import { rate } from '../indicators/definitions.js';
import type { MeasureMonth } from './store.js';
import type { SeriesPoint } from '../rollups/series.js';
import { spc, type Assurance, type PointType } from '../spc.js';
import { shownCounts, withheldFigures, type Shown } from '../suppression.js';
import { breakdownPeriod } from './figures.js';

/**
 * One indicator month by month, as an XmR chart shows it: each month's
 * counts and value (after small-number suppression), and the SPC mean,
 * limits and point type. SPC runs on the true values, so a suppressed month
 * still counts towards the mean and limits (aggregates that name no one),
 * but its value and its point type are withheld.
 *
 * The months a breakdown adds up (the latest 12, or the latest alone) have
 * their total on the breakdown's page, so they are suppressed as a list with
 * that total: one small month among them hides another.
 */
export type ChartedMonth = {
  month: string;
  numerator: number;
  denominator: number;
  value: number;
  shown: Shown;
  mean: number;
  lpl: number | null;
  upl: number | null;
  /** Null when suppressed. */
  type: PointType | null;
};

export type ChartedSeries = {
  months: ChartedMonth[];
  /** The latest month's type; null without data or when the latest month is suppressed. */
  variation: PointType | null;
  assurance: Assurance | null;
  warnings: string[];
};

type Counted = Pick<SeriesPoint, 'month' | 'numerator' | 'denominator' | 'value'>;

/** Months without a denominator have no value and are left out: an XmR chart needs a value at every point. */
export function chartSeries(points: readonly Counted[], indicator: Indicator, suppress: boolean): ChartedSeries {
  const usable = points.filter((p): p is Counted & { value: number } => p.value !== null);
  const result = spc(usable.map((p) => p.value), { improvement: indicator.improvement, target: indicator.target ?? undefined });
  const hidden = suppress ? withheldMonths(usable, indicator) : null;
  const months = usable.map((p, i): ChartedMonth => {
    const shown = shownCounts(p, hidden ? { numerator: hidden.numerator[i], denominator: hidden.denominator[i] } : false);
    const point = result.points[i];
    return {
      month: p.month, numerator: p.numerator, denominator: p.denominator, value: p.value, shown,
      mean: point.mean, lpl: point.lpl, upl: point.upl, type: shown.suppressed ? null : point.type,
    };
  });
  const latest = months.at(-1);
  return { months, variation: latest?.type ?? null, assurance: result.assurance, warnings: result.warnings };
}

/** Which months' counts are withheld: each of 1 to 7, and complements among the months a breakdown totals. */
function withheldMonths(points: readonly Counted[], indicator: Indicator): { numerator: boolean[]; denominator: boolean[] } {
  const first = points[0]?.month;
  const latest = points.at(-1)?.month;
  const period = first && latest ? breakdownPeriod(indicator, first, latest) : null;
  const inPeriod = points.flatMap((p, i) => (period && p.month >= period.from && p.month <= period.to ? [i] : []));
  const column = (pick: (p: Counted) => number) => {
    // The period's total sits after the months: it is not on this page, but its hidden or shown state is the breakdown's.
    const values = [...points.map(pick), inPeriod.reduce((a, i) => a + pick(points[i]), 0)];
    return withheldFigures(values, inPeriod.length ? [{ parts: inPeriod, total: points.length }] : []).slice(0, -1);
  };
  return { numerator: column((p) => p.numerator), denominator: column((p) => p.denominator) };
}

/** An indicator's monthly points from the totals of every measure (the list of all indicators reads them at once). */
export function pointsFromTotals(totals: readonly MeasureMonth[], indicator: Indicator): Counted[] {
  const byMonth = new Map<string, { numerator: number; denominator: number }>();
  for (const t of totals) {
    if (t.measure !== indicator.numerator && t.measure !== indicator.denominator) continue;
    const m = byMonth.get(t.month) ?? { numerator: 0, denominator: 0 };
    // A ratio of a measure to itself has both.
    if (t.measure === indicator.numerator) m.numerator = t.value;
    if (t.measure === indicator.denominator) m.denominator = t.value;
    byMonth.set(t.month, m);
  }
  return [...byMonth].sort(([a], [b]) => a.localeCompare(b)).map(([month, m]) => ({ month, ...m, value: rate(indicator, m.numerator, m.denominator) }));
}
