import type { Indicator } from '../indicators/definitions.js';
import { measure } from '../measures.js';
import type { CategoryBreakdown, CategoryRow, Funnel, Period, UnitBreakdown } from './breakdowns.js';
import { isYearlyRate, monthShortWords, periodWords, roundValue, valueHeading } from './figures.js';
import type { ChartedSeries } from './series.js';
import type { FunnelPosition } from '../funnel.js';
import { pointTypeWords } from '../spc-words.js';
import { SUPPRESSED_WORDS, type Shown } from '../suppression.js';
import { capitalise } from '../../platform/http/validate.js';

/**
 * Every chart's data as a table: the page shows it beside the chart and the
 * CSV writes the same rows, so the two never disagree. A cell is text, a
 * number (thousands separators on the page, plain in the CSV) or null.
 */
export type Cell = string | number | null;
/** numeric: right-aligned; value: a rate or share, shown to the places roundValue keeps (1, or 2 below 10). */
export type Column = { heading: string; numeric?: boolean; value?: boolean };
export type DataTable = { id: string; caption: string; columns: Column[]; rows: Cell[][]; highlight?: boolean[] };

const num = (heading: string): Column => ({ heading, numeric: true });
const val = (heading: string): Column => ({ heading, numeric: true, value: true });
const rounded = (v: number | null) => (v === null ? null : roundValue(v));

function countHeadings(indicator: Indicator, months: number): Column[] {
  const over = months > 1 ? ` (${months} months)` : '';
  const average = isYearlyRate(indicator.unit) && months > 1 ? ' (average a month)' : over;
  return [
    num(capitalise(measure(indicator.numerator).label) + over),
    num(capitalise(measure(indicator.denominator).label) + average),
    val(valueHeading(indicator.unit)),
  ];
}

const valueCell = (s: Shown): Cell => (s.suppressed ? SUPPRESSED_WORDS : s.value === null ? 'No data' : roundValue(s.value));
const counts = (s: Shown): Cell[] => [s.numerator, s.denominator, valueCell(s)];

/** The XmR chart's table: month, counts, value, mean, limits and each point's type in words. */
export function seriesTable(indicator: Indicator, scopeName: string, series: ChartedSeries): DataTable {
  const first = series.months[0];
  const last = series.months.at(-1);
  const span = first && last ? `, ${monthShortWords(first.month)} to ${monthShortWords(last.month)}` : '';
  return {
    id: 'series',
    caption: `${indicator.name}, ${scopeName}, by month${span}`,
    columns: [
      { heading: 'Month' }, ...countHeadings(indicator, 1),
      val('Mean'), val('Lower process limit'), val('Upper process limit'), { heading: 'Point type' },
    ],
    rows: series.months.map((m) => [
      monthShortWords(m.month), ...counts(m.shown), roundValue(m.mean), rounded(m.lpl), rounded(m.upl),
      m.type === null ? 'Not shown' : pointTypeWords(m.type, indicator.improvement),
    ]),
  };
}

const BREAKDOWN_WORDS: Record<CategoryBreakdown | UnitBreakdown, string> = {
  imd: 'deprivation (IMD quintile)', ethnicity: 'ethnic group', age: 'age band', sex: 'sex', cluster: 'hub', practice: 'practice',
};
export const breakdownWords = (b: CategoryBreakdown | UnitBreakdown) => BREAKDOWN_WORDS[b];
/** A breakdown as a table's column heading or a chart's axis title: "IMD quintile", "Age band". */
export const breakdownHeading = (b: CategoryBreakdown) => (b === 'imd' ? 'IMD quintile' : capitalise(BREAKDOWN_WORDS[b]));

/** A breakdown by the children's deprivation, ethnicity, age or sex, with the scope's total last. */
export function categoryTable(indicator: Indicator, scopeName: string, breakdown: CategoryBreakdown, period: Period, rows: CategoryRow[], total: CategoryRow): DataTable {
  const heading = breakdownHeading(breakdown);
  return {
    id: 'breakdown',
    caption: `${indicator.name} by ${BREAKDOWN_WORDS[breakdown]}, ${scopeName}, ${periodWords(period)}`,
    columns: [{ heading }, ...countHeadings(indicator, period.months)],
    rows: [...rows, total].map((r) => [r.label, ...counts(r.shown)]),
    highlight: [...rows.map((r) => r.core20), false],
  };
}

const POSITION_WORDS: Record<FunnelPosition, string> = {
  'above-outer': 'Above the 99.8% limit: higher than expected',
  'above-inner': 'Above the 95% limit: higher than expected',
  within: 'Within the limits',
  'below-inner': 'Below the 95% limit: lower than expected',
  'below-outer': 'Below the 99.8% limit: lower than expected',
};
export const positionWords = (p: FunnelPosition) => POSITION_WORDS[p];

/** Practices or hubs ranked by value, with their funnel limits and where each sits, in words. */
export function funnelTable(indicator: Indicator, scopeName: string, unit: UnitBreakdown, period: Period, funnel: Funnel): DataTable {
  let rank = 0;
  return {
    id: 'funnel',
    caption: `${indicator.name} by ${BREAKDOWN_WORDS[unit]}, ${scopeName}, ${periodWords(period)}, highest first`,
    columns: [
      num('Rank'), { heading: unit === 'practice' ? 'Practice' : 'Hub' }, ...(unit === 'practice' ? [{ heading: 'ODS code' }] : []),
      ...countHeadings(indicator, period.months),
      val('Lower 99.8% limit'), val('Lower 95% limit'), val('Upper 95% limit'), val('Upper 99.8% limit'), { heading: 'Compared with the whole area' },
    ],
    rows: funnel.rows.map((r) => [
      r.shown.value === null ? null : ++rank, r.name, ...(unit === 'practice' ? [r.odsCode ?? ''] : []), ...counts(r.shown),
      rounded(r.limits?.lower998 ?? null), rounded(r.limits?.lower95 ?? null), rounded(r.limits?.upper95 ?? null), rounded(r.limits?.upper998 ?? null),
      r.shown.suppressed ? 'Not shown' : r.position ? positionWords(r.position) : 'No data',
    ]),
  };
}

const NUMBER = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
const ONE_PLACE = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const TWO_PLACES = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A cell as the page shows it: numbers with thousands separators (values to fixed places, so a column lines up), nothing for an empty cell. */
export function shownCell(cell: Cell, column?: Column): string {
  if (cell === null) return '';
  if (typeof cell === 'string') return cell;
  if (column?.value) return (Math.abs(cell) >= 10 ? ONE_PLACE : TWO_PLACES).format(cell);
  return NUMBER.format(cell);
}
