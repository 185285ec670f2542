import { longDate } from '../platform/time/calendar-days.js';
import type { EntryRow } from './service.js';
import { immunisationStatus } from './immunisation-schedule.js';
import { SCHEDULE_STATUS_LABELS } from './labels.js';

/**
 * The immunisations section's schedule table: every dose of the UK routine
 * schedule for the child's birth cohort, with what was given and what is due
 * or overdue today.
 */


export type ScheduleRow = { vaccine: string; dose: string; when: string; status: { text: string; classes: string }; detail: string | null };

export function immunisationRows(dateOfBirth: string, entries: EntryRow[], today: string): ScheduleRow[] {
  const given = entries.filter((e) => e.code).map((e) => ({ code: e.code!, startedOn: e.started_on, status: e.status }));
  return immunisationStatus(dateOfBirth, given, today).map((d) => ({
    vaccine: d.display,
    dose: String(d.dose),
    when: `${d.ageText} (${longDate(d.dueOn)})`,
    status: SCHEDULE_STATUS_LABELS[d.status],
    detail: d.status === 'given' ? (d.givenOn ? `on ${longDate(d.givenOn)}` : 'date not recorded') : null,
  }));
}
