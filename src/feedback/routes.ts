import type { FastifyReply } from 'fastify';
import { actorOf, inTenant, type RouteModule } from '../platform/http/app.js';
import { errorSummary, idParam } from '../platform/http/validate.js';
import { ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { toCsv } from '../platform/http/csv.js';
import { bodyOf, field, queryOf } from '../platform/http/form-body.js';
import { londonToday } from '../platform/time/form-dates.js';
import { monthName } from '../platform/time/months.js';
import { xmrChart, variationWords, SUPPRESSED_WORDS } from '../population/service.js';
import { FEEDBACK_SERVICES, FFT_ANSWER_LABELS, FFT_QUESTION, SERVICE_NAMES, type FeedbackService } from './index.js';
import { answerFeedback, answerItems, feedbackLink, hubComments, recommendation, type LinkState } from './service.js';
import type { ShownShare } from './recommending.js';

const token = (params: unknown) => String((params as { token?: unknown }).token ?? '').slice(0, 100);

/** A link that cannot take an answer, in plain words: never an error page, never a hint of whose link it was. */
function closedLink(reply: FastifyReply, state: Exclude<LinkState, { state: 'open' }>) {
  const pages = {
    unknown: { status: 404, title: 'We cannot find this feedback link', paragraphs: ['Check that you typed the whole link from your letter. If it still does not work, the link may be wrong.'] },
    used: { status: 410, title: 'You have already answered', paragraphs: ['Each feedback link can be used once, and this one has been. Thank you for telling us about your experience.'] },
    expired: { status: 410, title: 'This feedback link has expired', paragraphs: ['Feedback links last 4 weeks. Thank you for wanting to tell us about your experience.'] },
  };
  const page = pages[state.state];
  return reply.code(page.status).page('feedback/views/message.njk', { title: page.title, paragraphs: page.paragraphs, service: 'service' in state ? state.service : null });
}

type Values = { answer: string; comments: string; anonymous: string };

function answerPage(reply: FastifyReply, t: string, link: Extract<LinkState, { state: 'open' }>, values: Values, fields: FieldErrors = {}) {
  return reply.code(Object.keys(fields).length ? 400 : 200).page('feedback/views/answer.njk', {
    title: 'Tell us how we did', token: t, link, values, fields, question: FFT_QUESTION,
    // The first radio of each question carries the question's id, so the summary's links land on it.
    errors: errorSummary(fields, ['answer', 'comments', 'anonymous']),
    ...answerItems(values),
  });
}

/** The family's feedback page: public, reached by the one-time link on their letter. */
export const feedbackRoutes: RouteModule = (app, deps) => {
  app.get('/feedback/thanks', { config: { public: true } }, async (_req, reply) => reply.page('feedback/views/message.njk', {
    title: 'Thank you for your feedback', paragraphs: ['We read every answer. What you told us helps us make our care better for children and families.'], service: null,
  }));

  app.get('/feedback/:token', { config: { public: true } }, async (req, reply) => {
    const t = token(req.params);
    const state = await feedbackLink(deps.db, t);
    if (state.state !== 'open') return closedLink(reply, state);
    return answerPage(reply, t, state, { answer: '', comments: '', anonymous: '' });
  });

  app.post('/feedback/:token', { config: { public: true } }, async (req, reply) => {
    const t = token(req.params);
    const body = bodyOf(req);
    const values = { answer: field(body, 'answer', 20), comments: field(body, 'comments', 2100), anonymous: field(body, 'anonymous', 4) };
    try {
      const state = await answerFeedback(deps.db, t, values);
      if (state.state !== 'open') return closedLink(reply, state);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const state = await feedbackLink(deps.db, t);
      if (state.state !== 'open') return closedLink(reply, state);
      return answerPage(reply, t, state, values, error.fields);
    }
    return reply.redirect('/feedback/thanks', 303);
  });

  const readFilter = (query: Record<string, unknown>) => ({
    hub: typeof query.hub === 'string' && /^[0-9a-f-]{36}$/.test(query.hub) ? query.hub : null,
    service: typeof query.service === 'string' && (FEEDBACK_SERVICES as readonly string[]).includes(query.service) ? (query.service as FeedbackService) : null,
  });
  // A share is missing only when withheld, or when no answer gave a view.
  const shareWords = (s: ShownShare) => (s.share !== null ? `${s.share}%` : s.answered === 0 ? 'No answers' : SUPPRESSED_WORDS);
  const cells = (s: ShownShare) => [{ text: String(s.answered) }, { text: String(s.recommending) }, { text: shareWords(s) }];

  app.get('/population/feedback', async (req, reply) => {
    const filter = readFilter(queryOf(req));
    const r = await inTenant(deps, req, (tx, actor) => recommendation(tx, actor, filter, londonToday()));
    const hubName = r.hubs.find((h) => h.id === filter.hub)?.name ?? 'All hubs';
    const scopeName = `${hubName}, ${filter.service ? SERVICE_NAMES[filter.service].toLowerCase() : 'every service'}`;
    const charted = r.series.some((m) => m.share !== null);
    const chart = charted ? xmrChart({
      label: `XmR chart of the share who would recommend, ${scopeName}, by month. ${variationWords(r.variation, 'increase')}. Every month is in the table that follows.`,
      months: r.series.map((m) => m.month), values: r.series.map((m) => m.share), types: r.series.map((m) => m.type),
      mean: r.series.map((m) => m.mean), lpl: r.series.map((m) => m.lpl), upl: r.series.map((m) => m.upl), target: null,
      axes: { x: 'Month', y: 'Would recommend (%)' },
    }) : null;
    const query = new URLSearchParams({ ...(filter.hub ? { hub: filter.hub } : {}), ...(filter.service ? { service: filter.service } : {}) }).toString();
    const actor = actorOf(req);
    return reply.page('feedback/views/recommending.njk', {
      title: 'Families who would recommend our services', scopeName, chart, suppress: r.suppress,
      variation: `${variationWords(r.variation, 'increase')}.`,
      hubItems: [{ value: '', text: 'All hubs' }, ...r.hubs.map((h) => ({ value: h.id, text: h.name, selected: h.id === filter.hub }))],
      serviceItems: [{ value: '', text: 'Every service' }, ...FEEDBACK_SERVICES.map((s) => ({ value: s, text: SERVICE_NAMES[s], selected: s === filter.service }))],
      monthRows: [...r.series].reverse().filter((m) => m.answered !== 0).map((m) => [{ text: monthName(m.month) }, ...cells(m)]),
      hubRows: r.hubsLastYear.map((h) => [{ text: h.label }, ...cells(h)]),
      serviceRows: r.servicesLastYear.map((s) => [{ text: SERVICE_NAMES[s.key as FeedbackService] }, ...cells(s)]),
      csvHref: `/population/feedback.csv${query ? `?${query}` : ''}`,
      ownHubs: r.hubs.filter((h) => h.lead_paediatrician_id === actor.professionalId),
    });
  });

  app.get('/population/feedback.csv', async (req, reply) => {
    const filter = readFilter(queryOf(req));
    const r = await inTenant(deps, req, (tx, actor) => recommendation(tx, actor, filter, londonToday()));
    const hub = r.hubs.find((h) => h.id === filter.hub)?.name ?? 'All hubs';
    const service = filter.service ? SERVICE_NAMES[filter.service] : 'Every service';
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="friends-and-family-test.csv"')
      .send(toCsv(['Month', 'Hub', 'Service', 'Answers', 'Would recommend', 'Share (%)'],
        r.series.map((m) => [m.month.slice(0, 7), hub, service, String(m.answered), String(m.recommending), m.share === null ? (m.answered === 0 ? '' : SUPPRESSED_WORDS) : String(m.share)])));
  });

  app.get('/population/feedback/hubs/:id', async (req, reply) => {
    const { hub, comments } = await inTenant(deps, req, (tx, actor) => hubComments(tx, actor, idParam(req.params)));
    return reply.page('feedback/views/comments.njk', {
      title: `What families wrote about ${hub.name}`, hub, comments,
      commentRows: comments.map((c) => [{ text: c.event_date }, { text: SERVICE_NAMES[c.service_kind] }, { text: FFT_ANSWER_LABELS[c.answer] }, { text: c.free_text }]),
    });
  });
};
