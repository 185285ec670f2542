import type { FastifyRequest } from 'fastify';
import type { Tx } from '../platform/db/client.js';
import type { RouteModule } from '../platform/http/app.js';
import { bodyOf } from '../platform/http/form-body.js';
import { NotFoundError, type FieldErrors } from '../platform/http/errors.js';
import { idParam } from '../platform/http/validate.js';
import { londonToday } from '../platform/time/form-dates.js';
import * as plans from './service.js';
import { AGENCY_LABELS } from './agencies.js';
import { AGENCIES } from './schema.js';
import { GOAL_FIELD_ORDER, formErrors, goalValues, readGoalForm } from './plan-form.js';
import { childHeading, planHref } from './plan-pages.js';
import { planFormRoutes } from './form-routes.js';

/** A care plan's goals, each with the agency that leads it: adding one, changing it, removing it. */

async function goalForm(tx: Tx, icsId: string, childId: string, values: ReturnType<typeof readGoalForm>['values'], opts: { version: number; goalId?: string; fields?: FieldErrors; dateErrors?: FieldErrors }) {
  const { fields, errors } = formErrors(opts.fields ?? {}, opts.dateErrors ?? {}, GOAL_FIELD_ORDER);
  return {
    title: opts.goalId ? 'Change a goal' : 'Add a goal', child: await childHeading(tx, icsId, childId, londonToday()), values, fields, errors, version: opts.version,
    goalId: opts.goalId, agencyItems: AGENCIES.map((a) => ({ value: a, text: AGENCY_LABELS[a], checked: a === values.agency })),
    action: opts.goalId ? `${planHref(childId)}/goals/${opts.goalId}` : `${planHref(childId)}/goals/new`, backHref: planHref(childId),
  };
}

const goalIdOf = (req: FastifyRequest) => idParam(req.params, 'goalId');
/** The goal's form was sent with "Remove this goal". */
const removing = (req: FastifyRequest) => bodyOf(req).remove === 'yes';

export const goalRoutes: RouteModule = (app, deps) => {
  const template = 'careplans/views/goal-form.njk';
  planFormRoutes(app, deps, {
    path: '/children/:id/care-plan/goals/new',
    template,
    show: (tx, actor, id, view) => goalForm(tx, actor.icsId, id, { agency: '', goal: '', measure: '', targetOn: { day: '', month: '', year: '' }, progress: '' }, { version: view.plan.version }),
    read: readGoalForm,
    save: (tx, actor, id, form) => plans.addGoal(tx, actor, id, form.input, form.version, londonToday()),
    again: (tx, actor, id, form, fields) => goalForm(tx, actor.icsId, id, form.values, { version: Number(form.version), fields, dateErrors: form.dateErrors }),
    savedTo: (id) => `${planHref(id)}?saved=goal#goals`,
  });

  planFormRoutes(app, deps, {
    path: '/children/:id/care-plan/goals/:goalId',
    template,
    show: async (tx, actor, id, view, req) => {
      const goalId = goalIdOf(req);
      const goal = view.goals?.find((g) => g.id === goalId);
      if (!goal) throw new NotFoundError();
      return goalForm(tx, actor.icsId, id, goalValues(goal), { version: view.plan.version, goalId });
    },
    read: readGoalForm,
    save: (tx, actor, id, form, req) => (removing(req)
      ? plans.removeGoal(tx, actor, id, goalIdOf(req), form.version)
      : plans.reviseGoal(tx, actor, id, goalIdOf(req), form.input, form.version, londonToday())),
    again: (tx, actor, id, form, fields, req) => goalForm(tx, actor.icsId, id, form.values, { version: Number(form.version), goalId: goalIdOf(req), fields, dateErrors: form.dateErrors }),
    savedTo: (id, req) => `${planHref(id)}?saved=${removing(req) ? 'removed' : 'goal'}#goals`,
  });
};
