import type { FastifyRequest } from 'fastify';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { errorSummary } from '../platform/http/validate.js';
import { londonToday, type DateParts } from '../platform/time/form-dates.js';
import { addCover, coverRota } from './cover.js';
import { bodyOf, field, queryOf } from '../platform/http/form-body.js';
import { dateField } from './form-body.js';

/** The triage cover rota of the hubs the actor leads, and the form to add cover. */

type Values = { clusterId: string; coverId: string; startsOn: DateParts; endsOn: DateParts };
const EMPTY: Values = { clusterId: '', coverId: '', startsOn: { day: '', month: '', year: '' }, endsOn: { day: '', month: '', year: '' } };
// Date errors point at the day box, the first of the three.
const ANCHORS: Record<string, string> = { startsOn: 'startsOn-day', endsOn: 'endsOn-day' };

export const coverRoutes: RouteModule = (app, deps) => {
  const rotaPage = async (req: FastifyRequest, values: Values, fields: FieldErrors = {}) => {
    const { hubs, rota, paediatricians } = await inTenant(deps, req, (tx, actor) => coverRota(tx, actor, londonToday()));
    return {
      title: 'Triage cover', hubs, rota, values, fields,
      errors: errorSummary(fields, ['clusterId', 'coverId', 'startsOn', 'endsOn']).map((e) => ({ ...e, href: `#${ANCHORS[e.href.slice(1)] ?? e.href.slice(1)}` })),
      hubItems: hubs.map((h) => ({ value: h.id, text: h.name, checked: values.clusterId === h.id || hubs.length === 1 })),
      coverItems: [{ value: '', text: 'Select a paediatrician' }, ...paediatricians.map((p) => ({ value: p.id, text: `${p.name}, ${p.organisation_name}`, selected: p.id === values.coverId }))],
      added: queryOf(req).added === '1',
      backHref: '/referrals/triage',
    };
  };

  app.get('/referrals/cover', async (req, reply) => reply.page('referrals/views/cover.njk', await rotaPage(req, EMPTY)));

  app.post('/referrals/cover', async (req, reply) => {
    const b = bodyOf(req);
    const startsOn = dateField(b, 'startsOn', 'The first day of cover');
    const endsOn = dateField(b, 'endsOn', 'The last day of cover');
    const values: Values = { clusterId: field(b, 'clusterId', 40), coverId: field(b, 'coverId', 40), startsOn: startsOn.boxes, endsOn: endsOn.boxes };
    const dateErrors: FieldErrors = { ...(startsOn.error ? { startsOn: startsOn.error } : {}), ...(endsOn.error ? { endsOn: endsOn.error } : {}) };
    try {
      await inTenant(deps, req, (tx, actor) => addCover(tx, actor, { ...values, startsOn: startsOn.iso, endsOn: endsOn.iso }, londonToday()));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return reply.code(400).page('referrals/views/cover.njk', await rotaPage(req, values, { ...error.fields, ...dateErrors }));
    }
    return reply.redirect('/referrals/cover?added=1', 303);
  });
};
