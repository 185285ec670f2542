import { SENSITIVE_CATEGORIES, type EntryKind, type SensitiveCategory } from './schema.js';
import { ENTRY_CODE_SYSTEM, ENTRY_DETAILS, ENTRY_STATUSES } from './entries.js';
import { readEntryInput, type EntryInput } from './entry-input.js';
import type { EntryRow } from './service.js';
import { ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { dateParts, readDateParts, type DateParts } from '../platform/time/form-dates.js';
import { codeLists } from './code-lists.js';
import {
  ALLERGY_CATEGORY_LABELS, COURSE_LABELS, DISPLAY_LABELS, SENSITIVE_LABELS, SEVERITY_LABELS, SIGNIFICANCE_LABELS, statusLabel,
} from './labels.js';

/**
 * The page form for a record entry: which fields each kind has, reading what
 * was typed into an EntryInput (the same one the API takes), and the values
 * to show again. The service checks the input again with readEntryInput; this
 * only turns boxes into that shape and words its messages for a form.
 */

export type DetailField = {
  key: string;
  label: string;
  hint?: string;
  type: 'text' | 'textarea' | 'radios' | 'integer' | 'number';
  options?: Record<string, string>;
  /** The message when a required field is left empty. */
  required?: string;
  /** The message when a choice is not one of the options. */
  invalid?: string;
};

export const DETAIL_FIELDS: Record<EntryKind, DetailField[]> = {
  allergy: [
    { key: 'reaction', label: 'Reaction (optional)', hint: 'What happens, for example hives and lip swelling', type: 'text' },
    { key: 'severity', label: 'How severe is the reaction? (optional)', type: 'radios', options: SEVERITY_LABELS, invalid: 'Select how severe the reaction is' },
    { key: 'category', label: 'Type of allergen (optional)', type: 'radios', options: ALLERGY_CATEGORY_LABELS },
  ],
  medication: [
    { key: 'course', label: 'Is it a repeat or an acute medicine?', type: 'radios', options: COURSE_LABELS, required: 'Select whether it is a repeat or an acute medicine' },
    { key: 'dose', label: 'Dose (optional)', hint: 'For example, 2 puffs when needed, up to 4 times a day', type: 'text' },
    { key: 'reason', label: 'Why it is prescribed (optional)', hint: 'For example, asthma', type: 'text' },
    { key: 'stopReason', label: 'Why it was stopped (optional)', hint: 'Only for a medicine that has stopped', type: 'text' },
  ],
  problem: [{ key: 'significance', label: 'Significance (optional)', type: 'radios', options: SIGNIFICANCE_LABELS }],
  procedure: [{ key: 'outcome', label: 'Outcome (optional)', type: 'text' }],
  immunisation: [
    { key: 'doseNumber', label: 'Dose number (optional)', hint: 'For example, 2 for the second dose', type: 'integer' },
    { key: 'notDoneReason', label: 'Why it was not given (optional)', hint: 'Only when the status is Not given', type: 'text' },
  ],
  observation: [
    { key: 'value', label: 'Value (optional)', hint: 'A number, for example 18.4', type: 'number' },
    { key: 'unit', label: 'Unit (optional)', hint: 'For example, kg', type: 'text' },
    { key: 'valueText', label: 'Result in words (optional)', type: 'text' },
  ],
  'anticipatory-care': [
    { key: 'text', label: 'What to do', hint: 'What others caring for this child need to know and do', type: 'textarea', required: 'Enter what to do' },
  ],
  'communication-need': [
    { key: 'text', label: 'Details of the need', type: 'textarea', required: 'Enter the details of the need' },
    { key: 'adjustment', label: 'Reasonable adjustment (optional)', hint: 'For example, book double appointments', type: 'text' },
  ],
};

/** The date fields each kind has; null where a kind has none. */
export const DATE_FIELDS: Record<EntryKind, { startedOn: string | null; endedOn: string | null }> = {
  allergy: { startedOn: 'Date first recorded (optional)', endedOn: 'Date it stopped (optional)' },
  medication: { startedOn: 'Date started (optional)', endedOn: 'Date stopped (optional)' },
  problem: { startedOn: 'Date it began (optional)', endedOn: 'Date it resolved (optional)' },
  procedure: { startedOn: 'Date performed (optional)', endedOn: null },
  immunisation: { startedOn: 'Date given (optional)', endedOn: null },
  observation: { startedOn: 'Date observed (optional)', endedOn: null },
  'anticipatory-care': { startedOn: 'Date from (optional)', endedOn: 'Date until (optional)' },
  'communication-need': { startedOn: null, endedOn: null },
};

export type EntryFormValues = {
  display: string;
  code: string;
  status: string;
  startedOn: DateParts;
  endedOn: DateParts;
  details: Record<string, string>;
  sensitiveCategory: string;
  version: string;
};

type Body = Record<string, unknown>;

/** A form value: only a string counts (a repeated or structured field is treated as empty). */
const str = (body: Body, key: string): string => (typeof body[key] === 'string' ? (body[key] as string) : '');

/** The form field (and its id) an input error belongs to: `details.reaction` is the box `details-reaction`. */
export const fieldId = (key: string) => key.replace(/\./g, '-');

/** The statuses a form offers: a new entry is not "entered in error". */
export function statusOptions(kind: EntryKind, editing: boolean) {
  return ENTRY_STATUSES[kind]
    .filter((s) => editing || s !== 'entered-in-error')
    .map((s) => ({ value: s, text: statusLabel(kind, s) }));
}

export const SENSITIVE_OPTIONS = [
  { value: '', text: 'No, anyone caring for the child may see it' },
  ...SENSITIVE_CATEGORIES.map((c) => ({ value: c, text: `Yes: ${SENSITIVE_LABELS[c].charAt(0).toLowerCase()}${SENSITIVE_LABELS[c].slice(1)}` })),
];

/** The routine schedule's vaccines, to pick one by its SNOMED CT code (so the schedule can count the dose). */
export function vaccineOptions(current: string) {
  const vaccines = [...codeLists().vaccines.values()];
  return [
    { value: '', text: 'Another vaccine (type its name above)', selected: !current },
    ...vaccines.map((v) => ({ value: v.code, text: v.display, selected: v.code === current })),
  ];
}

const vaccineName = (code: string) => [...codeLists().vaccines.values()].find((v) => v.code === code)?.display;

export function emptyValues(kind: EntryKind): EntryFormValues {
  return {
    display: '', code: '', status: ENTRY_STATUSES[kind][0], startedOn: dateParts(null), endedOn: dateParts(null),
    details: {}, sensitiveCategory: '', version: '',
  };
}

/** An entry as its form shows it, to change it. */
export function entryValues(entry: EntryRow): EntryFormValues {
  const details: Record<string, string> = {};
  for (const f of DETAIL_FIELDS[entry.kind]) {
    const v = entry.details[f.key];
    if (v !== undefined && v !== null) details[f.key] = String(v);
  }
  return {
    display: entry.display, code: entry.code ?? '', status: entry.status,
    startedOn: dateParts(entry.started_on), endedOn: dateParts(entry.ended_on),
    details, sensitiveCategory: entry.sensitive_category ?? '', version: String(entry.version),
  };
}

export type EntryFormResult = { values: EntryFormValues; input?: EntryInput; fields: FieldErrors; version?: number };

/**
 * Reads a submitted entry form. Returns the input when it is valid, and
 * otherwise one message per field, keyed by the field's id.
 */
export function readEntryForm(kind: EntryKind, body: Body, today = new Date()): EntryFormResult {
  const fields: FieldErrors = {};
  const datePart = (name: string): DateParts => ({ day: str(body, `${name}-day`), month: str(body, `${name}-month`), year: str(body, `${name}-year`) });
  const values: EntryFormValues = {
    display: str(body, 'display'), code: str(body, 'code').trim(), status: str(body, 'status'),
    startedOn: datePart('startedOn'), endedOn: datePart('endedOn'),
    details: {}, sensitiveCategory: str(body, 'sensitiveCategory'), version: str(body, 'version'),
  };

  // A vaccine picked from the schedule's list names itself.
  const display = values.display.trim() || (kind === 'immunisation' && values.code ? vaccineName(values.code) ?? '' : '');
  if (!display) fields.display = kind === 'immunisation' ? 'Enter the vaccine, or select it from the list' : `Enter the ${DISPLAY_LABELS[kind].label.toLowerCase()}`;
  if (!values.status) fields.status = 'Select the status';

  const dates: { startedOn: string | null; endedOn: string | null } = { startedOn: null, endedOn: null };
  for (const name of ['startedOn', 'endedOn'] as const) {
    const label = DATE_FIELDS[kind][name];
    if (!label) continue;
    const read = readDateParts(values[name], label.replace(' (optional)', ''));
    if (read.error) fields[name] = read.error;
    dates[name] = read.iso;
  }

  const details: Record<string, unknown> = {};
  for (const f of DETAIL_FIELDS[kind]) {
    const raw = str(body, `details-${f.key}`);
    values.details[f.key] = raw;
    const v = raw.trim();
    if (!v) {
      if (f.required) fields[`details-${f.key}`] = f.required;
      continue;
    }
    if (f.type === 'integer' || f.type === 'number') {
      const n = Number(v);
      if (!/^-?\d+(\.\d+)?$/.test(v) || !Number.isFinite(n) || (f.type === 'integer' && !Number.isInteger(n))) {
        fields[`details-${f.key}`] = `${f.label.replace(' (optional)', '')} must be ${f.type === 'integer' ? 'a whole number, like 2' : 'a number, like 18.4'}`;
        continue;
      }
      details[f.key] = n;
    } else {
      details[f.key] = f.type === 'textarea' ? v.replace(/\r\n/g, '\n') : v;
    }
  }

  // The kind's details are checked here too, so every message shows at once (the shared check stops at the first failing stage).
  const checked = ENTRY_DETAILS[kind].safeParse(details);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const f = DETAIL_FIELDS[kind].find((d) => d.key === issue.path[0]);
      if (!f) continue;
      const label = f.label.replace(' (optional)', '').replace(/\?$/, '');
      const id = `details-${f.key}`;
      if (fields[id]) continue;
      if (f.options) fields[id] = f.invalid ?? `Select ${label.charAt(0).toLowerCase()}${label.slice(1)} from the list`;
      else if (issue.code === 'too_big') fields[id] = `${label} must be ${issue.maximum} characters or fewer`;
      else if (issue.code === 'too_small') fields[id] = `${label} must be ${issue.minimum} or more`;
      else fields[id] = `Check ${label.charAt(0).toLowerCase()}${label.slice(1)}`;
    }
  }
  if (values.sensitiveCategory && !(SENSITIVE_CATEGORIES as readonly string[]).includes(values.sensitiveCategory)) {
    fields.sensitiveCategory = 'Select whether this is sensitive from the list';
  }

  let version: number | undefined;
  if (values.version) {
    if (!/^\d{1,9}$/.test(values.version)) fields.form = 'The page was out of date: open the entry again';
    else version = Number(values.version);
  }

  const candidate = {
    kind,
    codeSystem: values.code && ENTRY_CODE_SYSTEM[kind] ? ENTRY_CODE_SYSTEM[kind] : null,
    code: values.code || null,
    display,
    status: values.status,
    startedOn: dates.startedOn,
    endedOn: dates.endedOn,
    details,
    sensitiveCategory: (values.sensitiveCategory || null) as SensitiveCategory | null,
  };
  let input: EntryInput | undefined;
  try {
    input = readEntryInput(candidate, today);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // The form's own words come first; the shared rules add what the form does not check.
    for (const [k, v] of Object.entries(error.fields)) fields[fieldId(k)] ??= v;
  }
  if (Object.keys(fields).length) return { values, fields, version };
  return { values, input, fields, version };
}

/** The order a form's errors are listed in: the order of its fields. */
export function fieldOrder(kind: EntryKind): string[] {
  return ['form', 'display', 'code', 'status', 'startedOn', 'endedOn', ...DETAIL_FIELDS[kind].map((f) => `details-${f.key}`), 'sensitiveCategory'];
}

/** The NHS error summary's list, each message linking to its box (a date to its day box, radios to their first option). */
export function formErrorList(fields: FieldErrors, order: string[]): { text: string; href: string }[] {
  const keys = [...order.filter((k) => fields[k]), ...Object.keys(fields).filter((k) => !order.includes(k))];
  return keys.map((k) => ({ text: fields[k], href: `#${/^(startedOn|endedOn|from|to|startedAt|endedAt)$/.test(k) ? `${k}-day` : k === 'form' ? 'maincontent' : k}` }));
}
