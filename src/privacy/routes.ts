import { z } from 'zod';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import type { FastifyRequest } from 'fastify';
import { errorSummary, fieldErrors, optionalText, parseInput, idParam } from '../platform/http/validate.js';
import { NotFoundError } from '../platform/http/errors.js';
import { paginationLinks } from '../platform/http/paging.js';
import { actionLabel } from '../children/index.js';
import { ICS_ACCESS_LOG_FIELDS, icsAccessLogHref, readIcsAccessLogQuery } from './access-log-query.js';
import { accessReviewList, icsAccessLogPage, reviewAccess, REVIEW_KIND_IDS, REVIEW_OUTCOMES, type ReviewKind, type ReviewOutcome } from './service.js';

const listQuery = z.object({ show: z.enum(['awaiting', 'reviewed']).default('awaiting') });
const TITLE = 'Emergency access and sensitive entry reviews';
const reviewForm = z.object({
  outcome: z.enum(Object.keys(REVIEW_OUTCOMES) as [ReviewOutcome, ...ReviewOutcome[]], { error: 'Select whether the access was appropriate' }),
  note: optionalText('note', { max: 1000, multiline: true }),
});

export const privacyRoutes: RouteModule = (app, deps) => {
  const list = async (req: FastifyRequest, show: 'awaiting' | 'reviewed') =>
    inTenant(deps, req, (tx, actor) => accessReviewList(tx, actor, show));

  app.get('/privacy/break-glass', async (req, reply) => {
    const { show } = parseInput(listQuery, req.query);
    return reply.page('privacy/views/break-glass-list.njk', { title: TITLE, events: await list(req, show), show, outcomes: REVIEW_OUTCOMES });
  });

  // One review form for each kind: /privacy/break-glass/:id/review and /privacy/sensitive-reveal/:id/review.
  app.post('/privacy/:kind/:id/review', async (req, reply) => {
    const id = idParam(req.params);
    const kind = (req.params as { kind: string }).kind as ReviewKind;
    if (!REVIEW_KIND_IDS.includes(kind)) throw new NotFoundError();
    const parsed = reviewForm.safeParse(req.body ?? {});
    if (!parsed.success) {
      // Errors point at the fields of the one review that was sent.
      const fields = fieldErrors(parsed.error);
      const anchored = Object.fromEntries(Object.entries(fields).map(([k, v]) => [`${k}-${id}`, v]));
      return reply.code(400).page('privacy/views/break-glass-list.njk', {
        title: TITLE, events: await list(req, 'awaiting'), show: 'awaiting', outcomes: REVIEW_OUTCOMES,
        errors: errorSummary(anchored), fields: anchored,
      });
    }
    await inTenant(deps, req, (tx, actor) => reviewAccess(tx, actor, kind, id, parsed.data.outcome, parsed.data.note));
    return reply.redirect('/privacy/break-glass', 303);
  });

  /** The ICS's access log for the privacy officer: searched and filtered in SQL, a page at a time. */
  app.get('/privacy/access-log', async (req, reply) => {
    const query = readIcsAccessLogQuery((req.query ?? {}) as Record<string, unknown>);
    const log = await inTenant(deps, req, (tx, actor) => icsAccessLogPage(tx, actor, query.filter, query.page));
    return reply.code(Object.keys(query.fields).length ? 400 : 200).page('privacy/views/access-log.njk', {
      title: 'Access log', ...log, values: query.values, fields: query.fields,
      errors: errorSummary(query.fields, ICS_ACCESS_LOG_FIELDS),
      organisationItems: [{ value: '', text: 'Any organisation' }, ...log.choices.organisations.map((o) => ({ value: o.id, text: o.name, selected: o.id === query.values.organisation }))],
      actionItems: [{ value: '', text: 'Any action' }, ...log.choices.actions.map((a) => ({ value: a, text: actionLabel(a), selected: a === query.values.action }))],
      pageLinks: paginationLinks(log.window, (p) => icsAccessLogHref('/privacy/access-log', query.values, p)),
    });
  });
};

// The privacy officer's review of account checks, registered by the composition root beside privacyRoutes.
export { dutyReviewRoutes } from './duty-review-routes.js';
