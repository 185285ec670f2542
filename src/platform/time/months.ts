/**
 * Months as the rollups and dashboards hold them: the ISO date of their
 * first day ('2026-03-01'); their names take a month as '2026-03' too.
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

const LONG = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const SHORT = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });

/** '2026-03' → 'March 2026'. */
export const monthName = (month: string): string => LONG.format(new Date(`${month.slice(0, 7)}-01T00:00:00Z`));
/** '2026-03' → 'Mar 2026', for table rows. */
export const monthShort = (month: string): string => SHORT.format(new Date(`${month.slice(0, 7)}-01T00:00:00Z`));
