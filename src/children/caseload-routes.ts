import { inTenant, type RouteModule } from '../platform/http/app.js';
import { errorSummary } from '../platform/http/validate.js';
import { readListQuery } from '../platform/http/list-search.js';
import { listHref, paginationLinks } from '../platform/http/paging.js';
import { myChildren } from './caseload.js';
import { readSearch } from './search-form.js';
import { ageOn } from './labels.js';

/** "My children": a GET form (works without JavaScript) over the caseload, searched by name or NHS number. */
export const caseloadRoutes: RouteModule = (app, deps) => {
  app.get('/my-children', async (req, reply) => {
    const query = readListQuery(req.query);
    // A name or an NHS number, read as Find a child reads them, so the same words find the same children.
    const search = query.words ? readSearch({ q: query.words }) : undefined;
    const fields = { ...query.fields, ...(search?.fields.q ? { q: search.fields.q } : {}) };
    const invalid = Object.keys(fields).length > 0;
    const caseload = invalid ? undefined : await inTenant(deps, req, (tx, actor) => myChildren(tx, actor, search?.criteria, query.page));
    const href = (page: number) => listHref('/my-children', { q: query.typed, page });
    return reply.code(invalid ? 400 : 200).page('children/views/my-children.njk', {
      title: 'My children',
      typed: query.typed,
      searched: Boolean(query.words),
      fields,
      errors: errorSummary(fields, ['q']),
      window: caseload?.window,
      children: caseload?.children.map((c) => ({ ...c, age: ageOn(c.date_of_birth) })),
      pageLinks: caseload && paginationLinks(caseload.window, href),
    });
  });
};
