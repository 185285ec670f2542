import type { FastifyReply } from 'fastify';
import { inTenant, type AppDeps, type RouteModule } from '../platform/http/app.js';
import { bodyOf, field, fieldList, type Form } from '../platform/http/form-body.js';
import { toCsv } from '../platform/http/csv.js';
import { errorSummary } from '../platform/http/validate.js';
import { ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { londonToday } from '../platform/time/form-dates.js';
import { THEMES } from '../mdt/index.js';
import { trendChart, trendMark } from '../population/service.js';
import { STANDARDS, STATUS_WORDS, standardOf, type StandardStatus } from './standards.js';
import { attestStandard, standardsView, ATTEST_FIELDS, type AttestForm } from './standards-service.js';
import { recordTeaching, teachingSessions, TEACHING_FIELDS, type TeachingForm } from './teaching.js';
import { hubsSeen } from './hubs-seen.js';
import { refuseUnlessKeeper } from './service.js';
import type { HubStandard } from './standards-report.js';

/** The standards measured from data (page, CSV, attestations) and the hubs' teaching sessions. */

const BASE = '/models/standards';
const TEACHING = '/models/teaching';
const TAGS: Record<StandardStatus, string> = { met: 'nhsuk-tag--green', partly: 'nhsuk-tag--yellow', 'not-met': 'nhsuk-tag--red', 'no-data': 'nhsuk-tag--grey', attested: 'nhsuk-tag--blue' };
/** A date as nhsuk-frontend's date input sends it: name[day], name[month], name[year]. */
export const dateOf = (f: Form, name: string) => ({ day: field(f, `${name}[day]`, 4), month: field(f, `${name}[month]`, 4), year: field(f, `${name}[year]`, 6) });

const figureWords = (h: HubStandard) => (h.figure !== null ? `${h.figure}%` : h.note);
const countsWords = (h: HubStandard) => (h.numerator !== null && h.denominator !== null ? `${h.numerator} of ${h.denominator}` : '');

type View = Awaited<ReturnType<typeof standardsView>>;

/** A period's axis label: the month its six months end in ("Jun 2026"). */
const endMonth = (period: string) => new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${period.slice(-10)}T00:00:00Z`));
const statusCell = (y: HubStandard) => `${STATUS_WORDS[y.status]}${y.figure !== null ? `, ${y.figure}%` : ''}`;

/** A standard over time: its chart (where it has a share to draw), the hubs' key, and the table that is the chart in words. */
function overTime(s: View['standards'][number]) {
  const standard = standardOf(s.id)!;
  const chart = standard.met !== null && standard.partly !== null && s.hubs.length > 0 ? trendChart({
    label: `Line chart of ${s.unit} by half-year, ${s.periods[0].slice(0, 10)} to ${s.periods.at(-1)!.slice(-10)}, one line per hub (${s.hubs.map((h) => h.hub).join(', ')}), `
      + `against met at ${standard.met}% and partly met at ${standard.partly}%. A break in a line is a half-year with no figure. The table below gives every value.`,
    periods: s.periods.map(endMonth),
    lines: s.hubs.map((h) => ({ name: h.hub, values: h.overTime.map((y) => y.figure) })),
    met: standard.met, partly: standard.partly,
    axes: { x: 'Half-year ending', y: s.unit },
  }) : null;
  return {
    chart,
    key: chart ? s.hubs.map((h, i) => ({ name: h.hub, ...trendMark(i) })) : [],
    thresholds: standard.met !== null ? { met: standard.met, partly: standard.partly } : null,
    head: [{ text: 'Six months' }, ...s.hubs.map((h) => ({ text: h.hub }))],
    rows: s.periods.map((p, k) => [{ text: p }, ...s.hubs.map((h) => ({ text: statusCell(h.overTime[k]) }))]),
    csvHref: `${BASE}.csv?standard=${s.id}`,
  };
}

function standardsPage(v: View) {
  return {
    title: 'Child health standards by hub',
    period: v.period,
    canAttest: v.canAttest,
    standards: v.standards.map((s) => ({
      id: s.id, title: s.title, unit: s.unit,
      rows: s.hubs.map((h) => [
        { text: h.hub },
        { html: `<strong class="nhsuk-tag ${TAGS[h.status]}">${STATUS_WORDS[h.status]}</strong>` },
        { text: figureWords(h) + (h.median !== null ? ` (median ${h.median} hours)` : '') },
        { text: countsWords(h) || 'Not shown' },
      ]),
      overTime: overTime(s),
    })),
  };
}

function attestPage(v: { hubs: { id: string; name: string }[] }, values: AttestForm, fields: FieldErrors = {}) {
  return {
    title: 'Attest to a standard', backHref: BASE, values, fields, errors: errorSummary(fields, [...ATTEST_FIELDS]),
    standardItems: STANDARDS.map((s) => ({ value: s.id, text: s.title, checked: values.standard === s.id })),
    hubItems: [{ value: '', text: 'Select the hub' }, ...v.hubs.map((h) => ({ value: h.id, text: h.name, selected: values.hub === h.id }))],
    statusItems: (['met', 'partly', 'not-met'] as const).map((s) => ({ value: s, text: STATUS_WORDS[s], checked: values.status === s })),
  };
}

type Sessions = Awaited<ReturnType<typeof teachingSessions>>;

function teachingPage(v: Sessions, values: TeachingForm, fields: FieldErrors = {}, notice?: string) {
  return {
    title: 'Hub teaching sessions', notice, values, fields, errors: errorSummary(fields, [...TEACHING_FIELDS]),
    canRecord: v.canRecord.length > 0,
    rows: v.sessions.map((s) => [{ text: s.heldOn }, { text: s.hub }, { text: s.topic }, { text: s.practices.join(', ') }]),
    hubItems: [{ value: '', text: 'Select the hub' }, ...v.hubs.filter((h) => v.canRecord.includes(h.id)).map((h) => ({ value: h.id, text: h.name, selected: values.hub === h.id }))],
    topicItems: [...THEMES.map((t) => ({ value: t, text: t, checked: values.topic === t })), { value: 'other', text: 'Another topic', checked: values.topic === 'other' }],
    practiceItems: v.practices.filter((p) => v.canRecord.includes(p.hubId)).map((p) => ({
      value: p.id, text: p.name, hint: { text: v.hubs.find((h) => h.id === p.hubId)?.name ?? '' }, checked: values.practices.includes(p.id),
    })),
  };
}

const EMPTY_DATE = { day: '', month: '', year: '' };
const csv = (reply: FastifyReply, name: string, header: string[], body: (string | number | null)[][]) =>
  reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(toCsv(header, body));

export const standardsRoutes: RouteModule = (app, deps: AppDeps) => {
  app.get(BASE, async (req, reply) => {
    const v = await inTenant(deps, req, (tx, actor) => standardsView(tx, actor, londonToday()));
    const saved = field(req.query as Form, 'saved', 10) === '1' ? 'Attestation saved.' : undefined;
    return reply.page('models/views/standards.njk', { ...standardsPage(v), notice: saved });
  });

  app.get(`${BASE}.csv`, async (req, reply) => {
    // One standard's rows (the download beside its chart), or every standard's.
    const only = field(req.query as Form, 'standard', 40);
    if (only && !standardOf(only)) throw new ValidationError({ standard: 'There is no such standard' });
    const v = await inTenant(deps, req, (tx, actor) => standardsView(tx, actor, londonToday()));
    return csv(reply, only ? `child-health-standard-${only}` : 'child-health-standards', ['Standard', 'Hub', 'Period', 'Status', 'Figure (%)', 'Numerator', 'Denominator', 'Median hours', 'Note'],
      v.standards.filter((s) => !only || s.id === only)
        .flatMap((s) => s.hubs.flatMap((h) => [h, ...h.overTime].map((y) => [s.title, y.hub, y.period, STATUS_WORDS[y.status], y.figure, y.numerator, y.denominator, y.median, y.note]))));
  });

  app.get(`${BASE}/attest`, async (req, reply) => {
    const v = await inTenant(deps, req, async (tx, actor) => {
      refuseUnlessKeeper(actor);
      return hubsSeen(tx, actor);
    });
    return reply.page('models/views/attest.njk', attestPage(v, { standard: 'community-nursing', hub: '', status: '', evidence: '', attestedOn: EMPTY_DATE }));
  });

  app.post(`${BASE}/attest`, async (req, reply) => {
    const f = bodyOf(req);
    const values: AttestForm = { standard: field(f, 'standard', 40), hub: field(f, 'hub', 40), status: field(f, 'status', 10), evidence: field(f, 'evidence', 3000), attestedOn: dateOf(f, 'attestedOn') };
    const done = await inTenant(deps, req, async (tx, actor) => {
      const r = await attestStandard(tx, actor, values, londonToday());
      return 'fields' in r ? { ...r, seen: await hubsSeen(tx, actor) } : r;
    });
    if ('saved' in done) return reply.redirect(`${BASE}?saved=1`, 303);
    return reply.code(400).page('models/views/attest.njk', attestPage(done.seen, values, done.fields));
  });

  const EMPTY_TEACHING: TeachingForm = { hub: '', heldOn: EMPTY_DATE, topic: '', otherTopic: '', practices: [] };

  app.get(TEACHING, async (req, reply) => {
    const v = await inTenant(deps, req, (tx, actor) => teachingSessions(tx, actor));
    const notice = field(req.query as Form, 'saved', 10) === '1' ? 'Teaching session recorded.' : undefined;
    return reply.page('models/views/teaching.njk', teachingPage(v, EMPTY_TEACHING, {}, notice));
  });

  app.get(`${TEACHING}.csv`, async (req, reply) => {
    const v = await inTenant(deps, req, (tx, actor) => teachingSessions(tx, actor));
    return csv(reply, 'hub-teaching-sessions', ['Date', 'Hub', 'Topic', 'Practices', 'Recorded by'], v.sessions.map((s) => [s.heldOn, s.hub, s.topic, s.practices.join('; '), s.recordedBy]));
  });

  app.post(TEACHING, async (req, reply) => {
    const f = bodyOf(req);
    const values: TeachingForm = { hub: field(f, 'hub', 40), heldOn: dateOf(f, 'heldOn'), topic: field(f, 'topic', 80), otherTopic: field(f, 'otherTopic', 200), practices: fieldList(f, 'practices', 200) };
    const done = await inTenant(deps, req, async (tx, actor) => {
      const r = await recordTeaching(tx, actor, values, londonToday());
      return 'fields' in r ? { ...r, v: await teachingSessions(tx, actor) } : r;
    });
    if ('id' in done) return reply.redirect(`${TEACHING}?saved=1`, 303);
    return reply.code(400).page('models/views/teaching.njk', teachingPage(done.v, values, done.fields));
  });
};
