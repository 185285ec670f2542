import type { Tx } from '../platform/db/client.js';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { bodyOf } from '../platform/http/form-body.js';
import { NotFoundError, type FieldErrors } from '../platform/http/errors.js';
import { idParam } from '../platform/http/validate.js';
import { londonToday } from '../platform/time/form-dates.js';
import * as plans from './service.js';
import { AGENCY_LABELS } from './agencies.js';
import { AGENCIES } from './schema.js';
import { GOAL_FIELD_ORDER, formErrors, goalValues, readGoalForm } from './plan-form.js';
import { childHeading, editablePlan, formFailure, planHref } from './plan-pages.js';

/** A care plan's goals, each with the agency that leads it: adding one, changing it, removing it. */

async function goalForm(tx: Tx, childId: string, values: ReturnType<typeof readGoalForm>['values'], opts: { version: number; goalId?: string; fields?: FieldErrors; dateErrors?: FieldErrors }) {
  const { fields, errors } = formErrors(opts.fields ?? {}, opts.dateErrors ?? {}, GOAL_FIELD_ORDER);
  return {
    title: opts.goalId ? 'Change a goal' : 'Add a goal', child: await childHeading(tx, childId, londonToday()), values, fields, errors, version: opts.version,
    goalId: opts.goalId, agencyItems: AGENCIES.map((a) => ({ value: a, text: AGENCY_LABELS[a], checked: a === values.agency })),
    action: opts.goalId ? `${planHref(childId)}/goals/${opts.goalId}` : `${planHref(childId)}/goals/new`, backHref: planHref(childId),
  };
}

export const goalRoutes: RouteModule = (app, deps) => {
  app.get('/children/:id/care-plan/goals/new', async (req, reply) => {
    const id = idParam(req.params);
    const form = await inTenant(deps, req, async (tx, actor) => {
      const view = await editablePlan(tx, actor, id);
      return goalForm(tx, id, { agency: '', goal: '', measure: '', targetOn: { day: '', month: '', year: '' }, progress: '' }, { version: view.plan.version });
    });
    return reply.page('careplans/views/goal-form.njk', form);
  });

  app.post('/children/:id/care-plan/goals/new', async (req, reply) => {
    const id = idParam(req.params);
    const form = readGoalForm(bodyOf(req));
    try {
      await inTenant(deps, req, (tx, actor) => plans.addGoal(tx, actor, id, form.input, form.version, londonToday()));
    } catch (error) {
      return formFailure(reply, error, id, (fields) => inTenant(deps, req, (tx) => goalForm(tx, id, form.values, { version: Number(form.version), fields, dateErrors: form.dateErrors })), 'careplans/views/goal-form.njk');
    }
    return reply.redirect(`${planHref(id)}?saved=goal#goals`, 303);
  });

  app.get('/children/:id/care-plan/goals/:goalId', async (req, reply) => {
    const id = idParam(req.params);
    const goalId = idParam(req.params, 'goalId');
    const form = await inTenant(deps, req, async (tx, actor) => {
      const view = await editablePlan(tx, actor, id);
      const goal = view.goals?.find((g) => g.id === goalId);
      if (!goal) throw new NotFoundError();
      return goalForm(tx, id, goalValues(goal), { version: view.plan.version, goalId });
    });
    return reply.page('careplans/views/goal-form.njk', form);
  });

  app.post('/children/:id/care-plan/goals/:goalId', async (req, reply) => {
    const id = idParam(req.params);
    const goalId = idParam(req.params, 'goalId');
    const form = readGoalForm(bodyOf(req));
    const remove = bodyOf(req).remove === 'yes';
    try {
      await inTenant(deps, req, (tx, actor) => (remove
        ? plans.removeGoal(tx, actor, id, goalId, form.version)
        : plans.reviseGoal(tx, actor, id, goalId, form.input, form.version, londonToday())));
    } catch (error) {
      return formFailure(reply, error, id, (fields) => inTenant(deps, req, (tx) => goalForm(tx, id, form.values, { version: Number(form.version), goalId, fields, dateErrors: form.dateErrors })), 'careplans/views/goal-form.njk');
    }
    return reply.redirect(`${planHref(id)}?saved=${remove ? 'removed' : 'goal'}#goals`, 303);
  });
};
