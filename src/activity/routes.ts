import type { FastifyRequest } from 'fastify';
import { inTenant, type AppDeps, type RouteModule } from '../platform/http/app.js';
import { ValidationError } from '../platform/http/errors.js';
import { listHref } from '../platform/http/paging.js';
import { errorSummary } from '../platform/http/validate.js';
import { londonToday } from '../record/form-dates.js';
import { SOURCES } from './comparison.js';
import { toCsv } from '../platform/http/csv.js';
import type { FilterValues } from './filters.js';
import { monthName, selectableMonths } from './period.js';
import { activityView } from './service.js';
import { shownCell, TABLE_IDS, type TableId } from './tables.js';

/** Hub and cluster activity: the page (a GET form, no script needed) and a CSV of each of its tables. */

const view = (deps: AppDeps, req: FastifyRequest, today: string, name: string, only?: TableId) =>
  inTenant(deps, req, (tx, actor) => activityView(tx, actor, req.query, today, name, only));

/** A table's CSV link, for the same filters (all set whenever there is a report to link from). */
const csvHref = (id: TableId, f: FilterValues) => listHref(`/activity/${id}.csv`, { scope: f.scope, from: f.from, to: f.to });

/** 'Riverside Hub' → 'riverside-hub', for a file name. */
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'activity';

export const activityRoutes: RouteModule = (app, deps) => {
  app.get('/activity', async (req, reply) => {
    const today = londonToday();
    const v = await view(deps, req, today, 'page');
    const report = v.report && {
      ...v.report,
      childrenText: typeof v.report.children === 'number' ? v.report.children.toLocaleString('en-GB') : 'Fewer than 8',
      tables: v.report.tables.map((t) => ({ ...t, shown: t.rows.map((r) => r.map(shownCell)), csvHref: csvHref(t.id, v.values) })),
    };
    return reply.code(v.report ? 200 : 400).page('activity/views/activity.njk', {
      title: 'Hub activity',
      values: v.values,
      fields: v.fields,
      errors: errorSummary(v.fields, ['scope', 'from', 'to']),
      scopeItems: v.scopes,
      monthItems: selectableMonths(today).map((m) => ({ value: m, text: monthName(m) })),
      report,
      sources: SOURCES,
    });
  });

  for (const id of TABLE_IDS) {
    app.get(`/activity/${id}.csv`, async (req, reply) => {
      const v = await view(deps, req, londonToday(), `${id}.csv`, id);
      if (!v.report) throw new ValidationError(v.fields);
      const [table] = v.report.tables;
      const name = `hub-activity-${id}-${slug(v.report.scopeName)}-${v.values.from}-to-${v.values.to}.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        .send(toCsv(table.columns.map((c) => c.heading), table.rows));
    });
  }
};
