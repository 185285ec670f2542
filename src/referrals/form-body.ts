import { dateBoxes, type Form } from '../platform/http/form-body.js';
import { readDateParts, type DateParts } from '../platform/time/form-dates.js';

/** A date from its day, month and year boxes: the boxes (to show again), and the ISO date or '' with the reason it is not one. */
export function dateField(f: Form, name: string, label: string): { boxes: DateParts; iso: string; error?: string } {
  const boxes = dateBoxes(f, name);
  const read = readDateParts(boxes, label);
  return { boxes, iso: read.error ? '' : (read.iso ?? ''), error: read.error };
}
