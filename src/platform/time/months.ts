/**
 * Months as the rollups and dashboards hold them: the ISO date of their
 * first day ('2026-03-01').
 */

/** The first day of the month n months after (or before) the one given; a full date counts as its month. */
export const addMonths = (month: string, n: number): string => {
  const d = new Date(`${month.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 10);
};

/** Every month from one to another, both included. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}
