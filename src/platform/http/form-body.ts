import type { FastifyRequest } from 'fastify';

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

/** The day, month and year boxes of a date field, as typed. */
export const dateBoxes = (f: Form, name: string) => ({ day: field(f, `${name}-day`, 4), month: field(f, `${name}-month`, 4), year: field(f, `${name}-year`, 6) });

/** A page number from the query: 1 unless a sensible positive whole number. */
export const pageNumber = (req: FastifyRequest): number => {
  const p = field(queryOf(req), 'page', 6);
  return /^\d{1,5}$/.test(p) && Number(p) > 0 ? Number(p) : 1;
};
