import { civilFromDays, daysFromCivil } from './dates.js';

/**
 * Calendar months as one integer (year × 12 + month − 1), for the activity
 * history: cheap to step through and to subtract ("months since the start").
 */

/** How many months before today's month the generated activity begins. */
export const HISTORY_MONTHS = 60;

export const monthOfDays = (days: number): number => {
  const [y, m] = civilFromDays(days);
  return y * 12 + m - 1;
};

export const firstDayOfMonth = (month: number): number => daysFromCivil(Math.floor(month / 12), (month % 12) + 1, 1);

/** "2023-04" for the month. */
export const monthText = (month: number): string => `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;

/** "2023-04" → the month, or null when it is not a YYYY-MM month. */
export function parseMonth(text: string): number | null {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text);
  return m ? Number(m[1]) * 12 + Number(m[2]) - 1 : null;
}

/** The months the generator writes activity for: HISTORY_MONTHS before today's month up to today's. */
export function historyMonths(todayDays: number): { first: number; last: number } {
  const last = monthOfDays(todayDays);
  return { first: last - HISTORY_MONTHS, last };
}
