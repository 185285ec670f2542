import type { FastifyRequest } from 'fastify';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { ConflictError, ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { errorSummary, idParam } from '../platform/http/validate.js';
import { letterPdf } from '../platform/http/pdf.js';
import { bodyOf, field as str } from '../platform/http/form-body.js';
import { flag, refusedPage } from './form.js';
import * as outcome from './outcome.js';

/** After the clinic: recording the outcome, and the outcome letter as a page and a PDF. */

const NEXT_ITEMS = [
  { value: 'follow-up', text: 'Follow-up in the hub clinic' },
  { value: 'discharged', text: 'Discharged to the GP' },
  { value: 'referred-on', text: 'Referred on to another service' },
];

export const outcomeRoutes: RouteModule = (app, deps) => {
  const outcomeForm = async (req: FastifyRequest, id: string, values: Record<string, string> | null, fields: FieldErrors = {}) => {
    const f = await inTenant(deps, req, (tx, actor) => outcome.outcomeForm(tx, actor, id));
    const v = values ?? { seenJointly: '', plan: '', next: '', service: '', version: String(f.version) };
    return {
      title: `Record the appointment: ${f.child.given_name} ${f.child.family_name}`, ...f, values: v, fields,
      errors: errorSummary(fields, ['seenJointly', 'plan', 'next', 'service', 'version']),
      jointItems: [{ value: 'yes', text: 'Yes, together' }, { value: 'no', text: 'No' }].map((i) => ({ ...i, checked: v.seenJointly === i.value })),
      nextItems: NEXT_ITEMS.map((i) => ({ ...i, checked: v.next === i.value })),
      backHref: `/clinics/${f.session.id}`,
    };
  };

  app.get('/clinics/bookings/:id/outcome', async (req, reply) => reply.page('clinics/views/outcome.njk', await outcomeForm(req, idParam(req.params), null)));

  app.post('/clinics/bookings/:id/outcome', async (req, reply) => {
    const id = idParam(req.params);
    const b = bodyOf(req);
    const values = { seenJointly: str(b, 'seenJointly', 4), plan: str(b, 'plan', 6000), next: str(b, 'next', 20), service: str(b, 'service', 300), version: str(b, 'version', 12) };
    try {
      await inTenant(deps, req, (tx, actor) => outcome.recordClinicOutcome(tx, actor, id, { ...values, seenJointly: values.seenJointly || undefined }, new Date(), deps.config.publicUrl));
    } catch (error) {
      if (error instanceof ConflictError) return refusedPage(reply, error.message, `/clinics/bookings/${id}/outcome`);
      if (!(error instanceof ValidationError)) throw error;
      return reply.code(400).page('clinics/views/outcome.njk', await outcomeForm(req, id, values, error.fields));
    }
    return reply.redirect(`/clinics/bookings/${id}/letter?sent=1`, 303);
  });

  app.get('/clinics/bookings/:id/letter', async (req, reply) => {
    const id = idParam(req.params);
    const { letter, sentAt, childId } = await inTenant(deps, req, (tx, actor) => outcome.clinicLetter(tx, actor, id));
    return reply.page('clinics/views/letter.njk', { title: letter.title, letter, sentAt, childId, bookingId: id, sent: flag(req, 'sent'), backHref: '/worklist' });
  });

  app.get('/clinics/bookings/:id/letter.pdf', async (req, reply) => {
    const { letter } = await inTenant(deps, req, (tx, actor) => outcome.clinicLetter(tx, actor, idParam(req.params)));
    return reply.type('application/pdf').header('content-disposition', 'inline; filename="clinic-outcome-letter.pdf"').send(await letterPdf(letter));
  });
};
