import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * Working days in England and Wales: Monday to Friday, less bank holidays,
 * which are data (data/bank-holidays-england-and-wales.json) so a new
 * one-off day is a data change. Dates are ISO calendar dates (London).
 */

const FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../data/bank-holidays-england-and-wales.json');
const holidaysSchema = z.object({ events: z.array(z.object({ date: z.iso.date(), title: z.string().min(1) })).min(1) });

let loaded: { events: { date: string; title: string }[]; dates: Set<string>; first: string; last: string } | undefined;

function holidays() {
  if (!loaded) {
    const { events } = holidaysSchema.parse(JSON.parse(fs.readFileSync(FILE, 'utf8')));
    const dates = events.map((e) => e.date).sort();
    loaded = { events, dates: new Set(dates), first: `${dates[0].slice(0, 4)}-01-01`, last: `${dates.at(-1)!.slice(0, 4)}-12-31` };
  }
  return loaded;
}

const DAY = 86_400_000;
const shift = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

/**
 * Whether the bank holiday data covers the date (whole years, from the first year in the
 * data to the last), so a caller can choose what to do beyond it without catching
 * isWorkingDay's refusal. Throws, like isWorkingDay, if the data file cannot be read.
 */
export function coversDate(iso: string): boolean {
  const { first, last } = holidays();
  return iso >= first && iso <= last;
}

/** Beyond the bank holiday data an answer would be a guess, so it is refused. */
function covered(iso: string): void {
  const { first, last } = holidays();
  if (!coversDate(iso)) throw new Error(`Bank holidays are known from ${first} to ${last}; ${iso} is outside them: add the year to the data.`);
}

export function isWorkingDay(iso: string): boolean {
  covered(iso);
  const weekday = new Date(`${iso}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays().dates.has(iso);
}

/** The date `n` working days after `from` (n ≥ 0): a referral made on Friday and due in 2 working days is due on Tuesday. */
export function addWorkingDays(from: string, n: number): string {
  let date = from;
  for (let left = n; left > 0; ) {
    date = shift(date, 1);
    if (isWorkingDay(date)) left--;
  }
  return date;
}

/** Working days after `from` up to and including `to` (0 when `to` is not after `from`): how long something has waited. */
export function workingDaysBetween(from: string, to: string): number {
  let count = 0;
  for (let date = shift(from, 1); date <= to; date = shift(date, 1)) if (isWorkingDay(date)) count++;
  return count;
}

/** The bank holidays in a range, with their names, for showing why a date moved. */
export function bankHolidaysBetween(from: string, to: string): { date: string; title: string }[] {
  return holidays().events.filter((e) => e.date >= from && e.date <= to);
}
