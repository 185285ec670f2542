import type { FastifyReply, FastifyRequest } from 'fastify';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { ConflictError, ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { errorSummary, idParam } from '../platform/http/validate.js';
import { bodyOf, field, fieldList, queryOf } from '../platform/http/form-body.js';
import { londonToday } from '../platform/time/form-dates.js';
import { familyLinkOf, offersFor } from '../advice/service.js';
import { letterPdf } from '../platform/http/pdf.js';
import { decideEpisode, startOnWard, HOME_CHECKS } from './acceptance.js';
import { wardCaseload } from './caseload.js';
import { dischargeFromWard, dischargeLetter, OUTCOME_WORDS } from './discharge.js';
import { episodePage, recordVisit, scheduleVisit } from './episode-page.js';
import { acknowledgeEscalation } from './escalations.js';
import { EPISODE_STATE_WORDS } from './episode-states.js';
import { formField, formValues, observationsFrom, FORM_FIELDS } from './observation-form.js';
import { recordObservations } from './observations.js';
import { pathwayChoices, referToWard, SOURCE_WORDS } from './refer.js';
import { DISCHARGE_OUTCOMES, EPISODE_SOURCES } from './schema.js';
import { pewsChartUsed } from './pews.js';
import { LEVELS } from './pews-chart.js';

/** The ICS's set-up pages for the ward (pathways, timers, rota), registered with the ward's own. */
export { wardAdminRoutes } from './admin-routes.js';

/** The children's virtual ward pages: the caseload, a stay, referring, accepting, observations, escalations, visits and discharge. */

type Values = Record<string, string>;
const V = 'ambulatory/views';
const LEVEL_ITEMS = LEVELS.filter((l) => l !== 'none').map((l) => ({ value: l, text: l[0].toUpperCase() + l.slice(1) }));

/** A refusal that changed nothing (someone was first, an illegal move): 409 with the reason and the way back. */
const refused = (reply: FastifyReply, message: string, backHref: string) =>
  reply.code(409).page('platform/http/views/refused.njk', { title: 'That could not be done', message, backHref });

export const virtualWardRoutes: RouteModule = (app, deps) => {
  app.get('/virtual-ward', async (req, reply) => {
    const c = await inTenant(deps, req, (tx, actor) => wardCaseload(tx, actor));
    const acknowledged = queryOf(req).done === 'acknowledged';
    return reply.page(`${V}/caseload.njk`, { title: 'Virtual ward caseload', ...c, states: EPISODE_STATE_WORDS, notice: acknowledged ? 'Escalation acknowledged: it is yours to respond to' : undefined });
  });

  const episode = async (req: FastifyRequest, id: string, opts: { values?: Values; fields?: FieldErrors; form?: string } = {}) => {
    const p = await inTenant(deps, req, (tx, actor) => episodePage(tx, actor, id));
    const fields = opts.fields ?? {};
    const values = opts.values ?? {};
    const q = queryOf(req);
    return {
      title: `${p.child.given_name} ${p.child.family_name}: ${p.episode.pathway_name}`, ...p, values, fields, form: opts.form,
      errors: errorSummary(fields), states: EPISODE_STATE_WORDS, sources: SOURCE_WORDS, homeChecks: HOME_CHECKS, levelItems: LEVEL_ITEMS,
      outcomes: OUTCOME_WORDS, latest: p.observations[0], recorded: q.recorded === '1', notice: typeof q.done === 'string' ? NOTICES[q.done] : undefined,
      backHref: p.onWardTeam ? '/virtual-ward' : `/children/${p.child.id}`,
    };
  };
  const NOTICES: Record<string, string> = {
    accepted: 'Accepted onto the virtual ward', declined: 'Declined: the referrer can see why', started: 'Care at home has started',
    acknowledged: 'Escalation acknowledged: it is yours to respond to', visit: 'Visit planned', 'visit-recorded': 'Visit recorded',
  };

  app.get('/virtual-ward/episodes/:id', async (req, reply) => reply.page(`${V}/episode.njk`, await episode(req, idParam(req.params))));

  app.post('/virtual-ward/episodes/:id/decision', async (req, reply) => {
    const id = idParam(req.params);
    const b = bodyOf(req);
    const names = ['decision', 'criteriaMet', ...Object.keys(HOME_CHECKS), 'consent', 'consentGivenBy', 'carerWorseLevel', 'safeguardingDiscussedWith', 'safeguardingDiscussion', 'declineReason', 'version'];
    const values = Object.fromEntries(names.map((n) => [n, field(b, n, 3100)]));
    const input = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === '' ? undefined : v]));
    try {
      const to = await inTenant(deps, req, (tx, actor) => decideEpisode(tx, actor, id, input as Parameters<typeof decideEpisode>[3]));
      return reply.redirect(`/virtual-ward/episodes/${id}?done=${to}`, 303);
    } catch (error) {
      if (error instanceof ConflictError) return refused(reply, error.message, `/virtual-ward/episodes/${id}`);
      if (!(error instanceof ValidationError)) throw error;
      return reply.code(400).page(`${V}/episode.njk`, await episode(req, id, { values, fields: error.fields, form: 'decision' }));
    }
  });

  app.post('/virtual-ward/episodes/:id/start', async (req, reply) => {
    const id = idParam(req.params);
    try {
      await inTenant(deps, req, (tx, actor) => startOnWard(tx, actor, id, Number(field(bodyOf(req), 'version', 12))));
    } catch (error) {
      if (error instanceof ConflictError || error instanceof ValidationError) return refused(reply, error instanceof ConflictError ? error.message : 'Reload the page and try again.', `/virtual-ward/episodes/${id}`);
      throw error;
    }
    return reply.redirect(`/virtual-ward/episodes/${id}?done=started`, 303);
  });

  const observationPage = async (req: FastifyRequest, id: string, values: Values, fields: FieldErrors = {}) => {
    const p = await inTenant(deps, req, (tx, actor) => episodePage(tx, actor, id));
    return {
      title: `Record observations: ${p.child.given_name} ${p.child.family_name}`, ...p, values, fields, chart: pewsChartUsed(), levelItems: LEVEL_ITEMS,
      errors: errorSummary(fields, [...FORM_FIELDS, 'observations']), backHref: `/virtual-ward/episodes/${id}`,
    };
  };

  app.get('/virtual-ward/episodes/:id/observations', async (req, reply) => reply.page(`${V}/observations.njk`, await observationPage(req, idParam(req.params), {})));

  app.post('/virtual-ward/episodes/:id/observations', async (req, reply) => {
    const id = idParam(req.params);
    const values = formValues(bodyOf(req));
    const read = observationsFrom(values, new Date());
    try {
      if ('fields' in read) throw new ValidationError(read.fields);
      await inTenant(deps, req, (tx, actor) => recordObservations(tx, actor, id, read.given));
    } catch (error) {
      if (error instanceof ConflictError) return refused(reply, error.message, `/virtual-ward/episodes/${id}`);
      if (!(error instanceof ValidationError)) throw error;
      const fields = Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [formField(k), v]));
      return reply.code(400).page(`${V}/observations.njk`, await observationPage(req, id, values, fields));
    }
    return reply.redirect(`/virtual-ward/episodes/${id}?recorded=1#latest`, 303);
  });

  app.post('/virtual-ward/escalations/:id/acknowledge', async (req, reply) => {
    const id = idParam(req.params);
    const back = field(bodyOf(req), 'episode', 40);
    const to = /^[0-9a-f-]{36}$/.test(back) ? `/virtual-ward/episodes/${back}` : '/virtual-ward';
    try {
      await inTenant(deps, req, (tx, actor) => acknowledgeEscalation(tx, actor, id));
    } catch (error) {
      if (error instanceof ConflictError) return refused(reply, error.message, to);
      throw error;
    }
    return reply.redirect(`${to}?done=acknowledged#escalations`, 303);
  });

  app.post('/virtual-ward/episodes/:id/visits', async (req, reply) => {
    const id = idParam(req.params);
    const b = bodyOf(req);
    const values = { kind: field(b, 'kind', 10), date: field(b, 'date', 10), time: field(b, 'time', 5) };
    try {
      const dueAt = /^\d{4}-\d\d-\d\d$/.test(values.date) && /^\d\d:\d\d$/.test(values.time) ? `${values.date}T${values.time}:00` : '';
      await inTenant(deps, req, (tx, actor) => scheduleVisit(tx, actor, id, { kind: values.kind || undefined, dueAt: dueAt || undefined }));
    } catch (error) {
      if (error instanceof ConflictError) return refused(reply, error.message, `/virtual-ward/episodes/${id}`);
      if (!(error instanceof ValidationError)) throw error;
      return reply.code(400).page(`${V}/episode.njk`, await episode(req, id, { values, fields: error.fields, form: 'visit' }));
    }
    return reply.redirect(`/virtual-ward/episodes/${id}?done=visit#visits`, 303);
  });

  app.post('/virtual-ward/visits/:id/done', async (req, reply) => {
    const id = idParam(req.params);
    const b = bodyOf(req);
    const back = /^[0-9a-f-]{36}$/.test(field(b, 'episode', 40)) ? `/virtual-ward/episodes/${field(b, 'episode', 40)}` : '/virtual-ward';
    try {
      await inTenant(deps, req, (tx, actor) => recordVisit(tx, actor, id, { by: field(b, 'by', 200), notes: field(b, 'notes', 3000) }));
    } catch (error) {
      if (error instanceof ConflictError || error instanceof ValidationError) return refused(reply, error instanceof ConflictError ? error.message : Object.values(error.fields).join(' '), back);
      throw error;
    }
    return reply.redirect(`${back}?done=visit-recorded#visits`, 303);
  });

  const dischargePage = async (req: FastifyRequest, id: string, values: Values, fields: FieldErrors = {}, chosen: string[] = []) => {
    const p = await inTenant(deps, req, async (tx, actor) => {
      const page = await episodePage(tx, actor, id);
      return { ...page, offers: await offersFor(tx, actor.icsId, page.child.date_of_birth, londonToday()) };
    });
    return {
      title: `Discharge: ${p.child.given_name} ${p.child.family_name}`, ...p, values: { version: String(p.episode.version), ...values }, fields,
      errors: errorSummary(fields, ['outcome', 'summary', 'version', 'pages', 'note']), backHref: `/virtual-ward/episodes/${id}`,
      outcomeItems: DISCHARGE_OUTCOMES.map((o) => ({ value: o, text: OUTCOME_WORDS[o], checked: values.outcome === o })),
      adviceItems: p.offers.map((o) => ({ value: o.choice, text: `${o.title} (${o.band}, version ${o.version})`, checked: chosen.includes(o.choice) })),
    };
  };

  app.get('/virtual-ward/episodes/:id/discharge', async (req, reply) => reply.page(`${V}/discharge.njk`, await dischargePage(req, idParam(req.params), {})));

  const letterPage = async (req: FastifyRequest, id: string) => {
    const { letter, sentAt, childId } = await inTenant(deps, req, (tx, actor) => dischargeLetter(tx, actor, id));
    return { title: letter.title, letter, sentAt, childId, episodeId: id, backHref: '/virtual-ward' };
  };

  app.post('/virtual-ward/episodes/:id/discharge', async (req, reply) => {
    const id = idParam(req.params);
    const b = bodyOf(req);
    const values = { outcome: field(b, 'outcome', 30), summary: field(b, 'summary', 5100), version: field(b, 'version', 12), note: field(b, 'note', 1100) };
    const pages = fieldList(b, 'pages', 20);
    try {
      const done = await inTenant(deps, req, (tx, actor) => dischargeFromWard(tx, actor, id, { ...values, outcome: (values.outcome || undefined) as never }, new Date(), { advice: { pages, note: values.note }, feedbackOrigin: deps.config.publicUrl }));
      // The family's one-time link is shown once, now, as the child's advice page shows it; without advice the letter page is a plain redirect.
      if (!done.advice) return reply.redirect(`/virtual-ward/episodes/${id}/letter?sent=1`, 303);
      const link = familyLinkOf(deps.config.publicUrl, `Advice sent: ${done.advice.titles.join('; ')}`, done.advice);
      return reply.page(`${V}/letter.njk`, { ...(await letterPage(req, id)), sent: true, link });
    } catch (error) {
      if (error instanceof ConflictError) return refused(reply, error.message, `/virtual-ward/episodes/${id}`);
      if (!(error instanceof ValidationError)) throw error;
      return reply.code(400).page(`${V}/discharge.njk`, await dischargePage(req, id, values, error.fields, pages));
    }
  });

  app.get('/virtual-ward/episodes/:id/letter', async (req, reply) =>
    reply.page(`${V}/letter.njk`, { ...(await letterPage(req, idParam(req.params))), sent: queryOf(req).sent === '1' }));

  app.get('/virtual-ward/episodes/:id/letter.pdf', async (req, reply) => {
    const { letter } = await inTenant(deps, req, (tx, actor) => dischargeLetter(tx, actor, idParam(req.params)));
    return reply.type('application/pdf').header('content-disposition', 'inline; filename="virtual-ward-discharge-summary.pdf"').send(await letterPdf(letter));
  });

  // Referring from the child's page: the GP, ED or a ward (step-up or step-down).
  const referPage = async (req: FastifyRequest, childId: string, values: Values, fields: FieldErrors = {}) => {
    const choices = await inTenant(deps, req, (tx, actor) => pathwayChoices(tx, actor.icsId));
    return {
      title: 'Refer to the children’s virtual ward', childId, values, fields, errors: errorSummary(fields, ['pathwayId', 'source', 'reason']), backHref: `/children/${childId}`,
      pathwayItems: [{ value: '', text: 'Choose a pathway' }, ...choices.map((p) => ({ value: p.id, text: p.name, selected: values.pathwayId === p.id }))],
      sourceItems: EPISODE_SOURCES.filter((s) => s !== 'triage').map((s) => ({ value: s, text: SOURCE_WORDS[s], checked: values.source === s })),
    };
  };

  app.get('/children/:id/virtual-ward', async (req, reply) => reply.page(`${V}/refer.njk`, await referPage(req, idParam(req.params), {})));

  app.post('/children/:id/virtual-ward', async (req, reply) => {
    const childId = idParam(req.params);
    const b = bodyOf(req);
    const values = { pathwayId: field(b, 'pathwayId', 60), source: field(b, 'source', 30), reason: field(b, 'reason', 3100) };
    try {
      const id = await inTenant(deps, req, (tx, actor) => referToWard(tx, actor, childId, { ...values, source: (values.source || undefined) as never }));
      return reply.redirect(`/virtual-ward/episodes/${id}`, 303);
    } catch (error) {
      if (error instanceof ConflictError) return refused(reply, error.message, `/children/${childId}`);
      if (!(error instanceof ValidationError)) throw error;
      return reply.code(400).page(`${V}/refer.njk`, await referPage(req, childId, values, error.fields));
    }
  });
};
