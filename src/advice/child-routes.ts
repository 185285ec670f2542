import type { FastifyReply, FastifyRequest } from 'fastify';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { errorSummary, idParam } from '../platform/http/validate.js';
import { bodyOf, field, fieldList } from '../platform/http/form-body.js';
import { londonToday } from '../platform/time/form-dates.js';
import { childAdvice, familyLinkOf, issueLink, sendAdvice, SENT_FROM_WORDS, type FamilyLink } from './service.js';

/** The advice sent to a child's family, from the child's page, and sending more. */
export const childAdviceRoutes: RouteModule = (app, deps) => {
  const show = async (req: FastifyRequest, reply: FastifyReply, id: string, state: { values?: { pages: string[]; note: string }; fields?: FieldErrors; link?: FamilyLink } = {}) => {
    const p = await inTenant(deps, req, (tx, actor) => childAdvice(tx, actor, id, londonToday()));
    const values = state.values ?? { pages: [], note: '' };
    const fields = state.fields ?? {};
    return reply.code(state.fields ? 400 : 200).page('advice/views/child.njk', {
      title: `Advice sent to the family: ${p.child.given_name} ${p.child.family_name}`, backHref: `/children/${id}`, ...p, values, fields, link: state.link, sourceWords: SENT_FROM_WORDS,
      errors: errorSummary(fields, ['pages', 'note']),
      offerItems: p.offers.map((o) => ({ value: o.choice, text: `${o.title} (${o.band}, version ${o.version})`, checked: values.pages.includes(o.choice) })),
    });
  };

  app.get('/children/:id/advice', async (req, reply) => show(req, reply, idParam(req.params)));

  app.post('/children/:id/advice', async (req, reply) => {
    const id = idParam(req.params);
    const b = bodyOf(req);
    const values = { pages: fieldList(b, 'pages', 20), note: field(b, 'note', 1100) };
    try {
      const sent = await inTenant(deps, req, (tx, actor) => sendAdvice(tx, actor, id, { pages: b.pages, note: b.note }, { source: 'child-page' }, londonToday()));
      return await show(req, reply, id, { link: familyLinkOf(deps.config.publicUrl, `Sent: ${sent.titles.join('; ')}`, sent) });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return show(req, reply, id, { values, fields: error.fields });
    }
  });

  app.post('/children/:id/advice/:sendingId/link', async (req, reply) => {
    const id = idParam(req.params);
    const sendingId = idParam(req.params, 'sendingId');
    const made = await inTenant(deps, req, (tx, actor) => issueLink(tx, actor, id, sendingId));
    return show(req, reply, id, { link: familyLinkOf(deps.config.publicUrl, 'A new link for the family. The old link no longer works.', made) });
  });
};
