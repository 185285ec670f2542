import type { FastifyRequest } from 'fastify';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { NotFoundError } from '../platform/http/errors.js';
import { idParam } from '../platform/http/validate.js';
import { londonToday } from '../platform/time/form-dates.js';
import { STATUS_LABELS } from '../tasks/index.js';
import * as plans from './service.js';
import { AGENCY_LABELS } from './agencies.js';
import { childHeading, noticeOf, planHref } from './plan-pages.js';

/** Reading a child's care plan (as much as your agency may), the version to print for the family, and the reviews coming due. */
export const planReadingRoutes: RouteModule = (app, deps) => {
  const planAndChild = (req: FastifyRequest, id: string) =>
    inTenant(deps, req, async (tx, actor) => ({ view: await plans.viewPlan(tx, actor, id), child: await childHeading(tx, actor.icsId, id, londonToday()) }));

  app.get('/children/:id/care-plan', async (req, reply) => {
    const id = idParam(req.params);
    const { view, child } = await planAndChild(req, id);
    return reply.page('careplans/views/plan.njk', {
      title: view.plan ? `Care plan: ${child.name}` : `No care plan yet: ${child.name}`,
      child, view, today: londonToday(), notice: noticeOf(req), base: planHref(id), backHref: `/children/${id}`,
      agencyLabels: AGENCY_LABELS, statusLabels: STATUS_LABELS,
    });
  });

  app.get('/children/:id/care-plan/print', async (req, reply) => {
    const id = idParam(req.params);
    const page = await planAndChild(req, id);
    if (!page.view.plan) throw new NotFoundError('This child has no care plan.');
    return reply.page('careplans/views/print.njk', { title: `${page.child.name}’s care plan`, ...page, agencyLabels: AGENCY_LABELS, statusLabels: STATUS_LABELS, backHref: planHref(id) });
  });

  app.get('/care-plans/reviews', async (req, reply) => {
    const { due, toSignOff } = await inTenant(deps, req, async (tx, actor) => ({
      toSignOff: await plans.plansAwaitingSignOff(tx, actor), due: await plans.reviewsDue(tx, actor, londonToday()),
    }));
    return reply.page('careplans/views/reviews.njk', { title: 'Care plan reviews due', due, toSignOff, overdue: due.filter((d) => d.overdue), soon: due.filter((d) => !d.overdue) });
  });
};
