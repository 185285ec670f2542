import type { FastifyRequest } from 'fastify';
import { actorOf, inTenant, type RouteModule } from '../platform/http/app.js';
import { londonToday } from '../platform/time/form-dates.js';
import { KIND_LABELS, STATE_LABELS, URGENCY_LABELS, URGENCY_TAGS } from './labels.js';
import { lateList, PAGE_SIZE, sentList, triageList } from './lists.js';
import { referralPolicy } from './policy.js';
import { pageNumber } from '../platform/http/form-body.js';
import { listHref, pageWindow, paginationLinks } from '../platform/http/paging.js';
import { readListQuery } from '../platform/http/list-search.js';
import { errorSummary } from '../platform/http/validate.js';
import { ForbiddenError } from '../platform/http/errors.js';

/** The GP's sent referrals and questions, the paediatrician's triage list, and the hub lead's late items. */

/** The page's numbers and its previous and next links, from the one paging module every list uses. */
const pagesOf = (path: string, page: number, total: number, q?: string) => {
  const window = pageWindow(total, page, PAGE_SIZE);
  const links = paginationLinks(window, (p) => listHref(path, { q, page: p }));
  return { page, pages: window.pages, previous: links?.previous, next: links?.next };
};

export const listRoutes: RouteModule = (app, deps) => {
  const labels = { kinds: KIND_LABELS, states: STATE_LABELS, urgencies: URGENCY_LABELS, urgencyTags: URGENCY_TAGS };
  const listPage = (req: FastifyRequest) => ({ page: pageNumber(req), today: londonToday() });

  app.get('/referrals', async (req, reply) => {
    const { page, today } = listPage(req);
    const list = await inTenant(deps, req, (tx, actor) => sentList(tx, actor, today, page));
    return reply.page('referrals/views/sent.njk', {
      title: 'Your referrals and questions', ...list, ...labels, ...pagesOf('/referrals', page, list.total), isPaediatrician: referralPolicy.triage(actorOf(req)).allowed,
    });
  });

  app.get('/referrals/triage', async (req, reply) => {
    const { today } = listPage(req);
    const search = readListQuery(req.query);
    const invalid = Object.keys(search.fields).length > 0;
    // A search that cannot be read lists (and audits) nobody: the box says what to change.
    const allowed = referralPolicy.triage(actorOf(req));
    if (!allowed.allowed) throw new ForbiddenError(allowed.reason);
    const list = invalid ? { total: 0, waiting: [], answeredTotal: 0, answered: [] }
      : await inTenant(deps, req, (tx, actor) => triageList(tx, actor, today, search.page, search.words));
    return reply.code(invalid ? 400 : 200).page('referrals/views/triage.njk', {
      title: 'Triage', ...list, ...labels, ...pagesOf('/referrals/triage', search.page, list.total, search.typed),
      typed: search.typed, searched: Boolean(search.words), fields: search.fields, errors: errorSummary(search.fields, ['q']),
    });
  });

  app.get('/referrals/late', async (req, reply) => {
    const { page, today } = listPage(req);
    const list = await inTenant(deps, req, (tx, actor) => lateList(tx, actor, today, page));
    return reply.page('referrals/views/late.njk', { title: 'Late referrals and advice requests', ...list, ...labels, ...pagesOf('/referrals/late', page, list.total) });
  });
};
