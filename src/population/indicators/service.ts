import { z } from 'zod';
import type { Tx } from '../../platform/db/client.js';
import type { Actor } from '../../platform/access/actor.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { ValidationError, type FieldErrors } from '../../platform/http/errors.js';
import { fieldErrors, optionalText, text } from '../../platform/http/validate.js';
import { populationPolicy, required } from '../policy.js';
import { builtInIndicators, definitionProblems, indicatorShape, listIndicators, IMPROVEMENTS, UNITS, type Indicator } from './definitions.js';
import { isMeasure } from '../measures.js';
import * as store from './store.js';

/**
 * The ICS's own indicators: the list everyone who sees the population pages
 * reads, and adding one from a page (analysts and administrators). An id is
 * never reused: not a built-in's, not another of the ICS's own.
 */

/** Ids the pages use for themselves under /population/indicators/. */
const RESERVED_IDS = ['new'];

/** Thrown when the id is taken: a field error, answered 409 because it is a clash with what exists. */
export class IndicatorIdTaken extends ValidationError {}

export type IndicatorListed = Indicator & { addedBy: string | null; addedAt: string | null };

/** Every indicator (built-in, then the ICS's own by name), with who added the ICS's own. */
export async function indicatorList(tx: Tx, actor: Actor): Promise<{ indicators: IndicatorListed[]; canAdd: boolean }> {
  required(populationPolicy.viewDashboards(actor));
  const who = new Map((await store.whoAdded(tx, actor.icsId)).map((r) => [r.id, r]));
  const indicators = (await listIndicators(tx, actor.icsId)).map((i) => ({ ...i, addedBy: who.get(i.id)?.changed_by_name ?? null, addedAt: who.get(i.id)?.changed_at ?? null }));
  return { indicators, canAdd: populationPolicy.keepMeasures(actor).allowed };
}

// A target as typed: "250", "12.5", "1,000"; anything else is said plainly.
const targetText = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().replace(/,/g, '') || undefined : v),
  z.string().regex(/^\d{1,9}(\.\d{1,3})?$/, 'Enter the target as a number, like 250 or 12.5').optional(),
);

const indicatorForm = z.object({
  id: z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string({ error: 'Enter an id' }).min(1, 'Enter an id').pipe(indicatorShape.shape.id)),
  name: text('a name', { max: 120 }),
  description: optionalText('the description', { max: 1000, multiline: true }),
  numerator: z.string({ error: 'Choose a numerator' }).refine(isMeasure, 'Choose a numerator from the list'),
  denominator: z.string({ error: 'Choose a denominator' }).refine(isMeasure, 'Choose a denominator from the list'),
  unit: z.enum(UNITS, { error: 'Choose a unit' }),
  improvement: z.enum(IMPROVEMENTS, { error: 'Choose which direction is better' }),
  target: targetText,
  targetSource: optionalText('where the target comes from', { max: 300 }),
});

/** The fields of the add form in page order, for the error summary. */
export const INDICATOR_FIELDS = ['id', 'name', 'description', 'numerator', 'denominator', 'unit', 'improvement', 'target', 'targetSource'];

export type IndicatorInput = Omit<Indicator, 'builtIn'>;

/** The form as an indicator, or a ValidationError naming every problem at once. */
export function parseIndicatorForm(body: unknown): IndicatorInput {
  const parsed = indicatorForm.safeParse(body ?? {});
  const fields: FieldErrors = parsed.success ? {} : fieldErrors(parsed.error);
  if (parsed.success) {
    const f = parsed.data;
    const target = f.target === undefined ? null : Number(f.target);
    Object.assign(fields, definitionProblems(f));
    if (target !== null && f.unit === 'percent' && target > 100) fields.target = 'A percentage target must be from 0 to 100';
    if (target !== null && !f.targetSource) fields.targetSource = 'Enter where the target comes from, like a local plan or a national standard';
    if (target === null && f.targetSource) fields.target = 'Enter the target this source sets, or clear the source';
    if (Object.keys(fields).length === 0) {
      return indicatorShape.parse({ ...f, description: f.description ?? '', target, targetSource: target === null ? null : f.targetSource });
    }
  }
  throw new ValidationError(fields);
}

/**
 * Adds one of the ICS's own indicators, audited. An id already in use (a
 * built-in's, or the ICS's own, even one added a moment ago by someone else)
 * is refused with IndicatorIdTaken and nothing is written.
 */
export async function addIndicator(tx: Tx, actor: Actor, raw: unknown): Promise<IndicatorInput> {
  const why = required(populationPolicy.keepMeasures(actor));
  const input = parseIndicatorForm(raw);
  const taken = () => new IndicatorIdTaken({ id: `The id ${input.id} is already used by another indicator: choose a different id` });
  if (RESERVED_IDS.includes(input.id) || builtInIndicators().some((i) => i.id === input.id)) throw taken();
  if (!(await store.insertIndicator(tx, actor, input))) throw taken();
  await recordAudit(tx, actor, { action: 'population.indicator-add', what: `Indicator added: ${input.name} (${input.id})`, why, details: { indicator: input } });
  return input;
}
