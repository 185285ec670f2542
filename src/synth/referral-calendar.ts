import { coversDate, isWorkingDay } from '../platform/time/working-days.js';
import { isoDate } from './dates.js';

/**
 * Working days over the generator's window as a table, so due dates and
 * triage delays cost an array lookup each: 120,000 referrals × several
 * working-day sums would otherwise walk ISO strings day by day. Answers match
 * platform/working-days.ts, which the app uses for the same due dates.
 */
export class WorkingCalendar {
  private working: Uint8Array;
  /** Working days in [from, from + i): a running count to jump by n working days in O(log n). */
  private before: Int32Array;

  constructor(private from: number, to: number) {
    const n = to - from + 1;
    this.working = new Uint8Array(n);
    this.before = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      this.working[i] = workingOrWeekday(from + i) ? 1 : 0;
      this.before[i + 1] = this.before[i] + this.working[i];
    }
  }

  private index(day: number): number {
    const i = day - this.from;
    if (i < 0 || i >= this.working.length) throw new Error(`day ${isoDate(day)} is outside the generator's calendar`);
    return i;
  }

  isWorking(day: number): boolean {
    return this.working[this.index(day)] === 1;
  }

  /** The day `n` working days after `day` (addWorkingDays). */
  add(day: number, n: number): number {
    if (n <= 0) return day;
    const target = this.before[this.index(day) + 1] + n; // working days up to and including the answer
    let lo = this.index(day) + 1;
    let hi = this.working.length - 1;
    if (this.before[hi + 1] < target) throw new Error(`${n} working days after ${isoDate(day)} is beyond the generator's calendar`);
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.before[mid + 1] >= target) hi = mid;
      else lo = mid + 1;
    }
    return this.from + lo;
  }

  /** The working day `n` working days before `day`: the creation day whose due date lands n after it. */
  back(day: number, n: number): number {
    let d = day;
    for (let left = n; left > 0; ) if (this.isWorking(--d)) left--;
    return d;
  }

  /** The day itself if it is a working day, else the next one. */
  onOrAfter(day: number): number {
    let d = day;
    while (!this.isWorking(d)) d++;
    return d;
  }
}

/**
 * Bank holidays are known for a fixed span of years; beyond it (a `today` far
 * from now) weekends alone are skipped rather than refusing to generate. Any
 * other failure (an unreadable bank holiday file) is not swallowed: it would
 * otherwise give a calendar without bank holidays.
 */
function workingOrWeekday(day: number): boolean {
  const iso = isoDate(day);
  if (coversDate(iso)) return isWorkingDay(iso);
  const weekday = (((day + 4) % 7) + 7) % 7; // day 0 is 1970-01-01, a Thursday
  return weekday !== 0 && weekday !== 6;
}
