import type { RouteModule } from '../platform/http/app.js';
import type { FieldErrors } from '../platform/http/errors.js';
import type { Form } from '../platform/http/form-body.js';
import { londonToday } from '../platform/time/form-dates.js';
import type { DateParts } from '../platform/time/form-dates.js';
import * as plans from './service.js';
import { dateField, formErrors, str } from './plan-form.js';
import { childHeading, planHref } from './plan-pages.js';
import { planFormRoutes } from './form-routes.js';

/** Adding an action that is the family's to do: they see it on their own pages and mark it done. */

const FIELD_ORDER = ['description', 'owner', 'privateToYoungPerson', 'dueOn'];

type Values = { description: string; owner: string; privateToYoungPerson: string; dueOn: DateParts };

function readFamilyActionForm(body: Form) {
  const dateErrors: FieldErrors = {};
  const due = dateField(body, 'dueOn', 'Due date', dateErrors);
  const values: Values = {
    description: str(body, 'description'), owner: str(body, 'owner', 20), privateToYoungPerson: str(body, 'privateToYoungPerson', 3), dueOn: due.parts,
  };
  return { values, input: { ...values, privateToYoungPerson: values.privateToYoungPerson || undefined, dueOn: due.iso }, dateErrors, version: str(body, 'version', 12) };
}

async function familyActionForm(tx: Parameters<typeof childHeading>[0], icsId: string, childId: string, values: Values, opts: { version: number; fields?: FieldErrors; dateErrors?: FieldErrors }) {
  const { fields, errors } = formErrors(opts.fields ?? {}, opts.dateErrors ?? {}, FIELD_ORDER);
  return {
    title: 'Add an action for the family', child: await childHeading(tx, icsId, childId, londonToday()), values, fields, errors, version: opts.version,
    action: `${planHref(childId)}/family-actions/new`, backHref: planHref(childId),
  };
}

export const familyActionRoutes: RouteModule = (app, deps) => {
  planFormRoutes(app, deps, {
    path: '/children/:id/care-plan/family-actions/new',
    template: 'careplans/views/family-action-form.njk',
    show: (tx, actor, id, view) => familyActionForm(tx, actor.icsId, id, { description: '', owner: '', privateToYoungPerson: '', dueOn: { day: '', month: '', year: '' } }, { version: view.plan.version }),
    read: readFamilyActionForm,
    save: (tx, actor, id, form) => plans.addFamilyAction(tx, actor, id, form.input, form.version, londonToday()),
    again: (tx, actor, id, form, fields) => familyActionForm(tx, actor.icsId, id, form.values, { version: Number(form.version), fields, dateErrors: form.dateErrors }),
    savedTo: (id) => `${planHref(id)}?saved=action#family-actions`,
  });
};
