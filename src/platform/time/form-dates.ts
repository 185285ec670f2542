/**
 * Dates as people type them into the NHS date input (day, month, year boxes)
 * and times on the 24-hour clock, read as Europe/London and stored in UTC.
 */

export type DateParts = { day: string; month: string; year: string };

export type DateRead = { iso: string | null; error?: string };

const digits = (v: string) => /^\d+$/.test(v);

/**
 * An ISO date from the three boxes: null when all are empty, an error naming
 * what is missing or wrong otherwise.
 */
export function readDateParts(parts: DateParts, label: string): DateRead {
  const day = parts.day.trim();
  const month = parts.month.trim();
  const year = parts.year.trim();
  if (!day && !month && !year) return { iso: null };
  const missing = [!day && 'day', !month && 'month', !year && 'year'].filter(Boolean);
  if (missing.length) return { iso: null, error: `${label} must include a ${missing.join(' and a ')}` };
  if (![day, month, year].every(digits) || year.length !== 4) return { iso: null, error: `${label} must be a real date, for example 27 3 2024` };
  const iso = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso || Number(year) < 1900) {
    return { iso: null, error: `${label} must be a real date, for example 27 3 2024` };
  }
  return { iso };
}

/**
 * A filter's optional from and to dates: each end read as readDateParts reads
 * it, and the to date not before the from date. The range applies only when
 * both ends are good; the errors are keyed `from` and `to`, as the boxes are.
 */
export function readDateRange(fromParts: DateParts, toParts: DateParts): { from?: string; to?: string; errors: Record<string, string> } {
  const from = readDateParts(fromParts, 'The from date');
  const to = readDateParts(toParts, 'The to date');
  const errors: Record<string, string> = {};
  if (from.error) errors.from = from.error;
  if (to.error) errors.to = to.error;
  if (from.iso && to.iso && to.iso < from.iso) errors.to = 'The to date must be the same as or after the from date';
  if (errors.from || errors.to) return { errors };
  return { from: from.iso ?? undefined, to: to.iso ?? undefined, errors };
}

/** The boxes for an ISO date, to fill a form again. */
export function dateParts(iso: string | null | undefined): DateParts {
  if (!iso) return { day: '', month: '', year: '' };
  const [year, month, day] = iso.slice(0, 10).split('-');
  return { day: String(Number(day)), month: String(Number(month)), year };
}

const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

/** Minutes Europe/London is ahead of UTC at an instant (0 in winter, 60 in summer). */
function londonOffsetMinutes(at: Date): number {
  const p = Object.fromEntries(londonParts.formatToParts(at).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
  return Math.round((asUtc - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}

/** A London wall-clock date and time as an ISO instant in UTC (the later reading when the clocks go back). */
export function londonToUtc(isoDate: string, hour: number, minute: number): string {
  const wall = Date.UTC(Number(isoDate.slice(0, 4)), Number(isoDate.slice(5, 7)) - 1, Number(isoDate.slice(8, 10)), hour, minute);
  let instant = wall - londonOffsetMinutes(new Date(wall)) * 60_000;
  instant = wall - londonOffsetMinutes(new Date(instant)) * 60_000;
  return new Date(instant).toISOString().replace('.000Z', 'Z');
}

/** A time typed as 14:05, 1405 or 9:30; null when it is not one. */
export function readTime(value: string): { hour: number; minute: number } | null {
  const m = /^(\d{1,2})[:.]?(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  return hour < 24 && minute < 60 ? { hour, minute } : null;
}

/** An instant's London date (ISO) and time (HH:MM), to fill a form again. */
export function londonDateAndTime(instant: string | Date): { date: string; time: string } {
  const p = Object.fromEntries(londonParts.formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/** Today's date in London, as ISO. */
export function londonToday(now = new Date()): string {
  return londonDateAndTime(now).date;
}

/** An ISO date moved by whole months (clamped to the month's last day). */
export function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, last));
  return target.toISOString().slice(0, 10);
}
