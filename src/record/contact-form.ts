import { CONTACT_TYPES, SENSITIVE_CATEGORIES, type ContactType, type SensitiveCategory } from './schema.js';
import { readContactInput, type ContactInput } from './entry-input.js';
import { ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { londonToUtc, readDateParts, readTime, type DateParts } from '../platform/time/form-dates.js';
import { CONTACT_TYPE_LABELS } from './labels.js';

/**
 * The page form for recording a contact: the date and time are typed as they
 * read on a London clock and become an instant in UTC; the service checks the
 * result again with readContactInput.
 */

export type ContactFormValues = {
  type: string;
  startedAt: DateParts & { time: string };
  endedAt: DateParts & { time: string };
  reasonDisplay: string;
  emergency: boolean;
  sensitiveCategory: string;
};

type Body = Record<string, unknown>;
const str = (body: Body, key: string): string => (typeof body[key] === 'string' ? (body[key] as string) : '');

export const CONTACT_TYPE_OPTIONS = CONTACT_TYPES.map((t) => ({ value: t, text: CONTACT_TYPE_LABELS[t] }));

export const CONTACT_FIELD_ORDER = ['type', 'startedAt', 'startedAt-time', 'endedAt', 'endedAt-time', 'reasonDisplay', 'emergency', 'sensitiveCategory'];

export function emptyContactValues(): ContactFormValues {
  const blank = { day: '', month: '', year: '', time: '' };
  return { type: '', startedAt: { ...blank }, endedAt: { ...blank }, reasonDisplay: '', emergency: false, sensitiveCategory: '' };
}

export function readContactForm(body: Body, organisationId: string, now = new Date()): { values: ContactFormValues; input?: ContactInput; fields: FieldErrors } {
  const fields: FieldErrors = {};
  const moment = (name: string) => ({ day: str(body, `${name}-day`), month: str(body, `${name}-month`), year: str(body, `${name}-year`), time: str(body, `${name}-time`) });
  const emergencyRaw = [body.emergency].flat();
  const values: ContactFormValues = {
    type: str(body, 'type'),
    startedAt: moment('startedAt'),
    endedAt: moment('endedAt'),
    reasonDisplay: str(body, 'reasonDisplay'),
    emergency: emergencyRaw.includes('yes'),
    sensitiveCategory: str(body, 'sensitiveCategory'),
  };
  if (!values.type) fields.type = 'Select the type of contact';
  else if (!(CONTACT_TYPES as readonly string[]).includes(values.type)) fields.type = 'Select the type of contact from the list';

  const instant = (name: 'startedAt' | 'endedAt', label: string, required: boolean): string | null => {
    const v = values[name];
    const date = readDateParts(v, label);
    if (!date.iso && !date.error && !v.time.trim()) {
      if (required) fields[name] = `Enter the ${label.toLowerCase()}`;
      return null;
    }
    if (date.error) fields[name] = date.error;
    else if (!date.iso) fields[name] = `Enter the ${label.toLowerCase()}`;
    const time = readTime(v.time);
    if (!time) fields[`${name}-time`] = `Enter the ${label.toLowerCase().replace('date', 'time')} on the 24-hour clock, like 14:05`;
    return date.iso && time ? londonToUtc(date.iso, time.hour, time.minute) : null;
  };
  const startedAt = instant('startedAt', 'Date it started', true);
  const endedAt = instant('endedAt', 'Date it ended', false);

  const sensitive = values.sensitiveCategory;
  if (sensitive && !(SENSITIVE_CATEGORIES as readonly string[]).includes(sensitive)) fields.sensitiveCategory = 'Select whether this is sensitive from the list';

  const candidate = {
    type: values.type as ContactType,
    startedAt: startedAt ?? '',
    endedAt,
    organisationId,
    reasonDisplay: values.reasonDisplay.trim() || null,
    emergency: values.type === 'admission' ? values.emergency : null,
    sensitiveCategory: (sensitive || null) as SensitiveCategory | null,
  };
  let input: ContactInput | undefined;
  try {
    input = readContactInput(candidate, now);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const [k, v] of Object.entries(error.fields)) fields[k] ??= v;
  }
  if (Object.keys(fields).length) return { values, fields };
  return { values, input, fields };
}
