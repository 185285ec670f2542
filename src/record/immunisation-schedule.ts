import { codeLists, type ScheduleAge, type ScheduledDose } from './code-lists.js';
import { civilFromDays, daysFromCivil, isoDate } from '../platform/time/calendar-days.js';

/**
 * Where a child stands against the UK routine childhood immunisation schedule
 * (data/immunisation-schedule.json): which doses they were due, which were
 * given, which are still to come. Each child is held to the schedule of their
 * own birth cohort.
 */

export type DoseStatus = 'given' | 'due' | 'overdue' | 'not-yet-due';

export type DoseState = {
  key: string;
  vaccine: string;
  /** SNOMED CT code of the vaccine product, as recorded on immunisation entries. */
  vaccineCode: string;
  display: string;
  dose: number;
  ageText: string;
  /** The date the child reaches the scheduled age. */
  dueOn: string;
  status: DoseStatus;
  /** The date it was given, when known. */
  givenOn: string | null;
};

export type GivenImmunisation = { code: string; startedOn: string | null; status: string };

/**
 * A dose not given more than 4 weeks (28 days) after the child reached its
 * scheduled age is overdue; until then it is due. (Four weeks is the usual
 * grace for a missed or rearranged appointment before a child counts as
 * late in practice recall lists.)
 */
export const OVERDUE_AFTER_DAYS = 28;

// Calendar dates as whole days since 1970-01-01 (UTC): exact, time-zone free.
const toIso = isoDate;

function parseDay(text: string, what: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const days = m ? daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])) : NaN;
  if (!m || toIso(days) !== text) throw new Error(`${what} must be a date like 2024-03-27, got "${text}"`);
  return days;
}

const daysInMonth = (y: number, m: number) => daysFromCivil(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) - daysFromCivil(y, m, 1);

/**
 * The day a child born on `dobDays` reaches `age`: calendar years and months
 * first (a birthday on the 31st falls on the month's last day), then weeks.
 */
export function dueDays(dobDays: number, age: ScheduleAge): number {
  const [y, m, d] = civilFromDays(dobDays);
  const months = (age.years ?? 0) * 12 + (age.months ?? 0);
  const mIndex = m - 1 + months;
  const ty = y + Math.floor(mIndex / 12);
  const tm = (mIndex % 12) + 1;
  return daysFromCivil(ty, tm, Math.min(d, daysInMonth(ty, tm))) + (age.weeks ?? 0) * 7;
}

/** The scheduled doses that apply to a child born on this day (ISO date), in the order they fall due. */
export function scheduleForBirth(dateOfBirth: string): ScheduledDose[] {
  const dob = parseDay(dateOfBirth, 'Date of birth');
  return codeLists()
    .schedule.doses.filter((d) => (!d.bornFrom || dateOfBirth >= d.bornFrom) && (!d.bornBefore || dateOfBirth < d.bornBefore))
    .map((d) => ({ d, due: dueDays(dob, d.age) }))
    .sort((a, b) => a.due - b.due || a.d.dose - b.d.dose)
    .map((x) => x.d);
}

/**
 * Every scheduled dose for the child's cohort with its status on `today`.
 * Completed immunisations are matched to that vaccine's scheduled doses in
 * date order (the first given MMR is the first scheduled MMR, and so on);
 * not-done and entered-in-error entries do not count. A completed entry with
 * no date counts as given, after the dated ones.
 */
export function immunisationStatus(dateOfBirth: string, given: GivenImmunisation[], today: string): DoseState[] {
  const dob = parseDay(dateOfBirth, 'Date of birth');
  const now = parseDay(today, 'Today');
  const vaccines = codeLists().vaccines;
  const byCode = new Map<string, (string | null)[]>();
  for (const g of given) {
    if (g.status !== 'completed') continue;
    const list = byCode.get(g.code) ?? [];
    list.push(g.startedOn);
    byCode.set(g.code, list);
  }
  for (const list of byCode.values()) list.sort((a, b) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1));
  const used = new Map<string, number>();

  return scheduleForBirth(dateOfBirth).map((d) => {
    const v = vaccines.get(d.vaccine)!;
    const due = dueDays(dob, d.age);
    const list = byCode.get(v.code) ?? [];
    const n = used.get(v.code) ?? 0;
    let status: DoseStatus;
    let givenOn: string | null = null;
    if (n < list.length) {
      used.set(v.code, n + 1);
      status = 'given';
      givenOn = list[n];
    } else if (now < due) {
      status = 'not-yet-due';
    } else {
      status = now - due > OVERDUE_AFTER_DAYS ? 'overdue' : 'due';
    }
    return { key: d.key, vaccine: d.vaccine, vaccineCode: v.code, display: v.display, dose: d.dose, ageText: d.ageText, dueOn: toIso(due), status, givenOn };
  });
}
