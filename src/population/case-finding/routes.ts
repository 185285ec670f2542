import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, inTenant, type AppDeps, type RouteModule } from '../../platform/http/app.js';
import { ConflictError, ValidationError, type FieldErrors } from '../../platform/http/errors.js';
import { bodyOf, field, pageNumber, queryOf, type Form } from '../../platform/http/form-body.js';
import { listHref, paginationLinks } from '../../platform/http/paging.js';
import { capitalise, errorSummary, idParam } from '../../platform/http/validate.js';
import { londonToday } from '../../platform/time/form-dates.js';
import { ownPatch, populationPolicy, required } from '../policy.js';
import { EVENT_MEASURES, measure } from '../measures.js';
import { COHORTS, MAX_CRITERIA, MAX_WINDOW_MONTHS, RULE_FIELDS, ruleWords } from './rules.js';
import { addRule, caseFindingList, listChoices, meetingDate, nominate, NominationRefused, rulesOverview, stopRule } from './service.js';

const BASE = '/population/case-finding';
const RULES = `${BASE}/rules`;

/** The list's filters as sent (a GET form, or the hidden fields of a nomination). */
const filtersOf = (f: Form) => ({ cluster: field(f, 'cluster', 60), rule: field(f, 'rule', 60) });

type Shown = { problem?: string; status?: number; page?: number };

/** The list page for these filters; a problem from a nomination is said at the top, with the list as it now stands. */
async function showList(deps: AppDeps, req: FastifyRequest, reply: FastifyReply, filters: { cluster: string; rule: string }, shown: Shown = {}) {
  const today = londonToday();
  const page = shown.page ?? pageNumber(req);
  let result: Awaited<ReturnType<typeof caseFindingList>>;
  let fields: FieldErrors = {};
  try {
    result = await inTenant(deps, req, (tx, actor) => caseFindingList(tx, actor, filters, page, today));
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    fields = e.fields;
    result = { ...(await inTenant(deps, req, (tx, actor) => listChoices(tx, actor, today))), list: null };
  }
  const list = result.list;
  const brought = field(queryOf(req), 'brought', 40);
  const broughtItem = list && brought ? list.items.find((i) => i.childId === brought && i.brought) : undefined;
  const hubId = list?.hub.id ?? filters.cluster;
  const ruleId = list?.ruleId ?? filters.rule;
  return reply.code(shown.status ?? (Object.keys(fields).length ? 400 : 200)).page('population/views/case-finding.njk', {
    title: 'Case finding',
    fields, errors: errorSummary(fields, ['cluster', 'rule']), problem: shown.problem,
    notice: broughtItem ? `${broughtItem.givenName} ${broughtItem.familyName} was brought to ${broughtItem.brought!.title} on ${meetingDate(broughtItem.brought!.starts_at)}.` : undefined,
    hubs: result.hubs,
    hubItems: result.hubs.map((h) => ({ value: h.id, text: h.name, selected: h.id === hubId })),
    ruleItems: [{ value: '', text: 'Every rule' }, ...result.rules.map((r) => ({ value: r.id, text: r.name, selected: r.id === ruleId }))],
    isGp: ownPatch(actorOf(req)).kind === 'practice',
    list: list && {
      ...list,
      ruleWords: list.rules.map((r) => ({ name: r.name, words: ruleWords(r) })),
      items: list.items.map((i) => ({ ...i, broughtOn: i.brought ? meetingDate(i.brought.starts_at) : null })),
      meetingOn: list.meeting ? meetingDate(list.meeting.startsAt) : null,
      pageLinks: paginationLinks(list.window, (p) => listHref(BASE, { cluster: list.hub.id, rule: list.ruleId, page: p })),
    },
  });
}

/** The rule form's values as typed, bounded. */
const ruleValues = (f: Form) => ({
  name: field(f, 'name', 200), windowMonths: field(f, 'windowMonths', 10), cohort: field(f, 'cohort', 40), noHubContact: field(f, 'noHubContact', 5),
  criteria: Array.from({ length: MAX_CRITERIA }, (_, i) => ({ measure: field(f, `criteria-${i}-measure`, 60), atLeast: field(f, `criteria-${i}-atLeast`, 10) })),
});

