import { isValidNhsNumber, normaliseNhsNumber } from '../../platform/identity/nhs-number.js';
import { readTsv } from '../../platform/data-files.js';
import { ACTIVITY_TYPES, type ActivityType } from '../schema.js';

/**
 * One row of an activity CSV (docs/activity-csv.md), checked on its own:
 * everything that needs no database. Who the child is and which practice or
 * organisation a code names are resolved a batch at a time by the importer.
 */

export const REQUIRED_COLUMNS = ['source_id', 'nhs_number', 'type', 'occurred_at'] as const;
export const OPTIONAL_COLUMNS = ['practice_ods', 'organisation_ods', 'reason', 'emergency', 'bed_days', 'first_attendance'] as const;
export const ACTIVITY_COLUMNS = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS] as const;
export type ActivityColumn = (typeof ACTIVITY_COLUMNS)[number];

/** Where each known column is in a row, from the header. */
export type ColumnIndex = Record<ActivityColumn, number>;

/** The header's columns by position, or why the header will not do (naming the column). */
export function readHeader(fields: string[]): ColumnIndex | string {
  const index = Object.fromEntries(ACTIVITY_COLUMNS.map((c) => [c, -1])) as ColumnIndex;
  const unknown: string[] = [];
  fields.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    if (!(ACTIVITY_COLUMNS as readonly string[]).includes(name)) unknown.push(raw.trim() || `(blank, column ${i + 1})`);
    else if (index[name as ActivityColumn] >= 0) unknown.push(`${name} (twice)`);
    else index[name as ActivityColumn] = i;
  });
  const missing = REQUIRED_COLUMNS.filter((c) => index[c] < 0);
  const problems: string[] = [];
  if (missing.length) problems.push(`The header has no ${missing.map((c) => `'${c}'`).join(', ')} column${missing.length > 1 ? 's' : ''}.`);
  if (unknown.length) problems.push(`Unknown column${unknown.length > 1 ? 's' : ''} in the header: ${unknown.map((c) => `'${c}'`).join(', ')}.`);
  if (!problems.length) return index;
  return `${problems.join(' ')} The first line must name the columns: ${REQUIRED_COLUMNS.join(', ')} (required), ${OPTIONAL_COLUMNS.join(', ')} (optional).`;
}

export type ActivityRow = {
  sourceId: string;
  nhsNumber: string;
  type: ActivityType;
  /** The instant, in UTC (ISO 8601). */
  occurredAt: string;
  /** The day it happened on England's clock: what the age is counted on. */
  localDate: string;
  /** The first day of that day's month. */
  month: string;
  practiceOds: string | null;
  organisationOds: string | null;
  reasonCode: string | null;
  emergency: boolean | null;
  bedDays: number | null;
  firstAttendance: boolean | null;
};

// ---- England's clock ----------------------------------------------------------------

const HOUR = 3_600_000;

/** Last Sunday of a month (0-based) at 01:00 UTC: when British Summer Time starts (March) and ends (October). */
function lastSundayOneAm(year: number, month: number): number {
  const last = Date.UTC(year, month + 1, 0, 1);
  return last - new Date(last).getUTCDay() * 24 * HOUR;
}

/**
 * Whether an instant falls in British Summer Time. By rule (last Sunday of
 * March to last Sunday of October, 01:00 UTC, as since 1996) rather than
 * Intl, which costs microseconds a call: ten million rows call this twice.
 */
export function isSummerTime(utcMs: number): boolean {
  if (utcMs < year.from || utcMs >= year.to) {
    const y = new Date(utcMs).getUTCFullYear();
    year = { from: Date.UTC(y, 0, 1), to: Date.UTC(y + 1, 0, 1), start: lastSundayOneAm(y, 2), end: lastSundayOneAm(y, 9) };
  }
  return utcMs >= year.start && utcMs < year.end;
}
/** The last year asked about, with its summer time: files tend to keep to a year at a time. */
let year = { from: 0, to: 0, start: 0, end: 0 };

