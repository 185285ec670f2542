/**
 * Calendar months ('2026-03') for the activity page's period: whole months
 * in Europe/London, from the first month to the last, both included.
 */

export type Month = string;

/** The page reaches back five years: as far as referral history is kept for this view. */
export const MAX_MONTHS = 60;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export const isMonth = (v: string): boolean => MONTH.test(v) && Number(v.slice(0, 4)) >= 2000;

const index = (m: Month) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
const fromIndex = (i: number): Month => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;

export const addMonths = (m: Month, n: number): Month => fromIndex(index(m) + n);

/** Months from `from` to `to`, both included (0 when `to` is before `from`). */
export const monthCount = (from: Month, to: Month): number => Math.max(0, index(to) - index(from) + 1);

export const monthsFrom = (from: Month, to: Month): Month[] => Array.from({ length: monthCount(from, to) }, (_, i) => addMonths(from, i));

/** The month of an ISO date (London today, say). */
export const monthOf = (isoDate: string): Month => isoDate.slice(0, 7);

export { monthName, monthShort } from '../platform/time/months.js';

/** The default period: the last 12 complete months (a month still running would understate its rates). */
export function defaultPeriod(today: string): { from: Month; to: Month } {
  const to = addMonths(monthOf(today), -1);
  return { from: addMonths(to, -11), to };
}

/** The months a person can pick from: the last five years up to this month, newest first. */
export function selectableMonths(today: string): Month[] {
  const last = monthOf(today);
  return monthsFrom(addMonths(last, -(MAX_MONTHS - 1)), last).reverse();
}