function showRuleForm(reply: FastifyReply, values: ReturnType<typeof ruleValues>, fields: FieldErrors = {}, status = 200) {
  return reply.code(status).page('population/views/case-finding-rule-new.njk', {
    title: 'Add a case-finding rule', backHref: RULES, values, maxWindow: MAX_WINDOW_MONTHS, fields, errors: errorSummary(fields, RULE_FIELDS),
    criteria: values.criteria.map((c, i) => ({
      index: i, atLeast: c.atLeast, measureError: fields[`criteria-${i}-measure`], atLeastError: fields[`criteria-${i}-atLeast`],
      measureItems: [{ value: '', text: i === 0 ? 'Choose what to count' : 'Nothing more' }, ...EVENT_MEASURES.map((m) => ({ value: m.key, text: capitalise(m.label), selected: m.key === c.measure }))],
    })),
    cohortItems: [
      { value: '', text: 'Any child', checked: values.cohort === '' },
      ...COHORTS.map((c) => ({ value: c, text: capitalise(measure(c).label), checked: values.cohort === c })),
    ],
  });
}

/**
 * Case finding: the list (paediatricians and GPs, GET form), nominating a
 * child from it for the hub MDT, and the rules (all who see population
 * pages; analysts and administrators add them).
 */
export const caseFindingRoutes: RouteModule = (app, deps) => {
  app.get(BASE, async (req, reply) => showList(deps, req, reply, filtersOf(queryOf(req))));

  app.post(`${BASE}/nominate`, async (req, reply) => {
    const body = bodyOf(req);
    const filters = filtersOf(body);
    const childId = idParam(body, 'childId');
    const sentPage = field(body, 'page', 6);
    const page = /^\d{1,5}$/.test(sentPage) && Number(sentPage) > 0 ? Number(sentPage) : 1;
    try {
      await inTenant(deps, req, (tx, actor) => nominate(tx, actor, { ...filters, childId }, londonToday()));
    } catch (e) {
      // Nothing was saved (the transaction rolled back); the list says why, as it now stands.
      if (e instanceof NominationRefused) return showList(deps, req, reply, filters, { problem: e.message, status: 403, page });
      if (e instanceof ConflictError) return showList(deps, req, reply, filters, { problem: e.message, status: 409, page });
      throw e;
    }
    return reply.redirect(listHref(BASE, { ...filters, page, brought: childId }), 303);
  });

  app.get(RULES, async (req, reply) => {
    const stoppedId = field(queryOf(req), 'stopped', 60);
    const { rules, canAdd, stopped } = await inTenant(deps, req, (tx, actor) => rulesOverview(tx, actor, stoppedId));
    const addedId = field(queryOf(req), 'added', 60);
    const added = addedId ? rules.find((r) => r.id === addedId && !r.builtIn) : undefined;
    return reply.page('population/views/case-finding-rules.njk', {
      title: 'Case-finding rules', rules, canAdd,
      canFind: populationPolicy.findCases(actorOf(req)).allowed,
      notice: added ? `Rule added: ${added.name}. It is used on the hubs’ case-finding lists from now on.`
        : stopped ? `Rule stopped: ${stopped}. It no longer lists children.` : undefined,
    });
  });

  app.get(`${RULES}/new`, async (req, reply) => {
    required(populationPolicy.keepMeasures(actorOf(req)));
    return showRuleForm(reply, { ...ruleValues({}), windowMonths: '12' });
  });

  app.post(RULES, async (req, reply) => {
    required(populationPolicy.keepMeasures(actorOf(req)));
    const values = ruleValues(bodyOf(req));
    let id: string;
    try {
      id = await inTenant(deps, req, (tx, actor) => addRule(tx, actor, req.body));
    } catch (e) {
      if (e instanceof ValidationError) return showRuleForm(reply, values, e.fields, 400);
      throw e;
    }
    return reply.redirect(`${RULES}?added=${encodeURIComponent(id)}`, 303);
  });

  app.post(`${RULES}/:id/stop`, async (req, reply) => {
    required(populationPolicy.keepMeasures(actorOf(req)));
    const id = field(req.params as Form, 'id', 60);
    await inTenant(deps, req, (tx, actor) => stopRule(tx, actor, id));
    return reply.redirect(`${RULES}?stopped=${encodeURIComponent(id)}`, 303);
  });
};

