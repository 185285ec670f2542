import { readJson } from '../../platform/data-files.js';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rows, type Tx } from '../../platform/db/client.js';
import { isMeasure, measure } from '../measures.js';
import { capitalise } from '../../platform/http/validate.js';

export const UNITS = ['per-1000-year', 'per-100000-year', 'per-1000', 'percent', 'average'] as const;
export type Unit = (typeof UNITS)[number];
export const IMPROVEMENTS = ['increase', 'decrease', 'neutral'] as const;
export type Improvement = (typeof IMPROVEMENTS)[number];

/** How each unit reads after a value: "412 per 1,000 a year". */
export const UNIT_WORDS: Record<Unit, string> = {
  'per-1000-year': 'per 1,000 a year',
  'per-100000-year': 'per 100,000 a year',
  'per-1000': 'per 1,000',
  percent: '%',
  average: 'days each on average',
};

/**
 * An indicator is data: numerator ÷ denominator (two measures), scaled by
 * its unit. Built-in ones ship in data/indicators.json; an ICS adds its own
 * from the indicators page (indicator_definition).
 */
export const indicatorShape = z.object({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Enter an id of lower-case letters, numbers and single hyphens, like asthma-reviews').max(60, 'The id must be 60 characters or fewer'),
  name: z.string().trim().min(1, 'Enter a name').max(120, 'The name must be 120 characters or fewer'),
  description: z.string().trim().max(1000, 'The description must be 1,000 characters or fewer').default(''),
  numerator: z.string().refine(isMeasure, 'Choose a numerator from the list'),
  denominator: z.string().refine(isMeasure, 'Choose a denominator from the list'),
  unit: z.enum(UNITS, { error: 'Choose a unit' }),
  improvement: z.enum(IMPROVEMENTS, { error: 'Choose which direction is better' }),
  target: z.number().finite().nullable().default(null),
  targetSource: z.string().trim().max(300, 'The target source must be 300 characters or fewer').nullable().default(null),
});
export type Indicator = z.infer<typeof indicatorShape> & { builtIn: boolean };

/** What one of a measure counts, for telling which divisions mean something. */
function counted(key: string): 'children' | 'events' | 'bed days' | 'referrals' | 'virtual ward stays' {
  const m = measure(key);
  if (m.kind === 'cohort' || m.kind === 'rolling') return 'children';
  if (m.kind === 'referrals') return 'referrals';
  if (m.kind === 'ward') return m.amount ? 'bed days' : 'virtual ward stays';
  return m.amount ? 'bed days' : 'events';
}

type Definition = Pick<Indicator, 'numerator' | 'denominator' | 'unit'>;

/**
 * Why a division cannot mean anything, by the field to change: a measure
 * divided by itself; a rate "per 1,000" whose denominator is not a
 * population of children; a yearly rate of children (a count at a point in
 * time, not a month's events); a count of events or referrals "per 1,000"
 * at a point in time; a percentage of something counted differently.
 */
export function definitionProblems(i: Definition): { denominator?: string; unit?: string } {
  if (i.numerator === i.denominator) return { denominator: 'Choose a denominator different from the numerator' };
  const top = counted(i.numerator);
  const bottom = counted(i.denominator);
  if (i.unit === 'average') {
    // An average is an amount (days) for each thing counted (stays): length of stay.
    return top === 'bed days' && bottom !== 'bed days' && bottom !== 'children' ? {} : { unit: 'An average divides days by what they were counted over, like days on the virtual ward by stays ended' };
  }
  if (i.unit === 'percent') {
    return top === bottom ? {} : { denominator: `A percentage is a share of what the denominator counts: choose a denominator that counts ${top}, as the numerator does` };
  }
  if (measure(i.denominator).kind !== 'cohort') return { denominator: 'A rate per 1,000 or per 100,000 is per child: choose a population of children as the denominator, like children aged 0 to 17' };
  if (i.unit === 'per-1000') {
    return top === 'children' ? {} : { unit: `Per 1,000 counts children at a point in time: for ${top}, choose a rate per 1,000 a year` };
  }
  return top === 'children' ? { unit: 'A yearly rate counts what happened each month: for children, choose per 1,000 or a percentage' } : {};
}

let shipped: Indicator[] | null = null;

/** The built-in indicators, checked once against the measures. */
export function builtInIndicators(): Indicator[] {
  if (!shipped) {
    const file = readJson('indicators.json') as { indicators: unknown[] };
    shipped = file.indicators.map((raw) => {
      const indicator = indicatorShape.parse(raw);
      const problems = Object.values(definitionProblems(indicator));
      if (problems.length) throw new Error(`indicator ${indicator.id}: ${problems.join('; ')}`);
      return { ...indicator, builtIn: true };
    });
  }
  return shipped;
}

type Row = { id: string; name: string; description: string; numerator: string; denominator: string; unit: Unit; improvement: Improvement; target: string | null; target_source: string | null };

/** The ICS's indicators: the built-in ones, then its own in name order. */
export async function listIndicators(tx: Tx, icsId: string): Promise<Indicator[]> {
  const own = await rows<Row>(
    tx,
    sql`SELECT id, name, description, numerator, denominator, unit, improvement, target::text, target_source
          FROM indicator_definition WHERE ics_id = ${icsId} ORDER BY name`,
  );
  return [
    ...builtInIndicators(),
    ...own.map((r) => ({
      id: r.id, name: r.name, description: r.description, numerator: r.numerator, denominator: r.denominator, unit: r.unit,
      improvement: r.improvement, target: r.target === null ? null : Number(r.target), targetSource: r.target_source, builtIn: false,
    })),
  ];
}

export async function findIndicator(tx: Tx, icsId: string, id: string): Promise<Indicator | null> {
  return (await listIndicators(tx, icsId)).find((i) => i.id === id) ?? null;
}

/** Numerator ÷ denominator in the indicator's unit; null when there is no denominator. */
export function rate(indicator: Pick<Indicator, 'unit'>, numerator: number, denominator: number): number | null {
  if (!(denominator > 0)) return null;
  const r = numerator / denominator;
  switch (indicator.unit) {
    case 'per-1000-year': return r * 1000 * 12;
    case 'per-100000-year': return r * 100_000 * 12;
    case 'per-1000': return r * 1000;
    case 'percent': return r * 100;
    case 'average': return r;
  }
}

/** What an indicator's value measures, with its unit, for a chart's axis: "ED attendances per 1,000 children aged 0 to 17 a year". */
export function measuredWords(i: Definition): string {
  const top = capitalise(measure(i.numerator).label);
  const bottom = measure(i.denominator).label;
  switch (i.unit) {
    case 'per-1000-year': return `${top} per 1,000 ${bottom} a year`;
    case 'per-100000-year': return `${top} per 100,000 ${bottom} a year`;
    case 'per-1000': return `${top} per 1,000 ${bottom}`;
    case 'percent': return `${top}, % of ${bottom}`;
    case 'average': return `${top} for each of the ${bottom}`;
  }
}

/** The denominator, for a funnel plot's axis: "Children aged 0 to 17 (denominator)". */
export const denominatorWords = (i: Pick<Indicator, 'denominator'>) => `${capitalise(measure(i.denominator).label)} (denominator)`;

/** The words for what is divided by what, for a page or a CSV header. */
export const definitionWords = (i: Pick<Indicator, 'numerator' | 'denominator' | 'unit'>) =>
  `${measure(i.numerator).label} ÷ ${measure(i.denominator).label}, ${UNIT_WORDS[i.unit]}`;
