import { z } from 'zod';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { optionalText, parseInput, idParam } from '../platform/http/validate.js';
import { breakGlassReviewList, reviewBreakGlass, REVIEW_OUTCOMES, type ReviewOutcome } from './service.js';

const listQuery = z.object({ show: z.enum(['awaiting', 'reviewed']).default('awaiting') });
const reviewForm = z.object({
  outcome: z.enum(Object.keys(REVIEW_OUTCOMES) as [ReviewOutcome, ...ReviewOutcome[]], { error: 'Select whether the access was appropriate' }),
  note: optionalText('note', { max: 1000, multiline: true }),
});

export const privacyRoutes: RouteModule = (app, deps) => {
  app.get('/privacy/break-glass', async (req, reply) => {
    const { show } = parseInput(listQuery, req.query);
    const events = await inTenant(deps, req, (tx, actor) => breakGlassReviewList(tx, actor, show));
    return reply.page('privacy/views/break-glass-list.njk', { title: 'Emergency access reviews', events, show, outcomes: REVIEW_OUTCOMES });
  });

  app.post('/privacy/break-glass/:id/review', async (req, reply) => {
    const id = idParam(req.params);
    const { outcome, note } = parseInput(reviewForm, req.body);
    await inTenant(deps, req, (tx, actor) => reviewBreakGlass(tx, actor, id, outcome, note));
    return reply.redirect('/privacy/break-glass', 303);
  });
};
