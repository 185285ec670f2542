import type { FastifyRequest } from 'fastify';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { bodyOf, dateBoxes, field as str } from '../platform/http/form-body.js';
import { ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { errorSummary } from '../platform/http/validate.js';
import { londonToday, readDateParts } from '../platform/time/form-dates.js';
import * as mdt from './service.js';

/** The MDT meetings the professional can see, the themes that recur across cases, and scheduling a series of meetings for a hub. */

/** A meeting is upcoming until three hours after it starts. */
const UPCOMING_FOR_MS = 3 * 3600_000;

export const meetingListRoutes: RouteModule = (app, deps) => {
  app.get('/mdt', async (req, reply) => {
    const today = londonToday();
    const { meetings, hubs, themes } = await inTenant(deps, req, async (tx, actor) => ({
      meetings: await mdt.meetingsOf(tx, actor, today), hubs: await mdt.hubsToSchedule(tx, actor), themes: await mdt.recurringThemes(tx, actor, today),
    }));
    const now = Date.now();
    return reply.page('mdt/views/meetings.njk', {
      title: 'MDT meetings', upcoming: meetings.filter((m) => Date.parse(m.starts_at) >= now - UPCOMING_FOR_MS), past: meetings.filter((m) => Date.parse(m.starts_at) < now - UPCOMING_FOR_MS).reverse(),
      canSchedule: hubs.length > 0, themes,
    });
  });

  const scheduleForm = async (req: FastifyRequest, values: Record<string, unknown>, fields: FieldErrors = {}) => {
    const hubs = await inTenant(deps, req, (tx, actor) => mdt.hubsToSchedule(tx, actor));
    const anchors: Record<string, string> = { firstDate: 'firstDate-day' };
    return {
      title: 'Schedule MDT meetings', values, fields,
      errors: errorSummary(fields, ['clusterId', 'title', 'firstDate', 'time', 'durationMinutes', 'repeatWeeks', 'count', 'maxCases', 'venue']).map((e) => ({ ...e, href: `#${anchors[e.href.slice(1)] ?? e.href.slice(1)}` })),
      hubItems: hubs.map((h) => ({ value: h.id, text: h.name, checked: values.clusterId === h.id || hubs.length === 1 })),
      backHref: '/mdt',
    };
  };

  app.get('/mdt/new', async (req, reply) => reply.page('mdt/views/schedule.njk', await scheduleForm(req, {
    title: 'Hub MDT meeting', firstDate: { day: '', month: '', year: '' }, time: '13:00', durationMinutes: '90', repeatWeeks: '4', count: '6', maxCases: '8', venue: '',
  })));

  app.post('/mdt/new', async (req, reply) => {
    const b = bodyOf(req);
    const boxes = dateBoxes(b, 'firstDate');
    const date = readDateParts(boxes, 'Date of the first meeting');
    const values = { clusterId: str(b, 'clusterId', 40), title: str(b, 'title', 300), firstDate: boxes, time: str(b, 'time', 10), durationMinutes: str(b, 'durationMinutes', 6),
      repeatWeeks: str(b, 'repeatWeeks', 6), count: str(b, 'count', 6), maxCases: str(b, 'maxCases', 6), venue: str(b, 'venue', 400) };
    try {
      await inTenant(deps, req, (tx, actor) => mdt.scheduleMeetings(tx, actor, { ...values, firstDate: date.error ? 'not-a-date' : (date.iso ?? '') }, londonToday()));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return reply.code(400).page('mdt/views/schedule.njk', await scheduleForm(req, values, { ...error.fields, ...(date.error ? { firstDate: date.error } : {}) }));
    }
    return reply.redirect('/mdt?scheduled=1', 303);
  });
};
