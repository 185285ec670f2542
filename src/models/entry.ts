import { field, fieldList, formOf } from '../platform/http/form-body.js';
import type { FieldErrors } from '../platform/http/errors.js';
import { MECHANISMS, MODEL_TYPES, NUMERIC_ATTRIBUTES, STAFF_GROUPS, type Configuration, type Mechanism, type ModelDescription, type ModelType, type StaffGroup } from './index.js';

/**
 * One register entry as typed in the form or read from an import, and the
 * rules both must meet. A number left empty is unknown (null); a number that
 * is not a whole number in range is an error for its field.
 */
export type ModelEntry = ModelDescription;

/** The same name care_model_implementation records starts under: lower-case words joined by hyphens. */
export const MODEL_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Upper bounds that catch a slipped key, not limits of any real model. */
const MAXIMA: Record<(typeof NUMERIC_ATTRIBUTES)[number][0], number> = {
  practices: 500, children: 1_000_000, paediatricianSessionsPerMonth: 200, jointClinicEveryWeeks: 52, mdtEveryWeeks: 52,
  adviceResponseHours: 336, practiceChampions: 1000, fundingPerYear: 100_000_000,
};

/** Fields in the order their errors are listed on the form. */
export const ENTRY_FIELDS = ['name', 'title', 'type', ...NUMERIC_ATTRIBUTES.map(([k]) => k), 'staffGroups', 'hours', 'startDate', 'lead', 'mechanisms', 'earlyIndicators', 'finalOutcomes'];

const hidden = (s: string) => [...s].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127);

export const EMPTY_CONFIGURATION: Configuration = {
  practices: null, children: null, paediatricianSessionsPerMonth: null, jointClinicEveryWeeks: null, mdtEveryWeeks: null, adviceResponseHours: null,
  staffGroups: [], practiceChampions: null, hours: '', fundingPerYear: null, startDate: null, lead: '',
};

/** What the form holds as typed, to show again with its errors. */
export type EntryForm = Record<string, string> & { staffGroups: string[]; mechanisms: string[]; earlyIndicators: string[]; finalOutcomes: string[] };

export function typedEntry(body: unknown): EntryForm {
  const f = formOf(body);
  const out: Record<string, unknown> = {};
  for (const k of ['name', 'title', 'type', 'hours', 'lead', 'version']) out[k] = field(f, k, 300).trim();
  for (const [k] of NUMERIC_ATTRIBUTES) out[k] = field(f, k, 20).trim();
  for (const part of ['day', 'month', 'year']) out[`startDate-${part}`] = field(f, `startDate[${part}]`, 6).trim();
  for (const k of ['staffGroups', 'mechanisms', 'earlyIndicators', 'finalOutcomes']) out[k] = [...new Set(fieldList(f, k, 60).map((v) => v.slice(0, 80)))];
  return out as EntryForm;
}

/** The form's values for an entry already saved. */
export function formOfEntry(e: ModelEntry, version: number): EntryForm {
  const c = e.configuration;
  const [year, month, day] = c.startDate ? c.startDate.split('-') : ['', '', ''];
  const numbers = Object.fromEntries(NUMERIC_ATTRIBUTES.map(([k]) => [k, c[k] === null ? '' : String(c[k])]));
  return {
    name: e.name, title: e.title, type: e.type, hours: c.hours, lead: c.lead, version: String(version), ...numbers,
    'startDate-day': day ? String(Number(day)) : '', 'startDate-month': month ? String(Number(month)) : '', 'startDate-year': year,
    staffGroups: c.staffGroups, mechanisms: e.mechanisms, earlyIndicators: e.earlyIndicators, finalOutcomes: e.finalOutcomes,
  } as unknown as EntryForm;
}

/** Turns the typed form into an entry, with an error per field that is wrong. */
export function entryFromForm(v: EntryForm, indicatorIds: readonly string[]): { entry: ModelEntry; fields: FieldErrors } {
  const fields: FieldErrors = {};
  const configuration: Configuration = { ...EMPTY_CONFIGURATION, staffGroups: v.staffGroups as StaffGroup[], hours: v.hours, lead: v.lead };
  for (const [k, label] of NUMERIC_ATTRIBUTES) {
    const typed = v[k];
    if (!typed) continue;
    if (!/^\d{1,9}$/.test(typed.replace(/,/g, ''))) fields[k] = `${label} must be a whole number, like 5`;
    else configuration[k] = Number(typed.replace(/,/g, ''));
  }
  const [d, m, y] = [v['startDate-day'], v['startDate-month'], v['startDate-year']];
  if (d || m || y) {
    const iso = /^\d{1,2}$/.test(d) && /^\d{1,2}$/.test(m) && /^\d{4}$/.test(y) ? `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}` : '';
    if (!iso || !realDate(iso)) fields.startDate = 'The start date must be a real date, for example 1 4 2024';
    else configuration.startDate = iso;
  }
  const entry: ModelEntry = {
    name: v.name, title: v.title, type: v.type as ModelType, configuration,
    mechanisms: v.mechanisms as Mechanism[], earlyIndicators: v.earlyIndicators, finalOutcomes: v.finalOutcomes,
  };
  return { entry, fields: { ...checkEntry(entry, indicatorIds), ...fields } };
}

function realDate(iso: string): boolean {
  const t = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === iso && iso >= '1990-01-01';
}

/** The rules every entry meets, from the form or an import. */
export function checkEntry(e: ModelEntry, indicatorIds: readonly string[]): FieldErrors {
  const fields: FieldErrors = {};
  if (!e.name) fields.name = 'Enter a short name for the model';
  else if (e.name.length > 60 || !MODEL_NAME.test(e.name)) fields.name = 'The short name must be up to 60 lower-case letters, numbers and single hyphens, like child-health-hub';
  if (!e.title) fields.title = 'Enter the model’s title';
  else if (e.title.length > 120 || hidden(e.title)) fields.title = 'The title must be 120 characters or fewer, without hidden characters';
  if (!Object.prototype.hasOwnProperty.call(MODEL_TYPES, e.type)) fields.type = 'Select the type of model';
  const c = e.configuration;
  for (const [k, label] of NUMERIC_ATTRIBUTES) {
    const n = c[k];
    if (n !== null && !(Number.isInteger(n) && n >= 0 && n <= MAXIMA[k])) fields[k] = `${label} must be a whole number from 0 to ${MAXIMA[k].toLocaleString('en-GB')}`;
  }
  if (c.staffGroups.some((g) => !Object.prototype.hasOwnProperty.call(STAFF_GROUPS, g))) fields.staffGroups = 'Select staff groups from the list';
  if (c.hours.length > 120 || hidden(c.hours)) fields.hours = 'Hours must be 120 characters or fewer, without hidden characters';
  if (c.lead.length > 120 || hidden(c.lead)) fields.lead = 'Who leads it must be 120 characters or fewer, without hidden characters';
  if (c.startDate !== null && !realDate(c.startDate)) fields.startDate = 'The start date must be a real date, for example 1 4 2024';
  if (e.mechanisms.some((m) => !Object.prototype.hasOwnProperty.call(MECHANISMS, m))) fields.mechanisms = 'Select mechanisms from the list';
  if (e.earlyIndicators.some((i) => !indicatorIds.includes(i))) fields.earlyIndicators = 'Select early indicators from the list';
  if (e.finalOutcomes.some((i) => !indicatorIds.includes(i))) fields.finalOutcomes = 'Select final outcomes from the list';
  else if (e.finalOutcomes.some((i) => e.earlyIndicators.includes(i))) fields.finalOutcomes = 'An indicator is either an early indicator or a final outcome, not both';
  return fields;
}