/**
 * A wall-clock time in London (given as if it were UTC) as the instant. When
 * the clocks go back the hour happens twice: the later (GMT) reading, as the
 * record's forms take it. A time skipped when they go forward is read as GMT.
 */
export function londonWallToUtc(wallMs: number): number {
  if (!isSummerTime(wallMs)) return wallMs;
  return isSummerTime(wallMs - HOUR) ? wallMs - HOUR : wallMs;
}

/** The London calendar date of an instant, 'YYYY-MM-DD'. */
export function londonDate(utcMs: number): string {
  return new Date(utcMs + (isSummerTime(utcMs) ? HOUR : 0)).toISOString().slice(0, 10);
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** ISO 8601 date-time (with Z or an offset, or local to London), or a date alone (midnight in London); null when not one. */
export function parseOccurredAt(text: string): number | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const y = +m[1], mo = +m[2], d = +m[3], h = m[4] ? +m[4] : 0, mi = m[5] ? +m[5] : 0, s = m[6] ? +m[6] : 0;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59 || y < 1900) return null;
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (d > 28 && new Date(wall).getUTCDate() !== d) return null;
  const zone = m[8];
  if (!zone) return londonWallToUtc(wall);
  if (zone === 'Z' || zone === 'z') return wall;
  const oh = +zone.slice(1, 3);
  const om = zone.length === 3 ? 0 : +zone.slice(-2);
  if (oh > 14 || om > 59) return null;
  return wall - (zone[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
}

// ---- reasons ------------------------------------------------------------------------

let reasons: Map<string, string> | undefined;
let described: Map<string, { snomed: string | null; display: string }> | undefined;

/** data/activity-reasons.tsv: each key (any case) and SNOMED code → the key stored. */
function reasonCodes(): Map<string, string> {
  if (!reasons) {
    reasons = new Map();
    described = new Map();
    for (const r of readTsv('activity-reasons.tsv')) {
      reasons.set(r.key.toLowerCase(), r.key);
      if (r.snomed) reasons.set(r.snomed, r.key);
      described.set(r.key, { snomed: r.snomed || null, display: r.display });
    }
  }
  return reasons;
}

/** A reason key's SNOMED CT code (when one is shipped) and words, as the record shows them. */
export function reasonDescribed(key: string): { snomed: string | null; display: string } | null {
  reasonCodes();
  return described!.get(key) ?? null;
}

/** The activity reason key for a key (any case) or a SNOMED CT code in data/activity-reasons.tsv; null when it is neither. */
export const activityReason = (text: string): string | null => reasonCodes().get(text.toLowerCase()) ?? null;

// ---- the row ------------------------------------------------------------------------

const TYPES = new Set<string>(ACTIVITY_TYPES);
const ODS = /^[A-Z0-9]{3,10}$/;
const MAX_SOURCE_ID = 200;

function yesNo(text: string): boolean | null | undefined {
  switch (text.toLowerCase()) {
    case '': return null;
    case 'true': case 'yes': case 'y': case '1': return true;
    case 'false': case 'no': case 'n': case '0': return false;
    default: return undefined;
  }
}

// Module-level helpers rather than closures in checkRow: it runs once a row, and tsx names every closure it makes.

function field(fields: string[], columns: ColumnIndex, c: ActivityColumn): string {
  const i = columns[c];
  return i < 0 ? '' : (fields[i] ?? '').trim();
}

function odsCode(text: string, column: string, why: string[]): string | null {
  const v = text.toUpperCase();
  if (v && !ODS.test(v)) why.push(`${column} '${text}' is not an ODS code (3 to 10 letters and digits)`);
  return v || null;
}

/** A flag only one type of activity has: required for it, refused for the rest. */
function flagFor(text: string, column: string, only: ActivityType, type: ActivityType | null, why: string[]): boolean | null {
  const v = yesNo(text);
  if (v === undefined) why.push(`${column} '${text}' must be true or false`);
  else if (type && type !== only && v !== null) why.push(`${column} is only for ${only}s (this row is ${type})`);
  else if (type === only && v === null) why.push(`${column} is required for an ${only}: true or false`);
  return type === only ? (v ?? null) : null;
}

/**
 * The row's values, or every reason it cannot be taken (each naming its
 * column). `now` bounds occurred_at: activity cannot be in the future.
 */
export function checkRow(fields: string[], columns: ColumnIndex, now: number): ActivityRow | string[] {
  const why: string[] = [];

  const sourceId = field(fields, columns, 'source_id');
  if (!sourceId) why.push('source_id is empty: give the sender\'s own id for the event');
  else if (sourceId.length > MAX_SOURCE_ID) why.push(`source_id is longer than ${MAX_SOURCE_ID} characters`);

  const nhsText = field(fields, columns, 'nhs_number');
  const nhsNumber = /^\d{10}$/.test(nhsText) ? nhsText : normaliseNhsNumber(nhsText);
  if (!nhsNumber) why.push('nhs_number is empty');
  else if (!isValidNhsNumber(nhsNumber)) why.push(`nhs_number '${nhsText}' is not a valid NHS number (10 digits, the last a Modulus 11 check digit)`);

  const typeText = field(fields, columns, 'type');
  const typeKey = typeText.toLowerCase();
  const type = TYPES.has(typeKey) ? (typeKey as ActivityType) : null;
  if (!type) why.push(typeText ? `type '${typeText}' is not one of ${ACTIVITY_TYPES.join(', ')}` : `type is empty: give one of ${ACTIVITY_TYPES.join(', ')}`);

  const when = field(fields, columns, 'occurred_at');
  const at = when ? parseOccurredAt(when) : null;
  if (!when) why.push('occurred_at is empty');
  else if (at === null) why.push(`occurred_at '${when}' is not an ISO 8601 date-time (e.g. 2025-03-14T09:30:00Z, 2025-03-14T09:30:00+01:00 or 2025-03-14 09:30 in London)`);
  else if (at > now) why.push(`occurred_at '${when}' is in the future`);

  const practiceOds = odsCode(field(fields, columns, 'practice_ods'), 'practice_ods', why);
  const organisationOds = odsCode(field(fields, columns, 'organisation_ods'), 'organisation_ods', why);

  const reasonText = field(fields, columns, 'reason');
  const reasonCode = reasonText ? activityReason(reasonText) : null;
  if (reasonText && !reasonCode) why.push(`reason '${reasonText}' is neither a key nor a SNOMED code in data/activity-reasons.tsv`);

  const emergency = flagFor(field(fields, columns, 'emergency'), 'emergency', 'admission', type, why);
  const firstAttendance = flagFor(field(fields, columns, 'first_attendance'), 'first_attendance', 'outpatient', type, why);

  const bedText = field(fields, columns, 'bed_days');
  let bedDays: number | null = null;
  if (bedText) {
    if (!/^\d{1,3}$/.test(bedText) || +bedText > 365) why.push(`bed_days '${bedText}' must be a whole number from 0 to 365`);
    else if (type && type !== 'admission') why.push(`bed_days is only for admissions (this row is ${type})`);
    else bedDays = +bedText;
  }

  if (why.length) return why;
  const localDate = londonDate(at!);
  return {
    sourceId, nhsNumber, type: type!, occurredAt: new Date(at!).toISOString(), localDate, month: `${localDate.slice(0, 7)}-01`,
    practiceOds, organisationOds, reasonCode, emergency, bedDays, firstAttendance,
  };
}

/** Completed years from a date of birth to a date, both 'YYYY-MM-DD'. */
export function ageOn(dateOfBirth: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  return on.slice(5) < dateOfBirth.slice(5) ? years - 1 : years;
}
