import { inTenant, type RouteModule } from '../platform/http/app.js';
import { idParam } from '../platform/http/validate.js';
import { londonToday } from '../platform/time/form-dates.js';
import { AGENCY_LABELS } from '../careplans/index.js';
import { STATUS_LABELS } from '../tasks/index.js';
import * as mdt from './service.js';

/** One-page briefs to read before the meeting: every case on a meeting's list, or one case. */

export const briefRoutes: RouteModule = (app, deps) => {
  const labels = { agencyLabels: AGENCY_LABELS, statusLabels: STATUS_LABELS };

  app.get('/mdt/:id/briefs', async (req, reply) => {
    const id = idParam(req.params);
    const { meeting, briefs } = await inTenant(deps, req, (tx, actor) => mdt.meetingBriefs(tx, actor, id, londonToday()));
    return reply.page('mdt/views/briefs.njk', { title: `Briefs: ${meeting.title}`, meeting, briefs, ...labels, backHref: `/mdt/${id}` });
  });

  app.get('/mdt/cases/:caseId/brief', async (req, reply) => {
    const brief = await inTenant(deps, req, (tx, actor) => mdt.caseBrief(tx, actor, idParam(req.params, 'caseId'), londonToday()));
    return reply.page('mdt/views/briefs.njk', { title: `Brief: ${brief.child.given_name} ${brief.child.family_name}`, meeting: brief.meeting, briefs: [brief], ...labels, backHref: `/mdt/${brief.meeting.id}` });
  });
};
