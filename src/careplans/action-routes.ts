import type { Tx } from '../platform/db/client.js';
import type { RouteModule } from '../platform/http/app.js';
import type { FieldErrors } from '../platform/http/errors.js';
import { londonToday } from '../platform/time/form-dates.js';
import * as plans from './service.js';
import { ACTION_FIELD_ORDER, formErrors, readActionForm } from './plan-form.js';
import { childHeading, peopleItems, planHref, teamItems } from './plan-pages.js';
import { planFormRoutes } from './form-routes.js';

/** Adding an action to a care plan: a person or a team owns it, and it goes on their task list. */

async function actionForm(tx: Tx, icsId: string, childId: string, values: ReturnType<typeof readActionForm>['values'], opts: { version: number; fields?: FieldErrors; dateErrors?: FieldErrors }) {
  const { fields, errors } = formErrors(opts.fields ?? {}, opts.dateErrors ?? {}, ACTION_FIELD_ORDER);
  return {
    title: 'Add an action', child: await childHeading(tx, icsId, childId, londonToday()), values, fields, errors, version: opts.version,
    personItems: await peopleItems(tx, icsId, childId, values.ownerKind === 'professional' ? values.ownerId : ''),
    teamItems: await teamItems(tx, values.ownerKind === 'organisation' ? values.ownerId : ''),
    action: `${planHref(childId)}/actions/new`, backHref: planHref(childId),
  };
}

export const planActionRoutes: RouteModule = (app, deps) => {
  planFormRoutes(app, deps, {
    path: '/children/:id/care-plan/actions/new',
    template: 'careplans/views/action-form.njk',
    show: (tx, actor, id, view) => actionForm(tx, actor.icsId, id, { description: '', ownerKind: '', ownerId: '', dueOn: { day: '', month: '', year: '' } }, { version: view.plan.version }),
    read: readActionForm,
    save: (tx, actor, id, form) => plans.addAction(tx, actor, id, form.input, form.version, londonToday()),
    again: (tx, actor, id, form, fields) => actionForm(tx, actor.icsId, id, form.values, { version: Number(form.version), fields, dateErrors: form.dateErrors }),
    savedTo: (id) => `${planHref(id)}?saved=action#actions`,
  });
};
