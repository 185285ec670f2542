import type { FieldErrors } from '../platform/http/errors.js';
import { isValidNhsNumber, normaliseNhsNumber } from '../platform/identity/nhs-number.js';
import type { ChildCriteria } from './store.js';

/** The date boxes are named dob[day], dob[month], dob[year] by nhsuk-frontend's date input. */
export type SearchInput = { q?: unknown; 'dob[day]'?: unknown; 'dob[month]'?: unknown; 'dob[year]'?: unknown };
export type SearchValues = { q: string; day: string; month: string; year: string };

const str = (v: unknown, max: number) => (typeof v === 'string' ? v.trim().slice(0, max) : '');

/**
 * Reads the find-a-child form: one box for an NHS number (spaces allowed) or
 * a name, and an optional date of birth that narrows a surname search.
 */
export function readSearch(input: SearchInput, today = new Date()): { values: SearchValues; criteria?: ChildCriteria; fields: FieldErrors } {
  const rawQ = typeof input.q === 'string' ? input.q.trim() : '';
  const values = { q: rawQ.slice(0, 100), day: str(input['dob[day]'], 2), month: str(input['dob[month]'], 2), year: str(input['dob[year]'], 4) };
  const fields: FieldErrors = {};
  const dob = readDate(values, today, fields);
  if (!rawQ) {
    fields.q = 'Enter an NHS number or a name';
  } else if (rawQ.length > 100) {
    fields.q = 'Search must be 100 characters or fewer';
  } else if (/^[\d\s-]+$/.test(rawQ)) {
    const digits = normaliseNhsNumber(rawQ);
    if (digits.length !== 10) fields.q = 'NHS number must be 10 digits';
    else if (!isValidNhsNumber(digits)) fields.q = 'NHS number is not valid: check the 10 digits';
    else if (!fields.dob) return { values, fields, criteria: { by: 'nhs-number', nhsNumber: digits } };
  } else if (!/^[\p{L}][\p{L}\s'’-]*$/u.test(rawQ)) {
    fields.q = 'Names can only include letters, spaces, hyphens and apostrophes';
  } else if (rawQ.replace(/[\s'’-]/g, '').length < 2) {
    fields.q = 'Enter at least 2 letters of the name';
  } else if (!fields.dob) {
    const words = rawQ.split(/\s+/).filter(Boolean);
    const criteria: ChildCriteria = dob
      ? { by: 'surname-and-birth-date', surname: words[words.length - 1], dateOfBirth: dob }
      : { by: 'name', words };
    return { values, fields, criteria };
  }
  return { values, fields };
}

function readDate(v: SearchValues, today: Date, fields: FieldErrors): string | undefined {
  if (!v.day && !v.month && !v.year) return undefined;
  if (!v.day || !v.month || !v.year) {
    fields.dob = 'Date of birth must include a day, month and year';
    return undefined;
  }
  const [d, m, y] = [Number(v.day), Number(v.month), Number(v.year)];
  const date = new Date(Date.UTC(y, m - 1, d));
  const real = /^\d+$/.test(v.day + v.month + v.year) && v.year.length === 4 &&
    date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  if (!real) {
    fields.dob = 'Date of birth must be a real date';
    return undefined;
  }
  if (date.getTime() > today.getTime()) {
    fields.dob = 'Date of birth must be today or in the past';
    return undefined;
  }
  if (y < 1900) {
    fields.dob = 'Date of birth must be after 1900';
    return undefined;
  }
  return date.toISOString().slice(0, 10);
}
