import { z } from 'zod';
import type { FieldErrors } from '../platform/http/errors.js';
import { optionalText, parseWithRules, text } from '../platform/http/validate.js';
import { CASE_SOURCES } from './schema.js';

/**
 * What scheduling meetings, nominating a case and recording a case's outcome
 * must contain, checked the same way from a page or another service.
 */

/** Themes the hub's education sessions are built around; a case may carry several. */
export const THEMES = [
  'Asthma and wheeze', 'Constipation', 'Eczema and allergy', 'Feeding, growth and weight', 'Emotional wellbeing and mental health',
  'Neurodevelopment and autism', 'Sleep', 'Safeguarding', 'School attendance', 'Housing and money worries', 'Epilepsy', 'Diabetes',
] as const;

export const MAX_ACTIONS_PER_SAVE = 3;

export const scheduleShape = z.object({
  clusterId: z.guid({ error: 'Select the hub' }),
  title: text('a title for the meetings', { max: 120 }),
  firstDate: z.iso.date({ error: 'Enter the date of the first meeting' }),
  time: z.string({ error: 'Enter the start time' }).regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'Enter the start time on the 24-hour clock, like 13:30'),
  durationMinutes: z.coerce.number({ error: 'Enter how long each meeting lasts, in minutes' }).int('Enter whole minutes').min(15, 'A meeting lasts at least 15 minutes').max(480, 'A meeting lasts at most 8 hours'),
  repeatWeeks: z.coerce.number({ error: 'Enter how many weeks apart the meetings are' }).int('Enter whole weeks').min(1, 'Meetings are at least 1 week apart').max(26, 'Meetings are at most 26 weeks apart'),
  count: z.coerce.number({ error: 'Enter how many meetings to schedule' }).int('Enter a whole number').min(1, 'Schedule at least 1 meeting').max(13, 'Schedule at most 13 meetings at a time'),
  maxCases: z.coerce.number({ error: 'Enter the most children a meeting discusses' }).int('Enter a whole number').min(1, 'A meeting discusses at least 1 child').max(20, 'A meeting discusses at most 20 children'),
  venue: text('where the meeting is held', { max: 200 }),
});
export type ScheduleInput = z.infer<typeof scheduleShape>;

export const caseShape = z.object({
  childId: z.guid({ error: 'Find the child by NHS number' }),
  question: text('the question for the meeting', { max: 1000, multiline: true }),
  source: z.enum(CASE_SOURCES, { error: 'Say how the child came to the meeting' }),
});
export type CaseInput = z.infer<typeof caseShape>;

const actionShape = z.object({
  description: text('what will be done', { max: 500, multiline: true }),
  ownerKind: z.enum(['professional', 'organisation']).default('professional'),
  ownerId: z.guid({ error: 'Select who will do it' }),
  dueOn: z.iso.date({ error: 'Enter the date it is due by' }),
  // The person's id, when the chair confirmed giving the action to someone outside the child's care team and the meeting.
  confirmOwner: z.string().max(100).optional(),
});

export const outcomeShape = z.object({
  discussion: text('a summary of the discussion', { max: 5000, multiline: true }),
  decisions: text('what was decided', { max: 3000, multiline: true }),
  themes: z.array(z.enum(THEMES, { error: 'Select themes from the list' })).max(THEMES.length).default([]),
  otherTheme: optionalText('the other theme', { max: 80 }),
  actions: z.array(actionShape).max(MAX_ACTIONS_PER_SAVE).default([]),
});
export type OutcomeInput = z.infer<typeof outcomeShape>;

/** Meetings are scheduled from today on: a meeting in the past is a record, not a plan. */
export const readSchedule = (raw: unknown, today: string): ScheduleInput =>
  parseWithRules(scheduleShape, raw, (s) => (s.firstDate < today ? { firstDate: 'The first meeting must be today or in the future' } : ({} as FieldErrors)));

export const readCase = (raw: unknown): CaseInput => parseWithRules(caseShape, raw, () => ({}));

/** Every action has an owner and a due date from today on. */
export const readOutcome = (raw: unknown, today: string): OutcomeInput =>
  parseWithRules(outcomeShape, raw, (o) => {
    const fields: FieldErrors = {};
    o.actions.forEach((a, i) => {
      if (a.dueOn < today) fields[`actions.${i}.dueOn`] = 'Due date must be today or in the future';
    });
    return fields;
  });
