import { z } from 'zod';
import type { FieldErrors } from '../platform/http/errors.js';
import { field, formOf, type Form } from '../platform/http/form-body.js';
import { defaultPeriod, isMonth, monthName, monthOf, selectableMonths, type Month } from './period.js';

/** Whole ICS, or one hub (cluster) by id. */
export type Scope = { kind: 'ics' } | { kind: 'cluster'; clusterId: string };

export type ActivityFilters = { scope: Scope; from: Month; to: Month };

/** What the filter form shows again: exactly what was asked for, cut short. */
export type FilterValues = { scope: string; from: string; to: string };

export const ICS_SCOPE = 'ics';

/**
 * A query value, trimmed then cut to max: absent or empty takes the default; a repeated key
 * (an array) reads as '' (as field() reads anything not a string) and so fails as a bad value.
 */
const one = (q: Form, key: string, max: number, otherwise: string) =>
  q[key] === undefined || q[key] === '' ? otherwise : field(q, key, Infinity).trim().slice(0, max);

/**
 * Reads the GET form (scope, from, to). Missing values take defaults: the
 * first scope offered and the last 12 complete months. A malformed value is a
 * field error, never a 500. Whether the actor may see the scope is the
 * service's question.
 */
export function readFilters(query: unknown, today: string, defaultScope: string): { values: FilterValues; filters?: ActivityFilters; fields: FieldErrors } {
  const q = formOf(query);
  const period = defaultPeriod(today);
  const values: FilterValues = { scope: one(q, 'scope', 40, defaultScope), from: one(q, 'from', 7, period.from), to: one(q, 'to', 7, period.to) };
  const fields: FieldErrors = {};
  let scope: Scope | undefined;
  if (values.scope === ICS_SCOPE) scope = { kind: 'ics' };
  else if (z.guid().safeParse(values.scope).success) scope = { kind: 'cluster', clusterId: values.scope.toLowerCase() };
  else fields.scope = 'Select the whole ICS or a hub';

  const earliest = selectableMonths(today).at(-1)!;
  const latest = monthOf(today);
  const inRange = (m: string) => isMonth(m) && m >= earliest && m <= latest;
  if (!inRange(values.from)) fields.from = `The first month must be a month from ${monthName(earliest)} to ${monthName(latest)}`;
  if (!inRange(values.to)) fields.to = `The last month must be a month from ${monthName(earliest)} to ${monthName(latest)}`;
  // Both within the selectable five years, the period can be no longer than MAX_MONTHS.
  if (!fields.from && !fields.to && values.to < values.from) fields.to = 'The last month must be the same as or after the first month';
  if (Object.keys(fields).length || !scope) return { values, fields };
  return { values, fields, filters: { scope, from: values.from, to: values.to } };
}
