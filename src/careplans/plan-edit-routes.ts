import type { Tx } from '../platform/db/client.js';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { ForbiddenError, type FieldErrors } from '../platform/http/errors.js';
import { idParam } from '../platform/http/validate.js';
import { londonToday } from '../platform/time/form-dates.js';
import * as plans from './service.js';
import { PLAN_FIELD_ORDER, formErrors, planValues, readPlanForm } from './plan-form.js';
import { childHeading, peopleItems, planHref } from './plan-pages.js';
import { planFormRoutes } from './form-routes.js';

/** Starting a care plan and changing it: each change is a new draft version. */

type PlanValues = ReturnType<typeof readPlanForm>['values'] | ReturnType<typeof planValues>;

async function planForm(tx: Tx, icsId: string, childId: string, values: PlanValues, opts: { version?: number; fields?: FieldErrors; dateErrors?: FieldErrors }) {
  const { fields, errors } = formErrors(opts.fields ?? {}, opts.dateErrors ?? {}, PLAN_FIELD_ORDER);
  const editing = opts.version !== undefined;
  return {
    title: editing ? 'Change the care plan' : 'Start a care plan',
    child: await childHeading(tx, icsId, childId, londonToday()), values, fields, errors, version: opts.version, editing,
    action: editing ? `${planHref(childId)}/edit` : `${planHref(childId)}/new`,
    keyWorkerItems: await peopleItems(tx, icsId, childId, values.keyWorkerId),
    consentHref: `/children/${childId}/consent`,
    backHref: editing ? planHref(childId) : `/children/${childId}`,
  };
}

export const planEditingRoutes: RouteModule = (app, deps) => {
  const template = 'careplans/views/plan-form.njk';
  // Starting a plan: there is none to change yet, so its page has its own GET (back to the plan when one exists).
  app.get('/children/:id/care-plan/new', async (req, reply) => {
    const id = idParam(req.params);
    const form = await inTenant(deps, req, async (tx, actor) => {
      const view = await plans.viewPlan(tx, actor, id);
      if (view.plan) return null;
      if (!view.can.create) throw new ForbiddenError('Your role does not start care plans.');
      return planForm(tx, actor.icsId, id, { title: '', whatMatters: '', strengths: '', needs: '', atSchool: '', contingencyWhatToDo: '', contingencyWhoToCall: '', keyWorkerId: actor.professionalId, reviewOn: { day: '', month: '', year: '' } }, {});
    });
    if (!form) return reply.redirect(planHref(id), 303);
    return reply.page(template, form);
  });

  planFormRoutes(app, deps, {
    path: '/children/:id/care-plan/new',
    template,
    read: readPlanForm,
    save: (tx, actor, id, form) => plans.startPlan(tx, actor, id, form.input, londonToday()),
    again: (tx, actor, id, form, fields) => planForm(tx, actor.icsId, id, form.values, { fields, dateErrors: form.dateErrors }),
    savedTo: (id) => `${planHref(id)}?saved=started`,
  });

  planFormRoutes(app, deps, {
    path: '/children/:id/care-plan/edit',
    template,
    show: (tx, actor, id, view) => planForm(tx, actor.icsId, id, planValues(view.plan), { version: view.plan.version }),
    read: readPlanForm,
    save: (tx, actor, id, form) => plans.revisePlan(tx, actor, id, form.input, form.version, londonToday()),
    again: (tx, actor, id, form, fields) => planForm(tx, actor.icsId, id, form.values, { version: Number(form.version), fields, dateErrors: form.dateErrors }),
    savedTo: (id) => `${planHref(id)}?saved=saved`,
  });
};
