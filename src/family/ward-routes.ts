import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps, RouteModule } from '../platform/http/app.js';
import type { FamilyMember } from '../platform/http/family-session.js';
import { ConflictError, ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { errorSummary, idParam } from '../platform/http/validate.js';
import { bodyOf, queryOf } from '../platform/http/form-body.js';
import { carerForm, carerRecordsObservations, formValues, observationsFrom, CARER_FIELDS } from '../ambulatory/service.js';
import { inFamilyTenant } from './actors.js';

/**
 * A parent or carer tells the virtual ward's nurses how their child is, on a
 * phone, without JavaScript: one question in plain words and, if they took
 * them, a few measurements. The ward scores and escalates it as it does the
 * nurse's form (ambulatory's carerRecordsObservations).
 */

const V = 'family/views';
type Values = Record<string, string>;

/** How every family page runs (routes.ts): the signed-in family member, and a refusal at the door in plain words. */
type FamilyPages = {
  asFamily: (req: FastifyRequest, reply: FastifyReply, fn: (member: FamilyMember) => Promise<unknown>) => Promise<unknown>;
  page: { config: { public: true } };
};

export function familyWardRoutes(app: Parameters<RouteModule>[0], deps: AppDeps, { asFamily, page: FAMILY_PAGE }: FamilyPages) {
  const formPage = async (reply: FastifyReply, member: FamilyMember, childId: string, values: Values = {}, fields: FieldErrors = {}) => {
    const form = await inFamilyTenant(deps.db, member, (tx, actor) => carerForm(tx, actor, childId));
    return reply.page(`${V}/ward-tell.njk`, {
      title: `Tell the nurses how ${form.child.given_name} is`, childId, name: form.child.given_name, pathwayName: form.pathwayName,
      values, fields, errors: errorSummary(fields, [...CARER_FIELDS]), backHref: `/family/children/${childId}`,
    });
  };
  const notOnWard = (reply: FastifyReply, message: string, childId: string) =>
    reply.code(409).page(`${V}/refused.njk`, { title: 'There is nothing to send at the moment', reason: message, backHref: `/family/children/${childId}` });

  app.get('/family/children/:id/virtual-ward', FAMILY_PAGE, (req, reply) => asFamily(req, reply, async (member) => {
    const childId = idParam(req.params);
    try {
      return await formPage(reply, member, childId);
    } catch (error) {
      if (error instanceof ConflictError) return notOnWard(reply, error.message, childId);
      throw error;
    }
  }));

  app.post('/family/children/:id/virtual-ward', FAMILY_PAGE, (req: FastifyRequest, reply) => asFamily(req, reply, async (member) => {
    const childId = idParam(req.params);
    const all = formValues(bodyOf(req));
    const values: Values = Object.fromEntries(CARER_FIELDS.map((f) => [f, all[f]]));
    const read = observationsFrom(values, new Date());
    try {
      if ('fields' in read) throw new ValidationError(read.fields);
      const sent = await inFamilyTenant(deps.db, member, (tx, actor) => carerRecordsObservations(tx, actor, childId, read.given));
      const q = sent.escalated ? `?worse=1&within=${sent.respondWithinMinutes}` : '';
      return reply.redirect(`/family/children/${childId}/virtual-ward/sent${q}`, 303);
    } catch (error) {
      if (error instanceof ConflictError) return notOnWard(reply, error.message, childId);
      if (!(error instanceof ValidationError)) throw error;
      return formPage(reply.code(400), member, childId, values, error.fields);
    }
  }));

  app.get('/family/children/:id/virtual-ward/sent', FAMILY_PAGE, (req, reply) => asFamily(req, reply, async () => {
    const childId = idParam(req.params);
    const q = queryOf(req);
    const within = /^\d{1,4}$/.test(String(q.within ?? '')) ? Number(q.within) : null;
    return reply.page(`${V}/ward-sent.njk`, { title: 'Sent to the nurses', childId, worse: q.worse === '1', within, backHref: `/family/children/${childId}` });
  }));
}
