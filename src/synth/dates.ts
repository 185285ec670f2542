import { civilFromDays, daysFromCivil, isoDate } from '../platform/time/calendar-days.js';

export { civilFromDays, daysFromCivil, isoDate, parseIsoDate } from '../platform/time/calendar-days.js';

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** A timestamp on that day at the given minute of the day, in UTC. */
export function isoTimestamp(days: number, minuteOfDay: number): string {
  return `${isoDate(days)}T${pad2(Math.floor(minuteOfDay / 60))}:${pad2(minuteOfDay % 60)}:00Z`;
}

/** Completed years of age on `onDays` for someone born on `dobDays`. */
export function ageOn(dobDays: number, onDays: number): number {
  const [by, bm, bd] = civilFromDays(dobDays);
  const [ty, tm, td] = civilFromDays(onDays);
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** The earliest date of birth of someone still under `years` on `onDays`. */
export function earliestBirthUnder(years: number, onDays: number): number {
  const [y, m, d] = civilFromDays(onDays);
  // Born on the same calendar day `years` ago they are exactly `years` old today;
  // a 29 February birthday falls back to 28 February in a common year.
  const leap = (yr: number) => (yr % 4 === 0 && yr % 100 !== 0) || yr % 400 === 0;
  const day = m === 2 && d === 29 && !leap(y - years) ? 28 : d;
  return daysFromCivil(y - years, m, day) + 1;
}
