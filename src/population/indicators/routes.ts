import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, inTenant, type RouteModule } from '../../platform/http/app.js';
import { ValidationError, type FieldErrors } from '../../platform/http/errors.js';
import { bodyOf, field, queryOf } from '../../platform/http/form-body.js';
import { capitalise, errorSummary } from '../../platform/http/validate.js';
import { populationPolicy, required } from '../policy.js';
import { definitionWords, IMPROVEMENTS, UNITS, UNIT_WORDS, type Improvement, type Indicator, type Unit } from './definitions.js';
import { MEASURES } from '../measures.js';
import { addIndicator, IndicatorIdTaken, indicatorList, INDICATOR_FIELDS } from './service.js';

const BASE = '/population/indicators';

export const IMPROVEMENT_WORDS: Record<Improvement, string> = {
  decrease: 'Lower is better', increase: 'Higher is better', neutral: 'Neither: a change is worth a look',
};

const UNIT_HINTS: Record<Unit, string> = {
  'per-1000-year': 'A month’s count as a yearly rate per 1,000, like ED attendances per 1,000 children a year',
  'per-100000-year': 'The same per 100,000, for rare events like unplanned admissions for long-term conditions',
  'per-1000': 'Children at a point in time per 1,000, like children seen by mental health services in 12 months',
  percent: 'A share of the denominator, like children with asthma with too many reliever prescriptions',
  average: 'Days for each thing the denominator counts, like days on the virtual ward for each stay (length of stay)',
};

const number = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 3 });

/** "250 per 1,000 a year (Local plan 2026)", or that none is set. */
const targetWords = (i: Pick<Indicator, 'target' | 'targetSource' | 'unit'>) =>
  i.target === null ? 'None set' : `${number.format(i.target)}${i.unit === 'percent' ? '%' : ` ${UNIT_WORDS[i.unit]}`}, from ${i.targetSource}`;

type Values = Record<(typeof INDICATOR_FIELDS)[number], string>;

/** What was typed, bounded, to put back in the form. */
const typed = (req: FastifyRequest): Values =>
  Object.fromEntries(INDICATOR_FIELDS.map((k) => [k, field(bodyOf(req), k, k === 'description' ? 2000 : 400)])) as Values;

function showForm(reply: FastifyReply, values: Values, fields: FieldErrors = {}, status = 200) {
  const measureItems = (placeholder: string) => [{ value: '', text: placeholder }, ...MEASURES.map((m) => ({ value: m.key, text: capitalise(m.label) }))];
  return reply.code(status).page('population/views/indicators-new.njk', {
    title: 'Add an indicator', backHref: BASE, values, fields,
    errors: errorSummary(fields, INDICATOR_FIELDS),
    numeratorItems: measureItems('Choose what is counted'),
    denominatorItems: measureItems('Choose what it is divided by'),
    unitItems: UNITS.map((u) => ({ value: u, text: capitalise(UNIT_WORDS[u] === '%' ? 'percent (%)' : UNIT_WORDS[u]), hint: { text: UNIT_HINTS[u] }, checked: values.unit === u })),
    improvementItems: IMPROVEMENTS.map((i) => ({ value: i, text: IMPROVEMENT_WORDS[i], checked: values.improvement === i })),
  });
}

/** The indicators page, and adding one of the ICS's own without code. */
export const indicatorRoutes: RouteModule = (app, deps) => {
  app.get(BASE, async (req, reply) => {
    const { indicators, canAdd } = await inTenant(deps, req, (tx, actor) => indicatorList(tx, actor));
    const addedId = field(queryOf(req), 'added', 60);
    const added = addedId ? indicators.find((i) => i.id === addedId && !i.builtIn) : undefined;
    return reply.page('population/views/indicators.njk', {
      title: 'Indicators', canAdd,
      notice: added ? `Indicator added: ${added.name} (${added.id}).` : undefined,
      indicators: indicators.map((i) => ({
        ...i, definition: definitionWords(i), unitWords: UNIT_WORDS[i.unit], improvementWords: IMPROVEMENT_WORDS[i.improvement], targetWords: targetWords(i),
      })),
    });
  });

  app.get(`${BASE}/new`, async (req, reply) => {
    required(populationPolicy.keepMeasures(actorOf(req)));
    return showForm(reply, Object.fromEntries(INDICATOR_FIELDS.map((k) => [k, ''])) as Values);
  });

  app.post(BASE, async (req, reply) => {
    required(populationPolicy.keepMeasures(actorOf(req)));
    const values = typed(req);
    let id: string;
    try {
      id = (await inTenant(deps, req, (tx, actor) => addIndicator(tx, actor, req.body))).id;
    } catch (e) {
      // Nothing typed is lost: the form comes back as it was sent, with each problem by its field.
      if (e instanceof ValidationError) return showForm(reply, values, e.fields, e instanceof IndicatorIdTaken ? 409 : 400);
      throw e;
    }
    return reply.redirect(`${BASE}?added=${encodeURIComponent(id)}`, 303);
  });
};
