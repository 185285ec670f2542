import type { FastifyRequest } from 'fastify';
import { inTenant, type AppDeps, type RouteModule } from '../platform/http/app.js';
import { bodyOf, field, queryOf } from '../platform/http/form-body.js';
import { toCsv } from '../platform/http/csv.js';
import { errorSummary } from '../platform/http/validate.js';
import { NotFoundError, type FieldErrors } from '../platform/http/errors.js';
import { londonToday } from '../platform/time/form-dates.js';
import { populationPolicy } from '../population/service.js';
import { AREAS, ANSWERED_BY, PLACEHOLDER_ITEMS, CHECKLIST_FORMAT } from './checklist-items.js';
import { checklistView, exportChecklist, loadChecklist, scoreItem, RATINGS, SCORE_FIELDS, type Rating, type ScoreForm } from './checklist.js';
import { standardsReport } from './standards-report.js';
import { STATUS_WORDS } from './standards.js';
import { refuseUnlessKeeper } from './service.js';
import { dateOf } from './standards-routes.js';

/** The integration checklist: scores by area for the ICS or a hub, scoring an item, loading the published items, JSON and CSV. */

const BASE = '/models/checklist';
const TAGS: Record<Rating, string> = { red: 'nhsuk-tag--red', amber: 'nhsuk-tag--yellow', green: 'nhsuk-tag--green' };
const FROM_STATUS: Record<string, Rating | undefined> = { met: 'green', partly: 'amber', 'not-met': 'red' };
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const hubOf = (req: FastifyRequest) => {
  const hub = field(queryOf(req), 'hub', 40) || 'ics';
  return checkHub(hub);
};
const checkHub = (hub: string) => {
  if (hub !== 'ics' && !/^[0-9a-f-]{36}$/.test(hub)) throw new NotFoundError();
  return hub;
};

