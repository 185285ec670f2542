import { rate, UNIT_WORDS, type Indicator, type Unit } from '../indicators/definitions.js';
import { measure } from '../measures.js';
import type { MonthRange } from '../rollups/rollup.js';
import { addMonths, monthName, monthShort } from '../../platform/time/months.js';

/**
 * The dashboards' arithmetic and wording, kept apart from SQL and pages so
 * the tests can check it exactly. Months are first days ('2026-10-01'), as
 * the rollup stores them.
 */

/** Five years of months: what every chart shows where the data reach back that far. */
export const CHART_MONTHS = 60;
/** Breakdowns and funnels compare the latest 12 months. */
export const BREAKDOWN_MONTHS = 12;

export const monthWords = (month: string) => monthName(month.slice(0, 7));
export const monthShortWords = (month: string) => monthShort(month.slice(0, 7));

/**
 * The months a dashboard reads: the 60 before the current calendar month
 * (London), which is never complete. The last complete month is the latest
 * of these with data.
 */
export function chartWindow(today: string): MonthRange {
  const to = addMonths(today, -1);
  return { from: addMonths(to, -(CHART_MONTHS - 1)), to };
}

/**
 * Whether the indicator counts children at a point in time (children in a
 * cohort, or reached in the 12 months to the month's end): such months
 * cannot be added together, so a breakdown uses the latest month alone.
 */
export const isPointInTime = (indicator: Pick<Indicator, 'numerator'>): boolean => !['events', 'referrals', 'ward'].includes(measure(indicator.numerator).kind);

/** Rates a year divide by a population each month: over several months the denominator reads as the average population. */
export const isYearlyRate = (unit: Unit) => unit.endsWith('-year');

/** The months a breakdown or funnel adds up: the latest 12 (or as many as there are), or the latest alone. */
export function breakdownPeriod(indicator: Pick<Indicator, 'numerator'>, first: string, latest: string): MonthRange & { months: number } {
  if (isPointInTime(indicator)) return { from: latest, to: latest, months: 1 };
  const from = [addMonths(latest, -(BREAKDOWN_MONTHS - 1)), first].sort().at(-1)!;
  let months = 0;
  for (let m = from; m <= latest; m = addMonths(m, 1)) months++;
  return { from, to: latest, months };
}

export function periodWords(p: MonthRange & { months: number }): string {
  if (p.months === 1) return monthWords(p.to);
  return `the ${p.months} months from ${monthWords(p.from)} to ${monthWords(p.to)}`;
}

/** Values to 1 decimal place, or 2 below 10: what the table, the CSV and the chart labels all show. */
export function roundValue(v: number): number {
  const places = Math.abs(v) >= 10 ? 10 : 100;
  return Math.round(v * places) / places;
}

const VALUE = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
const COUNT = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

/** "412.3 per 1,000 a year", "12.5%". */
export function valueWords(v: number, unit: Unit): string {
  const n = VALUE.format(roundValue(v));
  return unit === 'percent' ? `${n}%` : `${n} ${UNIT_WORDS[unit]}`;
}

export const countWords = (n: number) => COUNT.format(n);

/** The unit's factor: what numerator ÷ denominator is multiplied by. */
export const unitFactor = (indicator: Pick<Indicator, 'unit'>) => rate(indicator, 1, 1)!;

/** The value heading for a table: "Rate per 1,000 a year", "Percentage". */
export function valueHeading(unit: Unit): string {
  if (unit === 'average') return 'Average';
  return unit === 'percent' ? 'Percentage (%)' : `Rate ${UNIT_WORDS[unit]}`;
}
