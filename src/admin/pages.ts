import type { FastifyReply } from 'fastify';
import { ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { errorSummary } from '../platform/http/validate.js';

/** Runs a change; a ValidationError comes back as its field messages so the form can be shown again. */
export async function attempt(change: () => Promise<unknown>): Promise<FieldErrors | null> {
  try {
    await change();
    return null;
  } catch (e) {
    if (e instanceof ValidationError) return e.fields;
    throw e;
  }
}

/** A form shown again after an error: status 400, the error summary in the order the fields appear. */
export function formWithErrors(reply: FastifyReply, template: string, context: Record<string, unknown>, fields: FieldErrors, order: string[]) {
  const listed = [...order, ...Object.keys(fields).filter((k) => !order.includes(k))];
  return reply.code(400).page(template, { ...context, fields, errors: errorSummary(fields, listed) });
}

/** Options for the nhsuk select macro, with an empty first choice. */
export function selectItems(options: { value: string; text: string }[], placeholder: string) {
  return [{ value: '', text: placeholder }, ...options];
}
