import { field, formOf, type Form } from '../../platform/http/form-body.js';
import { CATEGORY_BREAKDOWNS, UNIT_BREAKDOWNS, type CategoryBreakdown, type UnitBreakdown } from './breakdowns.js';
import { findScope, SCOPE_ERROR, type ScopeChoices, type ScopeOption } from './scopes.js';

/**
 * Reading the dashboards' GET forms. Absent or empty values take the
 * default; a repeated key (an array) reads as '' and so fails as a bad
 * value, never a 500. What is echoed back into the form is cut short.
 */
const one = (q: Form, key: string, max: number, otherwise: string) =>
  q[key] === undefined || q[key] === '' ? otherwise : field(q, key, Infinity).trim().slice(0, max);

export const CHART_BREAKDOWNS = ['none', ...CATEGORY_BREAKDOWNS, ...UNIT_BREAKDOWNS] as const;
export type ChartBreakdown = (typeof CHART_BREAKDOWNS)[number];

export const BREAKDOWN_CHOICES: { value: ChartBreakdown; text: string }[] = [
  { value: 'none', text: 'None: the whole area month by month' },
  { value: 'imd', text: 'Deprivation (IMD quintile, with Core20)' },
  { value: 'ethnicity', text: 'Ethnic group' },
  { value: 'age', text: 'Age band' },
  { value: 'sex', text: 'Sex' },
  { value: 'cluster', text: 'Hub (funnel plot)' },
  { value: 'practice', text: 'Practice (funnel plot)' },
];

export const BREAKDOWN_ERROR = 'Select a breakdown from the list';

export type DashboardQuery = {
  values: { scope: string; breakdown: string };
  fields: Record<string, string>;
  scope?: ScopeOption;
  breakdown?: ChartBreakdown;
};

export function readDashboardQuery(query: unknown, choices: ScopeChoices, defaultScope: string): DashboardQuery {
  const q = formOf(query);
  const values = { scope: one(q, 'scope', 60, defaultScope), breakdown: one(q, 'breakdown', 20, 'none') };
  const fields: Record<string, string> = {};
  const scope = findScope(values.scope, choices);
  if (!scope) fields.scope = SCOPE_ERROR;
  const breakdown = CHART_BREAKDOWNS.find((b) => b === values.breakdown);
  if (!breakdown) fields.breakdown = BREAKDOWN_ERROR;
  return { values, fields, scope, breakdown };
}

export const isCategoryBreakdown = (b: ChartBreakdown): b is CategoryBreakdown => (CATEGORY_BREAKDOWNS as readonly string[]).includes(b);
export const isUnitBreakdown = (b: ChartBreakdown): b is UnitBreakdown => (UNIT_BREAKDOWNS as readonly string[]).includes(b);
