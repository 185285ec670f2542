import { readJson } from '../../platform/data-files.js';
import { z } from 'zod';
import { ValidationError, type FieldErrors } from '../../platform/http/errors.js';
import { fieldErrors, text } from '../../platform/http/validate.js';
import { COHORT_PROBLEM_CODES, EVENT_MEASURES, measure } from '../measures.js';

/**
 * Case-finding rules as data, and their words. A rule lists a child who
 * meets any one of its criteria (at least N events of an event measure) in
 * its window; a cohort narrows it to children with that condition on their
 * problem list, and "no hub contact" to those not yet referred or asked
 * about. Built-in rules ship in data/case-finding-rules.json; an ICS adds
 * its own (case_finding_rule). Nothing here touches the database.
 */

export const MAX_CRITERIA = 3;
export const MAX_WINDOW_MONTHS = 24;
export const COHORTS = Object.keys(COHORT_PROBLEM_CODES) as Cohort[];
export type Cohort = keyof typeof COHORT_PROBLEM_CODES;

const isEventMeasure = (key: string) => EVENT_MEASURES.some((m) => m.key === key);

export const ruleShape = z.object({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/).max(60),
  name: z.string().trim().min(1).max(80),
  criteria: z.array(z.object({ measure: z.string().refine(isEventMeasure), atLeast: z.number().int().min(1).max(100) })).min(1).max(MAX_CRITERIA),
  windowMonths: z.number().int().min(1).max(MAX_WINDOW_MONTHS),
  cohort: z.enum(COHORTS as [Cohort, ...Cohort[]]).nullable().default(null),
  noHubContact: z.boolean().default(false),
});
export type CaseFindingRule = z.infer<typeof ruleShape> & { builtIn: boolean };

let shipped: CaseFindingRule[] | null = null;

/** The built-in rules, checked once against the measures. */
export function builtInRules(): CaseFindingRule[] {
  if (!shipped) {
    const file = readJson('case-finding-rules.json') as { rules: unknown[] };
    shipped = file.rules.map((raw) => ({ ...ruleShape.parse(raw), builtIn: true }));
  }
  return shipped;
}

/** An ICS's own rule as stored, or null if it no longer fits (a measure since retired, say): such a rule lists no one. */
export function storedRule(raw: unknown): CaseFindingRule | null {
  const parsed = ruleShape.safeParse(raw);
  return parsed.success ? { ...parsed.data, builtIn: false } : null;
}

// ---- words ---------------------------------------------------------------------

const months = (n: number) => (n === 1 ? 'month' : `${n} months`);

/** "ED attendances" → "ED attendance": the first plural word of a measure's label, for a count of one. */
export function singular(label: string): string {
  const words = label.split(' ');
  const i = words.findIndex((w) => w.length > 3 && w.endsWith('s'));
  if (i >= 0) words[i] = words[i].slice(0, -1);
  return words.join(' ');
}

/** What the rule finds, as a sentence: "Children with 3 or more ED attendances in the last 12 months." */
export function ruleWords(rule: Pick<CaseFindingRule, 'criteria' | 'windowMonths' | 'cohort' | 'noHubContact'>): string {
  const tests = rule.criteria.map((c) => `${c.atLeast} or more ${c.atLeast === 1 ? singular(measure(c.measure).label) : measure(c.measure).label}`).join(' or ');
  const who = rule.cohort ? `Children with ${rule.cohort} who had ${tests}` : `Children with ${tests}`;
  return `${who} in the last ${months(rule.windowMonths)}${rule.noHubContact ? ', and no referral or advice request to a hub in that time' : ''}.`;
}

/** One criterion met: "4 ED attendances in the last 12 months (3 or more)". */
export function reasonWords(criterion: { measure: string; atLeast: number }, count: number, windowMonths: number): string {
  const label = measure(criterion.measure).label;
  return `${count} ${count === 1 ? singular(label) : label} in the last ${months(windowMonths)} (${criterion.atLeast} or more)`;
}

