import { inTenant, type AppDeps, type RouteModule } from '../platform/http/app.js';
import { toCsv } from '../platform/http/csv.js';
import { londonToday } from '../platform/time/form-dates.js';
import { xmrChart, variationWords } from '../population/service.js';
import { compareModels, type Comparison } from './compare.js';
import { NUMERIC_ATTRIBUTES, STAFF_GROUPS } from './index.js';
import { attributeWords } from './words.js';
import { effectCells, percent } from './effect-words.js';

/** The register's comparison page and a CSV for each of its tables. */

const BASE = '/models/compare';
const csv = (reply: import('fastify').FastifyReply, name: string, header: string[], rows: (string | number | null)[][]) =>
  reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="care-models-${name}.csv"`).send(toCsv(header, rows));

const SIZE = NUMERIC_ATTRIBUTES.slice(0, 6).map(([, label]) => label);
const feedbackWords = (c: Comparison) => (c.feedback ? `${percent(c.feedback.share)} of ${c.feedback.answered}` : 'No answers yet');

function configurationRows(comparisons: Comparison[]) {
  return comparisons.map((c) => {
    const words = new Map(attributeWords(c.model.configuration));
    return { title: c.model.title, words, feedback: feedbackWords(c) };
  });
}

const PEOPLE = ['Staff groups', 'Practice champions', 'Hours', 'Funding a year (£)', 'Started', 'Led by'];

export const compareRoutes: RouteModule = (app, deps: AppDeps) => {
  app.get(BASE, async (req, reply) => {
    const { comparisons } = await inTenant(deps, req, (tx, actor) => compareModels(tx, actor, londonToday()));
    const config = configurationRows(comparisons);
    const early = comparisons.flatMap((c) => c.early.map((e) => ({
      model: c.model.title, indicator: e.indicator.name,
      why: e.months === null ? e.why : null,
      chart: e.months && e.months.length >= 2 ? xmrChart({
        label: `XmR chart of ${e.indicator.name} per 1,000 a month in the hubs running ${c.model.title}, by month. `
          + `${variationWords((e.months.at(-1)?.type ?? null) as never, e.indicator.improvement)}. Every month is in the table that follows.`,
        months: e.months.map((m) => m.month), values: e.months.map((m) => m.value), types: e.months.map((m) => m.type as never),
        mean: e.months.map((m) => m.mean), lpl: e.months.map((m) => m.lpl), upl: e.months.map((m) => m.upl), target: null,
        axes: { x: 'Month', y: 'Per 1,000 a month' },
      }) : null,
      rows: (e.months ?? []).map((m) => [{ text: m.month.slice(0, 7) }, { text: m.value.toFixed(2), format: 'numeric' }, { text: m.mean === null ? '' : m.mean.toFixed(2), format: 'numeric' }]),
    })));
    return reply.page('models/views/compare.njk', {
      title: 'Care models compared', backHref: '/models',
      sizeHead: [{ text: 'Model' }, ...SIZE.map((text) => ({ text }))],
      sizeRows: config.map((r) => [{ text: r.title }, ...SIZE.map((k) => ({ text: r.words.get(k) ?? '' }))]),
      peopleHead: [{ text: 'Model' }, ...PEOPLE.map((text) => ({ text })), { text: 'Families who would recommend (last 12 months)' }],
      peopleRows: config.map((r) => [{ text: r.title }, ...PEOPLE.map((k) => ({ text: r.words.get(k) ?? '' })), { text: r.feedback }]),
      effectRows: comparisons.flatMap((c) => c.outcomes.map((o) => [{ text: c.model.title }, { text: o.indicator.name }, ...effectCells(o).map((text) => ({ text }))])),
      early,
      staffGroups: Object.keys(STAFF_GROUPS).length,
    });
  });

  app.get(`${BASE}/configuration.csv`, async (req, reply) => {
    const { comparisons } = await inTenant(deps, req, (tx, actor) => compareModels(tx, actor, londonToday()));
    const config = configurationRows(comparisons);
    const labels = [...SIZE, ...PEOPLE];
    return csv(reply, 'configuration', ['Model', ...labels, 'Families who would recommend (last 12 months)'],
      config.map((r) => [r.title, ...labels.map((k) => r.words.get(k) ?? ''), r.feedback]));
  });

  app.get(`${BASE}/effects.csv`, async (req, reply) => {
    const { comparisons } = await inTenant(deps, req, (tx, actor) => compareModels(tx, actor, londonToday()));
    return csv(reply, 'effects', ['Model', 'Outcome', 'Effect', '95% interval', 'Judged', 'Why not yet'],
      comparisons.flatMap((c) => c.outcomes.map((o) => o.judged
        ? [c.model.name, o.indicator.id, o.effect, `${o.ci95[0]} to ${o.ci95[1]}`, 'yes', '']
        : [c.model.name, o.indicator.id, null, null, 'too early to judge', o.why])));
  });

  app.get(`${BASE}/early.csv`, async (req, reply) => {
    const { comparisons } = await inTenant(deps, req, (tx, actor) => compareModels(tx, actor, londonToday()));
    return csv(reply, 'early-indicators', ['Model', 'Indicator', 'Month', 'Per 1,000', 'Mean', 'Lower process limit', 'Upper process limit', 'Variation'],
      comparisons.flatMap((c) => c.early.flatMap((e) => (e.months ?? []).map((m) => [c.model.name, e.indicator.id, m.month.slice(0, 7), m.value, m.mean, m.lpl, m.upl, m.type]))));
  });
};
