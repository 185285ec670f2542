import { parseIsoDate } from './calendar-days.js';
import { londonToday } from './form-dates.js';

const WITH_WEEKDAY = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "2026-12-01" → "Tuesday 1 December 2026" (no comma, as NHS.UK writes dates). */
export const dateWithWeekday = (iso: string): string => WITH_WEEKDAY.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`)).replace(',', '');

/**
 * When something is due, in the words a clinician reads at a glance: "due
 * today", "due tomorrow", "due on Tuesday 1 December 2026", "1 day overdue",
 * "3 days overdue". Days are London calendar days, so an item due today is
 * not overdue at 11 pm in winter or at 00:30 in summer.
 */
export function dueInWords(dueOn: string, today: string = londonToday()): string {
  const days = parseIsoDate(dueOn.slice(0, 10)) - parseIsoDate(today);
  if (days === 0) return 'due today';
  if (days === 1) return 'due tomorrow';
  if (days > 1) return `due on ${dateWithWeekday(dueOn)}`;
  return `${-days} ${days === -1 ? 'day' : 'days'} overdue`;
}
