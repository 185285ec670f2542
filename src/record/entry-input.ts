import { z } from 'zod';
import { ENTRY_KINDS, SENSITIVE_CATEGORIES, CONTACT_TYPES, NOT_ATTENDED, type EntryKind, type SensitiveCategory, type ContactType } from './schema.js';
import { ENTRY_DETAILS, ENTRY_STATUSES } from './entries.js';
import { ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { fieldErrors } from '../platform/http/validate.js';

export type EntryInput = {
  kind: EntryKind;
  codeSystem?: string | null;
  code?: string | null;
  display: string;
  status: string;
  startedOn?: string | null;
  endedOn?: string | null;
  details: Record<string, unknown>;
  sensitiveCategory?: SensitiveCategory | null;
  sourceSystem?: string | null;
  sourceId?: string | null;
  /** FHIR elements a feed sent that the columns do not hold, kept as sent; undefined (a page's edit) leaves what is kept as it was. */
  asSent?: Record<string, unknown> | null;
};

export type ContactInput = {
  type: ContactType;
  startedAt: string;
  endedAt?: string | null;
  organisationId?: string | null;
  reasonCode?: string | null;
  reasonDisplay?: string | null;
  emergency?: boolean | null;
  sensitiveCategory?: SensitiveCategory | null;
  sourceSystem?: string | null;
  sourceId?: string | null;
  asSent?: Record<string, unknown> | null;
  /** A fed encounter's FHIR status (schema.ts NOT_ATTENDED and those that took place); null when it took place. */
  status?: string | null;
};

/** No control character (below 32, or DEL); read in place, not split into characters: every fed entry's text fields pass here. */
const noHidden = (v: string) => {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 32 || c === 127) return false;
  }
  return true;
};
const line = (label: string, max: number) =>
  z.string({ error: `Enter ${label}` }).trim().min(1, `Enter ${label}`).max(max, `${label[0].toUpperCase()}${label.slice(1)} must be ${max} characters or fewer`)
    .refine(noHidden, `${label[0].toUpperCase()}${label.slice(1)} must not include hidden characters`);
const isoDate = (label: string) =>
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/, `${label} must be a date like 2024-03-27`)
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), `${label} must be a real date`);

const entryShape = z.object({
  kind: z.enum(ENTRY_KINDS, { error: 'Select what kind of entry this is' }),
  codeSystem: line('the code system', 200).nullish(),
  code: z.string().trim().max(50, 'Code must be 50 characters or fewer').regex(/^[A-Za-z0-9.-]*$/, 'Code can only include letters, numbers, dots and hyphens').nullish(),
  display: line('a description', 200),
  status: z.string().max(40),
  startedOn: isoDate('Start date').nullish(),
  endedOn: isoDate('End date').nullish(),
  details: z.record(z.string(), z.unknown()).default({}),
  sensitiveCategory: z.enum(SENSITIVE_CATEGORIES, { error: 'Select a sensitive category from the list' }).nullish(),
  sourceSystem: line('the source system', 200).nullish(),
  sourceId: line('the source identifier', 200).nullish(),
  asSent: z.record(z.string(), z.unknown()).nullish(),
});

/** Checks an entry from a page or a feed: shape, the kind's statuses and details, and dates that make sense. */
export function readEntryInput(input: unknown, today = new Date()): EntryInput {
  const parsed = entryShape.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const e = parsed.data;
  const fields: FieldErrors = {};
  if (!ENTRY_STATUSES[e.kind].includes(e.status)) fields.status = `Status must be one of: ${ENTRY_STATUSES[e.kind].join(', ')}`;
  const details = ENTRY_DETAILS[e.kind].safeParse(e.details);
  if (!details.success) for (const [k, v] of Object.entries(fieldErrors(details.error))) fields[`details.${k}`] = v;
  const todayIso = today.toISOString().slice(0, 10);
  if (e.startedOn && e.startedOn > todayIso) fields.startedOn = 'Start date must be today or in the past';
  if (e.endedOn && e.startedOn && e.endedOn < e.startedOn) fields.endedOn = 'End date must be the same as or after the start date';
  if (Boolean(e.sourceSystem) !== Boolean(e.sourceId)) fields.sourceId = 'A source identifier needs both its system and its value';
  if (Object.keys(fields).length) throw new ValidationError(fields);
  return { ...e, details: details.data as Record<string, unknown> };
}

const contactShape = z.object({
  type: z.enum(CONTACT_TYPES, { error: 'Select the type of contact' }),
  startedAt: z.iso.datetime({ offset: true, error: 'Start must be a date and time like 2024-03-27T14:05:00Z' }),
  endedAt: z.iso.datetime({ offset: true, error: 'End must be a date and time like 2024-03-27T18:00:00Z' }).nullish(),
  organisationId: z.guid({ error: 'Select an organisation from the list' }).nullish(),
  reasonCode: z.string().trim().max(50).regex(/^[A-Za-z0-9.-]*$/, 'Reason code can only include letters, numbers, dots and hyphens').nullish(),
  reasonDisplay: line('a reason', 200).nullish(),
  emergency: z.boolean().nullish(),
  sensitiveCategory: z.enum(SENSITIVE_CATEGORIES).nullish(),
  sourceSystem: line('the source system', 200).nullish(),
  sourceId: line('the source identifier', 200).nullish(),
  asSent: z.record(z.string(), z.unknown()).nullish(),
  status: z.enum(['arrived', 'triaged', 'in-progress', 'onleave', 'finished', ...NOT_ATTENDED]).nullish(),
});

export function readContactInput(input: unknown, now = new Date()): ContactInput {
  const parsed = contactShape.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const c = parsed.data;
  const fields: FieldErrors = {};
  // Only a planned encounter may start in the future.
  if (c.status !== 'planned' && Date.parse(c.startedAt) > now.getTime() + 5 * 60_000) fields.startedAt = 'Start must not be in the future';
  if (c.endedAt && Date.parse(c.endedAt) < Date.parse(c.startedAt)) fields.endedAt = 'End must be after the start';
  if (Boolean(c.sourceSystem) !== Boolean(c.sourceId)) fields.sourceId = 'A source identifier needs both its system and its value';
  if (Object.keys(fields).length) throw new ValidationError(fields);
  return c;
}
