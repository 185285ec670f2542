/**
 * The page's arithmetic, kept apart from SQL so the tests can check it
 * exactly. Rates are per 1,000 registered children a year: a period of other
 * than 12 months is scaled to a year, so any period compares with the
 * published yearly rates (22 to 35 referrals per 1,000 children).
 */

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Per 1,000 children a year, to one decimal; null when no child is registered (no rate, not infinity). */
export function ratePer1000(count: number, children: number, months: number): number | null {
  if (children < 1 || months < 1) return null;
  return round1((count / children) * 1000 * (12 / months));
}

/** A percentage to one decimal; null when there is nothing to divide by. */
export function percent(part: number, whole: number): number | null {
  return whole > 0 ? round1((part / whole) * 100) : null;
}

/** Days to one decimal (a median of whole days may fall between two). */
export const days = (d: number | null): number | null => (d === null ? null : round1(d));
