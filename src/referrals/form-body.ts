import type { FastifyRequest } from 'fastify';
import { readDateParts, type DateParts } from '../record/form-dates.js';

/**
 * Reading a posted form (or a query) without trusting its shape: a body may
 * be JSON, a list or nothing at all. Values are cut to a length before they
 * are echoed back into a form.
 */
export type Form = Record<string, unknown>;

export const formOf = (value: unknown): Form => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Form) : {});
export const bodyOf = (req: FastifyRequest): Form => formOf(req.body);
export const queryOf = (req: FastifyRequest): Form => formOf(req.query);

export const field = (f: Form, key: string, max = 5000): string => (typeof f[key] === 'string' ? (f[key] as string).slice(0, max) : '');

/** Every string a field carries: ticked checkboxes arrive as one value or several. */
export const fieldList = (f: Form, key: string, max = 50): string[] => [f[key]].flat().filter((v): v is string => typeof v === 'string').slice(0, max);

/** A page number from the query: 1 unless a sensible positive whole number. */
export const pageNumber = (req: FastifyRequest): number => {
  const p = field(queryOf(req), 'page', 6);
  return /^\d{1,5}$/.test(p) && Number(p) > 0 ? Number(p) : 1;
};

/** A date from its day, month and year boxes: the boxes (to show again), and the ISO date or '' with the reason it is not one. */
export function dateField(f: Form, name: string, label: string): { boxes: DateParts; iso: string; error?: string } {
  const boxes = { day: field(f, `${name}-day`, 4), month: field(f, `${name}-month`, 4), year: field(f, `${name}-year`, 6) };
  const read = readDateParts(boxes, label);
  return { boxes, iso: read.error ? '' : (read.iso ?? ''), error: read.error };
}