export const checklistRoutes: RouteModule = (app, deps: AppDeps) => {
  app.get(BASE, async (req, reply) => {
    const asked = field(queryOf(req), 'hub', 40);
    if (asked) checkHub(asked);
    const v = await inTenant(deps, req, (tx, actor) => checklistView(tx, actor, asked ? (asked === 'ics' ? null : asked) : undefined));
    const hub = v.hubId ?? 'ics';
    const scope = hub === 'ics' ? 'the ICS as a whole' : v.hubs.find((h) => h.id === hub)?.name ?? '';
    const areas = Object.entries(AREAS).map(([area, name]) => ({
      name,
      rows: v.items.filter((i) => i.item.area === area).map((i) => [
        { text: i.item.wording },
        { html: i.latest ? `<strong class="nhsuk-tag ${TAGS[i.latest.rating]}">${RATINGS[i.latest.rating]}</strong><br>${i.latest.scoredOn}, ${escape(i.latest.by)}` : 'Not scored' },
        { text: i.disagreement.length ? `Disagreement: ${i.disagreement.map((s) => `${s.by} ${RATINGS[s.rating].toLowerCase()}`).join(', ')}` : i.latest ? `${i.latest.action || 'No action'}${i.latest.owner ? ` (owner: ${i.latest.owner})` : ''}` : '' },
        { html: [v.canScore ? `<a href="${BASE}/score?item=${encodeURIComponent(i.item.id)}&amp;hub=${hub}">Score<span class="nhsuk-u-visually-hidden"> ${escape(i.item.wording)}</span></a>` : '',
          i.history.length > 1 ? `${i.history.length} scores` : ''].filter(Boolean).join('<br>') || '—' },
      ]),
    })).filter((a) => a.rows.length);
    const history = v.items.flatMap((i) => i.history.map((s) => [{ text: s.scoredOn }, { text: i.item.id }, { text: RATINGS[s.rating] }, { text: s.by }, { text: s.evidence }]));
    return reply.page('models/views/checklist.njk', {
      title: 'Integration checklist', scope, placeholder: v.placeholder, areas, history, canLoad: v.canLoad,
      scopes: [...(v.whole ? [{ href: `${BASE}?hub=ics`, text: 'The ICS as a whole', current: hub === 'ics' }] : []), ...v.hubs.map((h) => ({ href: `${BASE}?hub=${h.id}`, text: h.name, current: hub === h.id }))],
      notice: field(queryOf(req), 'saved', 4) === '1' ? 'Score saved.' : undefined,
    });
  });

  async function scorePage(req: FastifyRequest, values: ScoreForm, fields: FieldErrors = {}) {
    return inTenant(deps, req, async (tx, actor) => {
      const hub = values.hub === 'ics' ? null : values.hub;
      const v = await checklistView(tx, actor, hub);
      const found = v.items.find((i) => i.item.id === values.item);
      if (!found || !v.canScore) throw new NotFoundError();
      // An item Joinery's data can answer for a hub is pre-filled from the hub's standard, and says so.
      let fromData: string | undefined;
      const standard = ANSWERED_BY[found.item.id];
      if (hub && standard && !values.rating) {
        const report = await standardsReport(tx, actor.icsId, { today: londonToday(), hideSmall: !populationPolicy.seeSmallNumbers(actor).allowed, hubIds: [hub], overTime: false });
        const h = report.standards.find((s) => s.id === standard)?.hubs[0];
        const rating = h && FROM_STATUS[h.status];
        if (h && rating) {
          values = { ...values, rating };
          fromData = `Pre-filled from Joinery’s data: ${report.standards.find((s) => s.id === standard)!.title}, ${STATUS_WORDS[h.status].toLowerCase()}${h.figure !== null ? ` (${h.figure}%)` : ''}, ${h.period}. Change it if you know better.`;
        }
      }
      return {
        title: 'Score a checklist item', backHref: `${BASE}?hub=${values.hub}`, item: found.item, values, fields, fromData,
        errors: errorSummary(fields, [...SCORE_FIELDS]),
        ratingItems: (Object.keys(RATINGS) as Rating[]).map((r) => ({ value: r, text: RATINGS[r], checked: values.rating === r })),
      };
    });
  }

  const EMPTY = { day: '', month: '', year: '' };
  app.get(`${BASE}/score`, async (req, reply) => {
    const q = queryOf(req);
    const values: ScoreForm = { item: field(q, 'item', 60), hub: hubOf(req), rating: '', evidence: '', owner: '', action: '', scoredOn: EMPTY };
    return reply.page('models/views/checklist-score.njk', await scorePage(req, values));
  });

  app.post(`${BASE}/score`, async (req, reply) => {
    const f = bodyOf(req);
    const values: ScoreForm = { item: field(f, 'item', 60), hub: checkHub(field(f, 'hub', 40) || 'ics'), rating: field(f, 'rating', 10), evidence: field(f, 'evidence', 3000),
      owner: field(f, 'owner', 3000), action: field(f, 'action', 3000), scoredOn: dateOf(f, 'scoredOn') };
    const done = await inTenant(deps, req, (tx, actor) => scoreItem(tx, actor, values, londonToday()));
    if ('saved' in done) return reply.redirect(`${BASE}?hub=${encodeURIComponent(values.hub)}&saved=1`, 303);
    return reply.code(400).page('models/views/checklist-score.njk', await scorePage(req, values, done.fields));
  });

  app.get(`${BASE}.json`, async (req, reply) => {
    const out = await inTenant(deps, req, (tx, actor) => exportChecklist(tx, actor));
    return reply.type('application/json; charset=utf-8').header('content-disposition', 'attachment; filename="integration-checklist.json"').send(JSON.stringify(out, null, 2));
  });

  app.get(`${BASE}.csv`, async (req, reply) => {
    const out = await inTenant(deps, req, (tx, actor) => exportChecklist(tx, actor));
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="integration-checklist-scores.csv"')
      .send(toCsv(['Date', 'Item', 'Hub', 'Rating', 'Evidence', 'Owner', 'Action', 'Scored by'], out.scores.map((s) => [s.scoredOn, s.item, s.hub ?? 'The ICS', s.rating, s.evidence, s.owner, s.action, s.by])));
  });

  const example = JSON.stringify({ format: CHECKLIST_FORMAT, version: 1, items: PLACEHOLDER_ITEMS.slice(0, 1).map(({ id, area }) => ({ id, area, wording: 'The published wording' })) });
  app.get(`${BASE}/import`, async (req, reply) => {
    await inTenant(deps, req, async (_tx, actor) => refuseUnlessKeeper(actor));
    return reply.page('models/views/checklist-import.njk', { title: 'Load the integration checklist', backHref: BASE, errors: [], text: '', example });
  });

  app.post(`${BASE}/import`, async (req, reply) => {
    const text = field(bodyOf(req), 'checklist', 500_000);
    const done = await inTenant(deps, req, (tx, actor) => loadChecklist(tx, actor, text));
    if ('errors' in done) {
      return reply.code(400).page('models/views/checklist-import.njk', {
        title: 'Load the integration checklist', backHref: BASE, text, example, errors: done.errors.map((e) => ({ text: e, href: '#checklist' })), fieldError: done.errors[0],
      });
    }
    return reply.redirect(`${BASE}?hub=ics&saved=1`, 303);
  });
};
