import { z } from 'zod';
import type { FieldErrors } from '../platform/http/errors.js';
import { optionalText, parseWithRules, text } from '../platform/http/validate.js';
import { AGENCIES } from './schema.js';

/**
 * What a care plan, a goal and an action must contain, checked the same way
 * whether they come from a page or another service. Dates are ISO; the forms
 * turn the NHS date boxes into ISO first.
 */

const LONG = { max: 2000, multiline: true };

const isoDate = (missing: string) => z.iso.date({ error: missing });

export const planShape = z.object({
  title: text('a title for the plan', { max: 120 }),
  whatMatters: text('what matters to the child and family, in their words', LONG),
  strengths: text('the child’s and family’s strengths', LONG),
  needs: text('the child’s needs', LONG),
  atSchool: optionalText('what school or nursery should know', LONG).transform((v) => v ?? ''),
  contingencyWhatToDo: text('what to do if things go wrong', LONG),
  contingencyWhoToCall: text('who to call', { max: 500, multiline: true }),
  keyWorkerId: z.guid({ error: 'Select the key worker' }),
  reviewOn: isoDate('Enter the review date'),
});
export type PlanInput = z.infer<typeof planShape>;

export const goalShape = z.object({
  agency: z.enum(AGENCIES, { error: 'Select which agency leads on this goal' }),
  goal: text('the goal', { max: 500, multiline: true }),
  measure: text('how progress will be measured', { max: 500, multiline: true }),
  targetOn: isoDate('Enter the target date').nullish(),
  progress: optionalText('progress so far', { max: 1000, multiline: true }).transform((v) => v ?? ''),
});
export type GoalInput = z.infer<typeof goalShape>;

export const actionShape = z.object({
  description: text('what will be done', { max: 500, multiline: true }),
  ownerId: z.guid({ error: 'Select who will do it: a person or a team' }),
  ownerKind: z.enum(['professional', 'organisation'], { error: 'Select who will do it: a person or a team' }),
  dueOn: isoDate('Enter the date it is due by'),
  // The person's id, when whoever chose someone outside the child's care team confirmed it.
  confirmOwner: z.string().max(100).optional(),
});
export type ActionInput = z.infer<typeof actionShape>;

const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** A review comes after today and within a year: a plan nobody will look at again is not a plan. */
export const readPlanInput = (raw: unknown, today: string): PlanInput =>
  parseWithRules(planShape, raw, (p) =>
    p.reviewOn <= today ? { reviewOn: 'Review date must be in the future' } as FieldErrors
    : p.reviewOn > addDays(today, 366) ? { reviewOn: 'Review date must be within a year' } : ({} as FieldErrors));

export const readGoalInput = (raw: unknown, today: string): GoalInput =>
  parseWithRules(goalShape, raw, (g) => (g.targetOn && g.targetOn < today ? { targetOn: 'Target date must be today or in the future' } : ({} as FieldErrors)));

export const readActionInput = (raw: unknown, today: string): ActionInput =>
  parseWithRules(actionShape, raw, (a) => (a.dueOn < today ? { dueOn: 'Due date must be today or in the future' } : ({} as FieldErrors)));
