import { inTenant, type RouteModule } from '../platform/http/app.js';
import type { Actor } from '../platform/access/actor.js';
import { ForbiddenError } from '../platform/http/errors.js';
import { privacyPolicy } from './policy.js';
import { idParam } from '../platform/http/validate.js';
import { decideDutyCheck, openDutyChecks } from '../platform/access/duties.js';

/**
 * The privacy officer's queue of account and FHIR client changes made in
 * 'review' mode (platform/access/duties.ts): each works already and stays
 * flagged until reviewed here. Listing and reviewing are audited.
 */
function requireDutyReviewer(actor: Actor): string {
  const decision = privacyPolicy.reviewAccountChanges(actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  return decision.why;
}

const VIEW = 'privacy/views/account-checks.njk';

export const dutyReviewRoutes: RouteModule = (app, deps) => {
  app.get('/privacy/account-checks', async (req, reply) => {
    const checks = await inTenant(deps, req, (tx, actor) => {
      requireDutyReviewer(actor);
      return openDutyChecks(tx, actor.icsId, 'review');
    });
    return reply.page(VIEW, { title: 'Account changes to review', checks });
  });

  app.post('/privacy/account-checks/:id/reviewed', async (req, reply) => {
    const id = idParam(req.params);
    await inTenant(deps, req, (tx, actor) => decideDutyCheck(tx, actor, requireDutyReviewer(actor), id, 'review'));
    return reply.redirect('/privacy/account-checks', 303);
  });
};
