import type { FastifyRequest } from 'fastify';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { ConflictError, ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { errorSummary, idParam } from '../platform/http/validate.js';
import { londonToday, readDateParts } from '../platform/time/form-dates.js';
import { bodyOf, dateBoxes, field as str } from '../platform/http/form-body.js';
import { flag, refusedPage } from './form.js';
import * as sessions from './sessions.js';
import { SLOT_COUNT, SLOT_MINUTES } from './session-input.js';

/** Clinic sessions: the list, setting one up, one session's slots, cancelling. */

const FORMAT_LABELS = { joint: 'Joint (paediatrician and GP)', gpwsi: 'GP with a special interest' } as const;
const FIELD_ORDER = ['clusterId', 'venueId', 'date', 'time', 'slotMinutes', 'slotCount', 'format', 'paediatricianId', 'gpId'];
// The confirmation of warnings is asked last, after every field is right.
const ERROR_ORDER = [...FIELD_ORDER, 'confirm'];

type FormValues = { [k: string]: string | { day: string; month: string; year: string } };

const options = (list: { id: string; text: string }[], current: string, prompt: string) =>
  [{ value: '', text: prompt, selected: !current }, ...list.map((o) => ({ value: o.id, text: o.text, selected: o.id === current }))];

export const sessionRoutes: RouteModule = (app, deps) => {
  app.get('/clinics', async (req, reply) => {
    const { sessions: list, canSetUp } = await inTenant(deps, req, (tx, actor) => sessions.sessionsOf(tx, actor, londonToday()));
    const now = Date.now();
    const rows = list.map((s) => ({ ...s, formatLabel: FORMAT_LABELS[s.format], free: s.slot_count - s.taken }));
    return reply.page('clinics/views/sessions.njk', {
      title: 'Hub clinics', canSetUp, cancelled: flag(req, 'cancelled'),
      upcoming: rows.filter((s) => sessions.sessionEnds(s).getTime() >= now), recent: rows.filter((s) => sessions.sessionEnds(s).getTime() < now).reverse(),
    });
  });

  const sessionForm = async (req: FastifyRequest, values: FormValues, fields: FieldErrors = {}, warned?: sessions.ClinicWarnings) => {
    const c = await inTenant(deps, req, (tx, actor) => sessions.sessionChoices(tx, actor));
    const hubName = new Map(c.clusters.map((h) => [h.id, h.name]));
    const at = (id: string | null) => (id ? ` (${hubName.get(id)})` : '');
    const v = values as Record<string, string>;
    return {
      title: 'Set up a clinic', values, fields, slotMinutes: SLOT_MINUTES, slotCount: SLOT_COUNT,
      errors: errorSummary(fields, ERROR_ORDER).map((e) => ({ ...e, href: e.href === '#date' ? '#date-day' : e.href })),
      clusterItems: options(c.clusters.map((h) => ({ id: h.id, text: h.name })), v.clusterId || (c.clusters.length === 1 ? c.clusters[0].id : ''), 'Select a hub'),
      venueItems: options(c.practices.map((p) => ({ id: p.id, text: `${p.name}${at(p.cluster_id)}` })), v.venueId, 'Select a practice'),
      gpItems: options(c.gps.map((g) => ({ id: g.id, text: `${g.name}, ${g.detail}${at(g.cluster_id)}` })), v.gpId, 'Select a GP'),
      paediatricianItems: options(c.paediatricians.map((p) => ({ id: p.id, text: `${p.name}, ${p.detail}` })), v.paediatricianId, 'Select a paediatrician'),
      formatItems: Object.entries(FORMAT_LABELS).map(([value, text]) => ({ value, text, checked: v.format === value })),
      warnings: warned?.warnings ?? [], confirmation: warned?.confirmation ?? '',
      backHref: '/clinics',
    };
  };

  app.get('/clinics/new', async (req, reply) => reply.page('clinics/views/session-form.njk', await sessionForm(req, {
    clusterId: '', venueId: '', date: { day: '', month: '', year: '' }, time: '09:30', slotMinutes: '20', slotCount: '8', format: 'joint', paediatricianId: '', gpId: '',
  })));

  app.post('/clinics/new', async (req, reply) => {
    const b = bodyOf(req);
    const boxes = dateBoxes(b, 'date');
    const date = readDateParts(boxes, 'The clinic date');
    const typed: Record<string, string> = {};
    for (const k of FIELD_ORDER.filter((f) => f !== 'date')) typed[k] = str(b, k, 60);
    let id: string;
    try {
      id = await inTenant(deps, req, (tx, actor) => sessions.setUpSession(tx, actor, { ...typed, date: date.error ? 'not-a-date' : (date.iso ?? ''), confirm: str(b, 'confirm', 2000) }));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const warned = error instanceof sessions.ClinicWarnings ? error : undefined;
      return reply.code(400).page('clinics/views/session-form.njk', await sessionForm(req, { ...typed, date: boxes }, { ...error.fields, ...(date.error ? { date: date.error } : {}) }, warned));
    }
    return reply.redirect(`/clinics/${id}?created=1`, 303);
  });

  app.get('/clinics/:id', async (req, reply) => {
    const page = await inTenant(deps, req, (tx, actor) => sessions.openSession(tx, actor, idParam(req.params)));
    return reply.page('clinics/views/session.njk', {
      title: `${page.session.cluster_name} clinic`, ...page, formatLabel: FORMAT_LABELS[page.session.format],
      slots: page.slots.map((s) => ({ ...s, started: new Date(s.starts_at).getTime() <= Date.now() })),
      created: flag(req, 'created'), cancelled: flag(req, 'cancelled'), dna: flag(req, 'dna'), backHref: '/clinics',
    });
  });

  app.post('/clinics/:id/cancel', async (req, reply) => {
    const id = idParam(req.params);
    try {
      await inTenant(deps, req, (tx, actor) => sessions.cancelSession(tx, actor, id));
    } catch (error) {
      if (error instanceof ConflictError) return refusedPage(reply, error.message, `/clinics/${id}`);
      throw error;
    }
    return reply.redirect(`/clinics/${id}?cancelled=1`, 303);
  });
};
