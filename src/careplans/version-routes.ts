import type { Tx } from '../platform/db/client.js';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { bodyOf } from '../platform/http/form-body.js';
import { ForbiddenError, NotFoundError, type FieldErrors } from '../platform/http/errors.js';
import { idParam } from '../platform/http/validate.js';
import { londonToday } from '../platform/time/form-dates.js';
import * as plans from './service.js';
import { AGENCY_LABELS } from './agencies.js';
import { childHeading, formFailure, planHref } from './plan-pages.js';

/** The key worker signing a version off with the family, and every version kept, each readable as it was. */

async function agreeForm(tx: Tx, icsId: string, childId: string, view: Awaited<ReturnType<typeof plans.viewPlan>>, value: string, fields: FieldErrors = {}) {
  return {
    title: 'Sign off the care plan', child: await childHeading(tx, icsId, childId, londonToday()), plan: view.plan, value, fields,
    errors: fields.familyAgreement ? [{ text: fields.familyAgreement, href: '#familyAgreement' }] : [],
    action: `${planHref(childId)}/agree`, backHref: planHref(childId),
  };
}

/** A version number as the address gives it; anything else is a page that does not exist. */
function versionParam(params: unknown): number {
  const raw = (params as Record<string, string>).version;
  const version = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(version) || version < 1) throw new NotFoundError();
  return version;
}

export const planVersionRoutes: RouteModule = (app, deps) => {
  app.get('/children/:id/care-plan/agree', async (req, reply) => {
    const id = idParam(req.params);
    const form = await inTenant(deps, req, async (tx, actor) => {
      const view = await plans.viewPlan(tx, actor, id);
      if (!view.plan) throw new NotFoundError();
      if (!view.can.agree) throw new ForbiddenError(view.plan.status === 'agreed' ? 'This version is already signed off.' : 'Only the plan’s key worker can sign it off.');
      return agreeForm(tx, actor.icsId, id, view, '');
    });
    return reply.page('careplans/views/agree.njk', form);
  });

  app.post('/children/:id/care-plan/agree', async (req, reply) => {
    const id = idParam(req.params);
    const body = bodyOf(req);
    try {
      await inTenant(deps, req, (tx, actor) => plans.agreePlan(tx, actor, id, body.familyAgreement, body.version));
    } catch (error) {
      const value = typeof body.familyAgreement === 'string' ? body.familyAgreement.slice(0, 1000) : '';
      return formFailure(reply, error, id, (fields) => inTenant(deps, req, async (tx, actor) => agreeForm(tx, actor.icsId, id, await plans.viewPlan(tx, actor, id), value, fields)), 'careplans/views/agree.njk');
    }
    return reply.redirect(`${planHref(id)}?saved=agreed`, 303);
  });

  app.get('/children/:id/care-plan/versions', async (req, reply) => {
    const id = idParam(req.params);
    const page = await inTenant(deps, req, async (tx, actor) => ({ ...(await plans.planHistory(tx, actor, id)), child: await childHeading(tx, actor.icsId, id, londonToday()) }));
    return reply.page('careplans/views/versions.njk', { title: `Care plan versions: ${page.child.name}`, ...page, base: planHref(id), backHref: planHref(id) });
  });

  app.get('/children/:id/care-plan/versions/:version', async (req, reply) => {
    const id = idParam(req.params);
    const version = versionParam(req.params);
    const page = await inTenant(deps, req, async (tx, actor) => ({ ...(await plans.planVersion(tx, actor, id, version)), child: await childHeading(tx, actor.icsId, id, londonToday()) }));
    return reply.page('careplans/views/version.njk', { title: `Care plan version ${version}: ${page.child.name}`, ...page, agencyLabels: AGENCY_LABELS, base: planHref(id), backHref: `${planHref(id)}/versions` });
  });
};
