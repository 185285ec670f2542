import { inTenant, type RouteModule } from '../platform/http/app.js';
import { idParam } from '../platform/http/validate.js';
import { bodyOf, field, type Form } from '../platform/http/form-body.js';
import { ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { londonToday } from '../platform/time/form-dates.js';
import { AGENCIES } from '../platform/access/roles.js';
import { familyConsent, recordConsent, yearsOld, AGE_OF_OWN_CONSENT } from './consent.js';
import { AGENCY_NAMES, CONSENT_DECISION_LABELS, consentGiverLabel } from './consent-labels.js';

const FIELD_ORDER = ['seen', 'agency', 'decision', 'givenBy', 'decidedOn', 'competenceNote'];
// Radios and date boxes are reached at their first input; a page sent without its count, at the first question.
const ANCHORS: Record<string, string> = { seen: 'agency', agency: 'agency', decision: 'decision', givenBy: 'givenBy', decidedOn: 'decidedOn-day' };

/** The form as typed, so a page with errors shows it back. */
function formValues(body: Form) {
  return {
    agency: field(body, 'agency', 40), decision: field(body, 'decision', 40), givenBy: field(body, 'givenBy', 40), competenceNote: field(body, 'competenceNote', 1200),
    decidedOn: { day: field(body, 'decidedOn[day]', 4), month: field(body, 'decidedOn[month]', 4), year: field(body, 'decidedOn[year]', 6) },
  };
}

type Values = ReturnType<typeof formValues>;

function consentPage(state: Awaited<ReturnType<typeof familyConsent>>, values: Values, fields: FieldErrors, recorded?: string) {
  const today = londonToday();
  const age = yearsOld(state.child.date_of_birth, today);
  return {
    title: `${state.child.given_name} ${state.child.family_name}: the family’s consent to share`,
    ...state, values, fields, recorded,
    errors: FIELD_ORDER.filter((k) => fields[k]).map((k) => ({ text: fields[k], href: `#${ANCHORS[k] ?? k}` })),
    agencyNames: AGENCY_NAMES, decisionLabels: CONSENT_DECISION_LABELS,
    rows: state.agencies.map((a) => ({ agency: a.agency, decision: a.decision, giver: a.decision ? consentGiverLabel(a.decision) : '' })),
    history: state.history.map((h) => ({ ...h, giver: consentGiverLabel(h) })),
    agencyItems: AGENCIES.map((a) => ({ value: a, text: AGENCY_NAMES[a], checked: values.agency === a })),
    decisionItems: Object.entries(CONSENT_DECISION_LABELS).map(([value, text]) => ({ value, text, checked: values.decision === value })),
    giverItems: [
      ...state.givers.map((g) => ({ value: g.id, text: `${g.name} (${g.relationship})`, checked: values.givenBy === g.id })),
      {
        value: 'young-person', text: `${state.child.given_name} (the young person)`, checked: values.givenBy === 'young-person',
        hint: { text: age >= AGE_OF_OWN_CONSENT ? `${state.child.given_name} is ${age}: they decide for themselves.` : `${state.child.given_name} is ${age}: only if you judge them competent to decide, saying what they understood below.` },
      },
    ],
  };
}

const EMPTY: Values = { agency: '', decision: '', givenBy: '', competenceNote: '', decidedOn: { day: '', month: '', year: '' } };

/** The family's consent to share, per agency, with its history; professionals who may record it do so here. */
export const consentRoutes: RouteModule = (app, deps) => {
  const template = 'children/views/consent.njk';

  app.get('/children/:id/consent', async (req, reply) => {
    const id = idParam(req.params);
    const state = await inTenant(deps, req, (tx, actor) => familyConsent(tx, actor, id));
    const recorded = (req.query as Record<string, unknown> | undefined)?.recorded;
    return reply.page(template, consentPage(state, EMPTY, {}, typeof recorded === 'string' && recorded in CONSENT_DECISION_LABELS ? recorded : undefined));
  });

  app.post('/children/:id/consent', async (req, reply) => {
    const id = idParam(req.params);
    const body = bodyOf(req);
    const values = formValues(body);
    try {
      const decision = await inTenant(deps, req, (tx, actor) => recordConsent(tx, actor, id, { ...body, decidedOn: values.decidedOn }, londonToday()));
      return reply.redirect(`/children/${id}/consent?recorded=${decision}`, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const state = await inTenant(deps, req, (tx, actor) => familyConsent(tx, actor, id));
      return reply.code(400).page(template, consentPage(state, values, error.fields));
    }
  });
};
