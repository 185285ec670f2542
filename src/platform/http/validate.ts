import { z } from 'zod';
import { NotFoundError, ValidationError, type FieldErrors } from './errors.js';

/** Parses input with a zod schema; a failure becomes a ValidationError with one message per field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new ValidationError(fieldErrors(result.error));
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

/** Text from a form field: trimmed, empty becomes undefined, with a length limit. */
export const text = (label: string, max = 200) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z.string({ error: `Enter ${label}` }).min(1, `Enter ${label}`).max(max, `${capitalise(label)} must be ${max} characters or fewer`),
  );

export const optionalText = (label: string, max = 200) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() || undefined : v),
    z.string().max(max, `${capitalise(label)} must be ${max} characters or fewer`).optional(),
  );

export const uuidParam = z.object({ id: z.uuid({ error: 'Not found' }) });

/** The :id in a URL. A malformed id is just a page that does not exist: 404, like an unknown one. */
export function idParam(params: unknown): string {
  const parsed = uuidParam.safeParse(params);
  if (!parsed.success) throw new NotFoundError();
  return parsed.data.id;
}

function capitalise(s: string) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
