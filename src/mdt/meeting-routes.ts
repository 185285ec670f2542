import type { FastifyRequest } from 'fastify';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { bodyOf } from '../platform/http/form-body.js';
import { ConflictError, ValidationError } from '../platform/http/errors.js';
import { errorSummary, idParam } from '../platform/http/validate.js';
import { ROLES } from '../platform/access/roles.js';
import { londonDateAndTime, londonToday } from '../platform/time/form-dates.js';
import * as mdt from './service.js';
import { THEMES } from './meeting-input.js';
import { checked, conflictPage, personItems } from './meeting-pages.js';

/** One meeting's page: its members (inviting, removing, who attended), its case list, and the children the risk list suggests. */

export const meetingRoutes: RouteModule = (app, deps) => {
  const meetingPage = async (req: FastifyRequest, id: string, extra: Record<string, unknown> = {}) => {
    const today = londonToday();
    const page = await inTenant(deps, req, (tx, actor) => mdt.openMeeting(tx, actor, id));
    const suggestions = page.can.run && page.can.bring ? await inTenant(deps, req, (tx, actor) => mdt.riskList(tx, actor, id, today)) : [];
    const when = londonDateAndTime(page.meeting.starts_at);
    return {
      title: `${page.meeting.title}, ${page.meeting.cluster_name}`, ...page, when, today,
      inviteItems: page.can.run ? await personItems(deps, req) : [],
      attendanceItems: page.members.map((m) => ({ value: m.professional_id, text: `${m.name}, ${ROLES[m.role as keyof typeof ROLES] ?? m.role}, ${m.organisation_name}`, checked: Boolean(m.attended) })),
      themes: THEMES, suggestions, riskThreshold: mdt.RISK_LIST_ED_ATTENDANCES, backHref: '/mdt', ...extra,
    };
  };

  app.get('/mdt/:id', async (req, reply) => reply.page('mdt/views/meeting.njk', await meetingPage(req, idParam(req.params))));

  app.post('/mdt/:id/members', async (req, reply) => {
    const id = idParam(req.params);
    const b = bodyOf(req);
    try {
      await inTenant(deps, req, (tx, actor) => mdt.inviteMember(tx, actor, id, b.professionalId, b.wholeSeries === 'yes'));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const fields = error.fields;
      return reply.code(400).page('mdt/views/meeting.njk', await meetingPage(req, id, { fields, errors: errorSummary(fields) }));
    }
    return reply.redirect(`/mdt/${id}#members`, 303);
  });

  app.post('/mdt/:id/members/:professionalId/remove', async (req, reply) => {
    const id = idParam(req.params);
    const professionalId = idParam(req.params, 'professionalId');
    try {
      await inTenant(deps, req, (tx, actor) => mdt.removeMember(tx, actor, id, professionalId));
    } catch (error) {
      if (error instanceof ConflictError) return conflictPage(reply, error.message, `/mdt/${id}`);
      throw error;
    }
    return reply.redirect(`/mdt/${id}#members`, 303);
  });

  app.post('/mdt/:id/attendance', async (req, reply) => {
    const id = idParam(req.params);
    try {
      await inTenant(deps, req, (tx, actor) => mdt.recordAttendance(tx, actor, id, checked(bodyOf(req).attended).slice(0, 200)));
    } catch (error) {
      if (error instanceof ConflictError) return conflictPage(reply, error.message, `/mdt/${id}`);
      throw error;
    }
    return reply.redirect(`/mdt/${id}?attendance=1#members`, 303);
  });
};
