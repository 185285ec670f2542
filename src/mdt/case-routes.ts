import { inTenant, type RouteModule } from '../platform/http/app.js';
import { bodyOf, field as str } from '../platform/http/form-body.js';
import { ConflictError, ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { errorSummary, idParam } from '../platform/http/validate.js';
import { findChildren } from '../children/service.js';
import { isValidNhsNumber, normaliseNhsNumber } from '../platform/identity/nhs-number.js';
import { londonToday } from '../platform/time/form-dates.js';
import * as mdt from './service.js';
import { conflictPage } from './meeting-pages.js';

/** Bringing a child to a meeting's case list: nominated by NHS number with a question, or taken from the risk list. */

const caseForm = (id: string, values: Record<string, string>, fields: FieldErrors = {}) => ({
  title: 'Bring a child to the meeting', meetingId: id, values, fields, errors: errorSummary(fields, ['nhsNumber', 'question']), backHref: `/mdt/${id}`,
});

export const caseListRoutes: RouteModule = (app, deps) => {
  app.get('/mdt/:id/cases/new', async (req, reply) => {
    const id = idParam(req.params);
    await inTenant(deps, req, (tx, actor) => mdt.openMeeting(tx, actor, id));
    return reply.page('mdt/views/case-form.njk', caseForm(id, { nhsNumber: '', question: '' }));
  });

  app.post('/mdt/:id/cases/new', async (req, reply) => {
    const id = idParam(req.params);
    const b = bodyOf(req);
    const values = { nhsNumber: str(b, 'nhsNumber', 30), question: str(b, 'question') };
    const nhs = normaliseNhsNumber(values.nhsNumber);
    const fields: FieldErrors = {};
    if (!isValidNhsNumber(nhs)) fields.nhsNumber = values.nhsNumber.trim() ? 'Enter a valid 10-digit NHS number' : 'Enter the child’s NHS number';
    try {
      await inTenant(deps, req, async (tx, actor) => {
        const [child] = isValidNhsNumber(nhs) ? await findChildren(tx, actor, { by: 'nhs-number', nhsNumber: nhs }) : [];
        if (!child && !fields.nhsNumber) fields.nhsNumber = 'No child with this NHS number is registered in this ICS';
        if (!child) throw new ValidationError(fields);
        await mdt.bringCase(tx, actor, id, { childId: child.id, question: values.question, source: 'nomination' });
      });
    } catch (error) {
      if (error instanceof ConflictError) return conflictPage(reply, error.message, `/mdt/${id}`);
      if (!(error instanceof ValidationError)) throw error;
      const all = { ...error.fields, ...fields };
      delete all.childId;
      return reply.code(400).page('mdt/views/case-form.njk', caseForm(id, values, all));
    }
    return reply.redirect(`/mdt/${id}#cases`, 303);
  });

  app.post('/mdt/:id/cases/suggested', async (req, reply) => {
    const id = idParam(req.params);
    const childId = idParam(bodyOf(req), 'childId');
    try {
      // The count is the server's, from the risk list asked again: nothing of it comes from the form.
      await inTenant(deps, req, (tx, actor) => mdt.bringFromRiskList(tx, actor, id, childId, londonToday()));
    } catch (error) {
      if (error instanceof ConflictError) return conflictPage(reply, error.message, `/mdt/${id}`);
      throw error;
    }
    return reply.redirect(`/mdt/${id}#cases`, 303);
  });
};
