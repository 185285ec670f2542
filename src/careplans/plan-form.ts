import type { FieldErrors } from '../platform/http/errors.js';
import { errorSummary } from '../platform/http/validate.js';
import { dateParts, readDateParts, type DateParts } from '../platform/time/form-dates.js';
import type { PlanRow, GoalRow } from './store.js';

/**
 * The care plan's forms as people fill them in: text boxes, the NHS date
 * boxes and checkboxes, turned into the input the service checks (the same
 * checks an API caller gets). A date typed wrongly is reported as typed.
 */

type Body = Record<string, unknown>;
export const str = (body: Body, key: string, max = 5000) => (typeof body[key] === 'string' ? (body[key] as string).slice(0, max) : '');
const datePart = (body: Body, name: string): DateParts => ({ day: str(body, `${name}-day`, 4), month: str(body, `${name}-month`, 4), year: str(body, `${name}-year`, 6) });

/** Reads date boxes: the ISO date for the service (or something it will refuse), and the boxes' own error. */
export function dateField(body: Body, name: string, label: string, dateErrors: FieldErrors): { parts: DateParts; iso: string | undefined } {
  const parts = datePart(body, name);
  const read = readDateParts(parts, label);
  if (read.error) dateErrors[name] = read.error;
  return { parts, iso: read.error ? 'not-a-date' : (read.iso ?? undefined) };
}

export const PLAN_FIELD_ORDER = ['title', 'whatMatters', 'strengths', 'needs', 'atSchool', 'contingencyWhatToDo', 'contingencyWhoToCall', 'keyWorkerId', 'reviewOn'];
export const GOAL_FIELD_ORDER = ['agency', 'goal', 'measure', 'targetOn', 'progress'];
export const ACTION_FIELD_ORDER = ['description', 'ownerKind', 'ownerId', 'confirmOwner', 'dueOn'];

export type PlanFormValues = Record<(typeof PLAN_FIELD_ORDER)[number], string> & { reviewOn: DateParts | string };

export function readPlanForm(body: Body) {
  const dateErrors: FieldErrors = {};
  const review = dateField(body, 'reviewOn', 'Review date', dateErrors);
  const values = {
    title: str(body, 'title'), whatMatters: str(body, 'whatMatters'), strengths: str(body, 'strengths'), needs: str(body, 'needs'),
    atSchool: str(body, 'atSchool'), contingencyWhatToDo: str(body, 'contingencyWhatToDo'), contingencyWhoToCall: str(body, 'contingencyWhoToCall'),
    keyWorkerId: str(body, 'keyWorkerId', 100), reviewOn: review.parts,
  };
  return { values, input: { ...values, reviewOn: review.iso }, dateErrors, version: str(body, 'version', 12) };
}

export function planValues(plan: PlanRow) {
  return {
    title: plan.title, whatMatters: plan.what_matters, strengths: plan.strengths, needs: plan.needs, atSchool: plan.at_school,
    contingencyWhatToDo: plan.contingency_what_to_do, contingencyWhoToCall: plan.contingency_who_to_call, keyWorkerId: plan.key_worker_id,
    reviewOn: dateParts(plan.review_on),
  };
}

export function readGoalForm(body: Body) {
  const dateErrors: FieldErrors = {};
  const target = dateField(body, 'targetOn', 'Target date', dateErrors);
  const values = { agency: str(body, 'agency', 40), goal: str(body, 'goal'), measure: str(body, 'measure'), targetOn: target.parts, progress: str(body, 'progress') };
  return { values, input: { ...values, targetOn: target.iso ?? null }, dateErrors, version: str(body, 'version', 12) };
}

export function goalValues(goal: GoalRow) {
  return { agency: goal.agency, goal: goal.goal, measure: goal.measure, targetOn: dateParts(goal.target_on), progress: goal.progress };
}

export function readActionForm(body: Body) {
  const dateErrors: FieldErrors = {};
  const due = dateField(body, 'dueOn', 'Due date', dateErrors);
  const ownerKind = str(body, 'ownerKind', 20);
  const values = { description: str(body, 'description'), ownerKind, ownerId: str(body, ownerKind === 'organisation' ? 'teamId' : 'personId', 100), dueOn: due.parts };
  return { values, input: { ...values, dueOn: due.iso, confirmOwner: str(body, 'confirmOwner', 100) }, dateErrors, version: str(body, 'version', 12) };
}

/** Where a message's link lands: the first box of a date, the first choice of an owner. */
const ANCHORS: Record<string, string> = { reviewOn: 'reviewOn-day', targetOn: 'targetOn-day', dueOn: 'dueOn-day', ownerId: 'ownerKind', confirmOwner: 'confirmOwner' };

/** The service's messages, with a date's own message (as typed) in place of the service's. */
export function formErrors(serviceFields: FieldErrors, dateErrors: FieldErrors, order: string[]) {
  const fields = { ...serviceFields, ...dateErrors };
  // One message for one question: who does an action is asked once, whichever part is missing.
  if (fields.ownerKind && fields.ownerId === fields.ownerKind) delete fields.ownerId;
  return { fields, errors: errorSummary(fields, order).map((e) => ({ ...e, href: `#${ANCHORS[e.href.slice(1)] ?? e.href.slice(1)}` })) };
}
