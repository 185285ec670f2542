import { longDate } from './calendar-days.js';
import { londonDateAndTime } from './form-dates.js';

/**
 * Nothing about a child happens before they were born: the field errors for
 * child-scoped dates (ISO dates, or instants read as the day in London)
 * before the date of birth, one per field, in words a page, the API and a
 * feed's reject file can all show. Empty when every date is on or after it.
 */
export function datesBeforeBirth(dateOfBirth: string, dates: Record<string, string | null | undefined>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [field, value] of Object.entries(dates)) {
    if (!value) continue;
    const day = value.length > 10 ? londonDateAndTime(value).date : value;
    if (day < dateOfBirth.slice(0, 10)) errors[field] = `The date must be on or after the child’s date of birth (${longDate(dateOfBirth)})`;
  }
  return errors;
}