/** The key under which a child's count of one measure over one window travels. */
export const countKey = (measureKey: string, windowMonths: number) => `${measureKey}@${windowMonths}`;

/**
 * Why a rule lists a child, from their counts: each criterion met, in words,
 * then what else the rule required. Empty when no criterion is met.
 */
export function reasonsFor(rule: CaseFindingRule, counts: ReadonlyMap<string, number>): string[] {
  const met = rule.criteria
    .map((c) => ({ c, n: counts.get(countKey(c.measure, rule.windowMonths)) ?? 0 }))
    .filter(({ c, n }) => n >= c.atLeast)
    .map(({ c, n }) => reasonWords(c, n, rule.windowMonths));
  if (met.length === 0) return [];
  if (rule.cohort) met.push(`${rule.cohort} on the problem list`);
  if (rule.noHubContact) met.push('no referral or advice request to a hub in that time');
  return met;
}

// ---- the form to add a rule ------------------------------------------------------

export type RuleInput = Omit<z.infer<typeof ruleShape>, 'id'>;

/** The rule form's fields in page order, for the error summary. */
export const RULE_FIELDS = ['name', ...Array.from({ length: MAX_CRITERIA }, (_, i) => [`criteria-${i}-measure`, `criteria-${i}-atLeast`]).flat(), 'windowMonths', 'cohort'];

const nameShape = z.object({ name: text('a name for the rule', { max: 80 }) });
const str = (raw: Record<string, unknown>, key: string) => (typeof raw[key] === 'string' ? (raw[key] as string).trim() : '');

/** A whole number from a form box, within limits; or the error to show. */
function wholeNumber(value: string, min: number, max: number, what: string): number | string {
  if (value === '') return `Enter ${what}`;
  if (!/^\d{1,6}$/.test(value)) return `Enter ${what} as a whole number, like ${min + 2}`;
  const n = Number(value);
  return n < min || n > max ? `Enter ${what} from ${min} to ${max}` : n;
}

/**
 * The add-a-rule form as a rule, or a ValidationError naming every problem.
 * Criteria rows left wholly empty are skipped; the first is required.
 */
export function parseRuleForm(body: unknown): RuleInput {
  const raw = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const fields: FieldErrors = {};
  const named = nameShape.safeParse(raw);
  if (!named.success) Object.assign(fields, fieldErrors(named.error));

  const criteria: { measure: string; atLeast: number }[] = [];
  for (let i = 0; i < MAX_CRITERIA; i++) {
    const m = str(raw, `criteria-${i}-measure`);
    const n = str(raw, `criteria-${i}-atLeast`);
    if (i > 0 && m === '' && n === '') continue;
    if (!isEventMeasure(m)) fields[`criteria-${i}-measure`] = i === 0 && m === '' ? 'Choose what to count' : 'Choose what to count from the list';
    const atLeast = wholeNumber(n, 1, 100, 'how many it takes');
    if (typeof atLeast === 'string') fields[`criteria-${i}-atLeast`] = atLeast;
    else if (isEventMeasure(m)) criteria.push({ measure: m, atLeast });
  }

  const windowMonths = wholeNumber(str(raw, 'windowMonths'), 1, MAX_WINDOW_MONTHS, 'the number of months to look back');
  if (typeof windowMonths === 'string') fields.windowMonths = windowMonths;
  const cohort = str(raw, 'cohort');
  if (cohort !== '' && !(COHORTS as string[]).includes(cohort)) fields.cohort = 'Choose a condition from the list, or any child';

  if (Object.keys(fields).length) throw new ValidationError(fields);
  return {
    name: named.data!.name as string, criteria, windowMonths: windowMonths as number,
    cohort: cohort === '' ? null : (cohort as Cohort), noHubContact: raw.noHubContact === 'yes',
  };
}

/** A rule's id from its name: "Asthma at risk (under 5s)" → "asthma-at-risk-under-5s". */
export function ruleId(name: string): string {
  const slug = name.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
  return slug || 'rule';
}
