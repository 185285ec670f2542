import type { Actor } from '../platform/access/actor.js';
import type { RouteModule } from '../platform/http/app.js';
import { bodyOf } from '../platform/http/form-body.js';
import { ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { idParam } from '../platform/http/validate.js';
import * as record from './service.js';
import { recordPolicy } from './policy.js';
import type { ChildContext } from './record-page.js';
import { SENSITIVE_OPTIONS, formErrorList } from './entry-form.js';
import { CONTACT_FIELD_ORDER, CONTACT_TYPE_OPTIONS, emptyContactValues, readContactForm, type ContactFormValues } from './contact-form.js';
import { cannotChange, forChild, recordHref, refusal, refusedBy } from './page-access.js';

/** Recording a contact (an attendance, a visit, a call) in the child's timeline. */

const contactFormPage = (ctx: ChildContext, actor: Actor, values: ContactFormValues, fields: FieldErrors) => ({
  title: 'Record a contact',
  child: ctx.child,
  organisationName: actor.organisationName,
  backHref: `${recordHref(ctx.child.id)}#timeline`,
  values,
  fields,
  errors: formErrorList(fields, CONTACT_FIELD_ORDER),
  typeItems: CONTACT_TYPE_OPTIONS.map((o) => ({ ...o, checked: o.value === values.type })),
  sensitiveItems: SENSITIVE_OPTIONS.map((o) => ({ ...o, checked: o.value === values.sensitiveCategory })),
});

export const contactRoutes: RouteModule = (app, deps) => {
  app.get('/children/:id/record/contacts/new', async (req, reply) => {
    const id = idParam(req.params);
    const page = await forChild(deps, req, id, async (_tx, actor, ctx) => {
      const decision = recordPolicy.recordEntry(actor, ctx.access.relationships, ctx.freeze?.frozen_by_organisation_id ?? null);
      if (!decision.allowed) return refusal(decision.reason);
      return contactFormPage(ctx, actor, emptyContactValues(), {});
    });
    if (refusedBy(page)) return cannotChange(reply, id, page.refused);
    return reply.page('record/views/contact-form.njk', page);
  });

  app.post('/children/:id/record/contacts', async (req, reply) => {
    const id = idParam(req.params);
    const result = await forChild(deps, req, id, async (tx, actor, ctx) => {
      const form = readContactForm(bodyOf(req), actor.organisationId);
      if (!form.input) return { invalid: contactFormPage(ctx, actor, form.values, form.fields) };
      try {
        await record.recordContact(tx, actor, id, form.input);
      } catch (error) {
        // The service's own checks (a date before the child's birth) come before it writes anything: shown on the form.
        if (error instanceof ValidationError) return { invalid: contactFormPage(ctx, actor, form.values, error.fields) };
        throw error;
      }
      return { saved: true as const };
    });
    if (refusedBy(result)) return cannotChange(reply, id, result.refused);
    if ('invalid' in result) return reply.code(400).page('record/views/contact-form.njk', result.invalid);
    return reply.redirect(`${recordHref(id)}?saved=contact#timeline`, 303);
  });
};
