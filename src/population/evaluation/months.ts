/**
 * Months as whole numbers (year × 12 + month − 1), so the engines can count
 * months between dates, find neighbours and read the calendar month.
 * Accepts '2024-03' or a first-of-month date '2024-03-01'.
 */

const MONTH = /^(\d{4})-(\d{2})(?:-\d{2})?$/;

export function monthIndex(month: string): number {
  const m = MONTH.exec(month);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new RangeError(`not a month: "${month}" (expected YYYY-MM or YYYY-MM-DD)`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

/** The first day of the month, as an ISO date. */
export function monthDate(index: number): string {
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

/** 1 (January) to 12. */
export const calendarMonth = (index: number): number => (index % 12) + 1;

const NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "March 2024", for caveats read by people. */
export function monthWords(index: number): string {
  return `${NAMES[index % 12]} ${Math.floor(index / 12)}`;
}
