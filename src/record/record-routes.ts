import type { RouteModule } from '../platform/http/app.js';
import { queryOf } from '../platform/http/form-body.js';
import { idParam } from '../platform/http/validate.js';
import * as record from './service.js';
import { recordPage } from './record-page.js';
import { cannotChange, forChild, noticeOf, recordHref, refusedBy } from './page-access.js';

/** The shared record page itself, and a letter filed in it. */
export const recordPageRoutes: RouteModule = (app, deps) => {
  app.get('/children/:id/record', async (req, reply) => {
    const id = idParam(req.params);
    // The page's one read audits what it shows.
    const page = await forChild(deps, req, id, (tx, actor, ctx) => recordPage(tx, actor, ctx, queryOf(req)), null);
    if (refusedBy(page)) return cannotChange(reply, id, page.refused);
    return reply.code(page.timeline.errors.length ? 400 : 200).page('record/views/record.njk', {
      title: `Shared record: ${page.child.name}`,
      ...page,
      errors: page.timeline.errors,
      notice: noticeOf(req.query),
      backHref: `/children/${id}`,
    });
  });

  app.get('/children/:id/record/letters/:letterId', async (req, reply) => {
    const id = idParam(req.params);
    const letterId = idParam(req.params, 'letterId');
    const page = await forChild(deps, req, id, async (tx, _actor, ctx) => {
      const letter = await record.childLetter(tx, ctx.access, letterId);
      return { title: letter.title, child: ctx.child, letter: letter.body, filedAt: letter.filed_at, filedBy: letter.filed_by_name, backHref: `${recordHref(id)}#letters` };
    });
    if (refusedBy(page)) return cannotChange(reply, id, page.refused);
    return reply.page('record/views/letter.njk', page);
  });
};
