import { z } from 'zod';
import { NotFoundError, ValidationError, type FieldErrors } from './errors.js';

/** Parses input with a zod schema; a failure becomes a ValidationError with one message per field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new ValidationError(fieldErrors(result.error));
}

/**
 * Parses input with a zod schema, then checks the rules that only make sense
 * once the shape is right (dates against today, say); either failure is a
 * ValidationError with one message per field.
 */
export function parseWithRules<S extends z.ZodType>(schema: S, input: unknown, rules: (value: z.infer<S>) => FieldErrors): z.infer<S> {
  const parsed = schema.safeParse(input ?? {});
  const fields = parsed.success ? rules(parsed.data) : fieldErrors(parsed.error);
  if (Object.keys(fields).length) throw new ValidationError(fields);
  return parsed.data as z.infer<S>;
}

export function fieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : 'form';
    fields[key] ??= issue.message;
  }
  return fields;
}

/** The NHS error summary's list: each message links to its field. */
export function errorSummary(fields: FieldErrors, order: string[] = Object.keys(fields)) {
  return order.filter((k) => fields[k]).map((k) => ({ text: fields[k], href: `#${k}` }));
}

/**
 * Control characters are refused in all text: PostgreSQL refuses a NUL byte
 * (which would otherwise surface as a 500), and the rest are never meant.
 * Multi-line text (a reason, a note) may hold line breaks and tabs.
 */
const hidden = (multiline: boolean) => (v: string) =>
  ![...v].some((c) => {
    const code = c.charCodeAt(0);
    if (multiline && (c === '\n' || c === '\r' || c === '\t')) return false;
    return code < 32 || code === 127;
  });

type TextOptions = { max?: number; multiline?: boolean };

/** Text from a form field: trimmed, required, with a length limit and no hidden characters. */
export const text = (label: string, { max = 200, multiline = false }: TextOptions = {}) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z.string({ error: `Enter ${label}` })
      .min(1, `Enter ${label}`)
      .max(max, `${capitalise(label)} must be ${max} characters or fewer`)
      .refine(hidden(multiline), `${capitalise(label)} must not include ${multiline ? '' : 'tabs, line breaks or '}hidden characters`),
  );

/** Like text(), but empty becomes undefined. */
export const optionalText = (label: string, { max = 200, multiline = false }: TextOptions = {}) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() || undefined : v),
    z.string()
      .max(max, `${capitalise(label)} must be ${max} characters or fewer`)
      .refine(hidden(multiline), `${capitalise(label)} must not include ${multiline ? '' : 'tabs, line breaks or '}hidden characters`)
      .optional(),
  );

/**
 * An id from the URL (:id, or another key). A malformed id is just a page that
 * does not exist: 404, like an unknown one. z.guid, not z.uuid: ids from
 * imports need not carry RFC version bits.
 */
export function idParam(params: unknown, key = 'id'): string {
  const parsed = z.guid().safeParse((params as Record<string, unknown> | undefined)?.[key]);
  if (!parsed.success) throw new NotFoundError();
  return parsed.data.toLowerCase();
}

/** A sentence's first letter in capitals: labels written lower-case for use mid-sentence, shown on their own. */
export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
