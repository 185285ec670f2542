import type { FastifyReply, FastifyRequest } from 'fastify';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { ConflictError, ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { errorSummary, idParam } from '../platform/http/validate.js';
import { londonToday } from '../platform/time/form-dates.js';
import { isLate, KIND_LABELS, MDT_DISCUSSED_LABEL, STATE_LABELS, URGENCY_LABELS, URGENCY_TAGS } from './labels.js';
import { openReferral } from './referral-page.js';
import { decideReferral } from './decide.js';
import { postMessage } from './thread.js';
import { bodyOf, field, fieldList, queryOf } from '../platform/http/form-body.js';
import { familyLinkOf, offersFor, type FamilyLink } from '../advice/service.js';
import { savedFirstByAnother, showTypedAgain } from '../platform/http/typed-again.js';
import { pathwayChoices } from '../ambulatory/service.js';

/** One referral: its details, attachments, timeline and thread, the reply form, and the decision form for whoever may move it now. */

type Values = Record<string, string>;

export const referralPageRoutes: RouteModule = (app, deps) => {
  const page = async (req: FastifyRequest, id: string, opts: { values?: Values; fields?: FieldErrors; pages?: string[]; link?: FamilyLink } = {}) => {
    const today = londonToday();
    const p = await inTenant(deps, req, async (tx, actor) => {
      const opened = await openReferral(tx, actor, id, today);
      // Advice pages from the ICS's library for the child's age today, offered with an advice decision.
      const offers = opened.moves.some((m) => m.to === 'advice-given') ? await offersFor(tx, actor.icsId, opened.child.date_of_birth, today) : [];
      return { ...opened, adviceOffers: offers };
    });
    const values = opts.values ?? {};
    const fields = opts.fields ?? {};
    const q = queryOf(req);
    const offersAmbulatory = p.moves.some((m) => m.to === 'ambulatory');
    const pathways = offersAmbulatory ? await inTenant(deps, req, (tx, actor) => pathwayChoices(tx, actor.icsId)) : [];
    return {
      title: `${KIND_LABELS[p.referral.kind]}: ${p.child.given_name} ${p.child.family_name}`, ...p, values, fields,
      // A stale or missing version is fixed by choosing again: its message points at the choices.
      errors: errorSummary(fields, ['to', 'version', 'note', 'service', 'pathwayId', 'pages', 'selfCare', 'body']).map((e) => (e.href === '#version' ? { ...e, href: '#to' } : e)),
      stateLabel: p.referral.state === 'mdt' && p.mdt?.status === 'discussed' ? MDT_DISCUSSED_LABEL : STATE_LABELS[p.referral.state], kindLabel: KIND_LABELS[p.referral.kind], urgencyLabel: URGENCY_LABELS[p.referral.urgency],
      urgencyTag: URGENCY_TAGS[p.referral.urgency], late: isLate(p.referral, today), states: STATE_LABELS,
      moveItems: p.moves.map((m) => ({
        value: m.to, text: m.name, checked: values.to === m.to,
        hint: m.needs ? { text: { reason: 'Give the reason', notes: 'Write your notes: the GP reads them', service: 'Name the service' }[m.needs] } : undefined,
      })),
      offersAdvice: p.moves.some((m) => m.to === 'advice-given'),
      offersReferredOn: p.moves.some((m) => m.to === 'referred-on'),
      adviceItems: p.adviceOffers.map((o) => ({ value: o.choice, text: `${o.title} (${o.band}, version ${o.version})`, checked: (opts.pages ?? []).includes(o.choice) })),
      offersAmbulatory, pathwayItems: [{ value: '', text: 'Choose a pathway' }, ...pathways.map((w) => ({ value: w.id, text: w.name, selected: values.pathwayId === w.id }))],
      link: opts.link,
      notice: q.sent === '1' ? 'Sent to the hub' : q.decided === '1' ? 'Decision saved' : q.posted === '1' ? 'Message sent' : undefined,
      backHref: p.isTriager ? '/referrals/triage' : '/referrals',
    };
  };
  const conflict = (reply: FastifyReply, message: string, id: string) =>
    reply.code(409).page('referrals/views/conflict.njk', { title: 'Someone else decided first', message, backHref: `/referrals/${id}` });

  app.get('/referrals/:id', async (req, reply) => reply.page('referrals/views/referral.njk', await page(req, idParam(req.params))));

  app.post('/referrals/:id/messages', async (req, reply) => {
    const id = idParam(req.params);
    const b = bodyOf(req);
    try {
      await inTenant(deps, req, (tx, actor) => postMessage(tx, actor, id, { body: b.body }, londonToday()));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return reply.code(400).page('referrals/views/referral.njk', await page(req, id, { values: { body: field(b, 'body', 3100) }, fields: error.fields }));
    }
    return reply.redirect(`/referrals/${id}?posted=1#messages`, 303);
  });

  app.post('/referrals/:id/decision', async (req, reply) => {
    const id = idParam(req.params);
    const b = bodyOf(req);
    const values = {
      to: field(b, 'to', 30), note: field(b, 'note', 3100), service: field(b, 'service', 210), selfCare: field(b, 'selfCare', 2100), version: field(b, 'version', 12),
      pathwayId: field(b, 'pathwayId', 60),
    };
    const pages = fieldList(b, 'pages', 20);
    let decided: Awaited<ReturnType<typeof decideReferral>>;
    try {
      decided = await inTenant(deps, req, (tx, actor) => decideReferral(tx, actor, id, { ...values, pages }, londonToday()));
    } catch (error) {
      // Someone decided first: the page as it now stands (their decision in it), with this person's decision and note kept in the form.
      if (savedFirstByAnother(error)) return showTypedAgain(reply, 'referrals/views/referral.njk', await page(req, id, { values, pages }), error);
      if (error instanceof ConflictError) return conflict(reply, error.message, id);
      if (!(error instanceof ValidationError)) throw error;
      return reply.code(400).page('referrals/views/referral.njk', await page(req, id, { values, pages, fields: error.fields }));
    }
    // Advice pages sent with the decision: the family's one-time link is shown now, once, as from the child's advice page.
    if (decided.advice) return reply.page('referrals/views/referral.njk', await page(req, id, { link: familyLinkOf(deps.config.publicUrl, `Decision saved. Advice sent to the family: ${decided.advice.titles.join('; ')}`, decided.advice) }));
    return reply.redirect(`/referrals/${id}?decided=1`, 303);
  });
};
