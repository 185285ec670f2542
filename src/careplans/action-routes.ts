import type { Tx } from '../platform/db/client.js';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { bodyOf } from '../platform/http/form-body.js';
import type { FieldErrors } from '../platform/http/errors.js';
import { idParam } from '../platform/http/validate.js';
import { londonToday } from '../platform/time/form-dates.js';
import * as plans from './service.js';
import { ACTION_FIELD_ORDER, formErrors, readActionForm } from './plan-form.js';
import { childHeading, editablePlan, formFailure, peopleItems, planHref, teamItems } from './plan-pages.js';

/** Adding an action to a care plan: a person or a team owns it, and it goes on their task list. */

async function actionForm(tx: Tx, childId: string, values: ReturnType<typeof readActionForm>['values'], opts: { version: number; fields?: FieldErrors; dateErrors?: FieldErrors }) {
  const { fields, errors } = formErrors(opts.fields ?? {}, opts.dateErrors ?? {}, ACTION_FIELD_ORDER);
  return {
    title: 'Add an action', child: await childHeading(tx, childId, londonToday()), values, fields, errors, version: opts.version,
    personItems: await peopleItems(tx, childId, values.ownerKind === 'professional' ? values.ownerId : ''),
    teamItems: await teamItems(tx, values.ownerKind === 'organisation' ? values.ownerId : ''),
    action: `${planHref(childId)}/actions/new`, backHref: planHref(childId),
  };
}

export const planActionRoutes: RouteModule = (app, deps) => {
  app.get('/children/:id/care-plan/actions/new', async (req, reply) => {
    const id = idParam(req.params);
    const form = await inTenant(deps, req, async (tx, actor) => {
      const view = await editablePlan(tx, actor, id);
      return actionForm(tx, id, { description: '', ownerKind: '', ownerId: '', dueOn: { day: '', month: '', year: '' } }, { version: view.plan.version });
    });
    return reply.page('careplans/views/action-form.njk', form);
  });

  app.post('/children/:id/care-plan/actions/new', async (req, reply) => {
    const id = idParam(req.params);
    const form = readActionForm(bodyOf(req));
    try {
      await inTenant(deps, req, (tx, actor) => plans.addAction(tx, actor, id, form.input, form.version, londonToday()));
    } catch (error) {
      return formFailure(reply, error, id, (fields) => inTenant(deps, req, (tx) => actionForm(tx, id, form.values, { version: Number(form.version), fields, dateErrors: form.dateErrors })), 'careplans/views/action-form.njk');
    }
    return reply.redirect(`${planHref(id)}?saved=action#actions`, 303);
  });
};
