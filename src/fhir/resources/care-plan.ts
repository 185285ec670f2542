import type { CarePlan, CarePlanActivity, Goal } from '@medplum/fhirtypes';
import { childrenWithPlans, viewPlan, viewPlanHolding } from '../../careplans/service.js';
import { AGENCY_LABELS } from '../../careplans/index.js';
import type { GoalRow, PlanRow } from '../../careplans/service.js';
import type { TaskRow } from '../../tasks/service.js';
import { AGENCY_SYSTEM, CARE_PLAN_REVIEW_URL } from '../codes.js';
import { badRequest, notFound } from '../outcome.js';
import { NotFoundError } from '../../platform/http/errors.js';
import { inTurn, instant, pageOf, patientParam, single } from './common.js';
import type { ChunkReading, Query, Reading, ResourceHandler } from './handler.js';

/**
 * A child's care plan as CarePlan, its goals as Goal and its actions as
 * CarePlan.activity. Read through the care plan service, so access, the
 * family's consent to share and audit are the pages' own. Read only: plans
 * are agreed with families on the pages.
 */

const PLAN_STATUS = { draft: 'draft', agreed: 'active', closed: 'completed' } as const;
const ACTIVITY_STATUS = { ready: 'not-started', 'in-progress': 'in-progress', done: 'completed', cancelled: 'cancelled' } as const;

const agency = (a: keyof typeof AGENCY_LABELS) => ({ coding: [{ system: AGENCY_SYSTEM, code: a, display: AGENCY_LABELS[a] }], text: AGENCY_LABELS[a] });

function activity(t: TaskRow): CarePlanActivity {
  return {
    ...(t.outcome ? { outcomeCodeableConcept: [{ text: t.outcome }] } : {}),
    detail: {
      kind: 'Task',
      code: agency(t.agency as keyof typeof AGENCY_LABELS),
      status: ACTIVITY_STATUS[t.status],
      description: t.description,
      scheduledPeriod: { end: t.due_on },
      performer: [t.owner_professional_id
        ? { reference: `Practitioner/${t.owner_professional_id}`, display: t.owner_name ?? undefined }
        : { reference: `Organization/${t.owner_organisation_id}`, display: t.owner_team_name ?? undefined }],
    },
  };
}

function carePlan(plan: PlanRow, goals: GoalRow[], actions: TaskRow[], wholePlan: boolean): CarePlan {
  const notes = [
    `What matters to me: ${plan.what_matters}`,
    `Strengths: ${plan.strengths}`,
    ...(wholePlan ? [`Needs: ${plan.needs}`] : []),
    ...(plan.at_school ? [`At school or nursery: ${plan.at_school}`] : []),
    `If things go wrong, what to do: ${plan.contingency_what_to_do}`,
    `If things go wrong, who to call: ${plan.contingency_who_to_call}`,
    ...(plan.family_agreement ? [`Agreed with the family: ${plan.family_agreement}`] : []),
  ];
  return {
    resourceType: 'CarePlan',
    id: plan.id,
    meta: { versionId: String(plan.version), lastUpdated: instant(plan.updated_at) },
    extension: [{ url: CARE_PLAN_REVIEW_URL, valueDate: plan.review_on }],
    status: PLAN_STATUS[plan.status],
    intent: 'plan',
    title: plan.title,
    description: plan.what_matters,
    subject: { reference: `Patient/${plan.child_id}` },
    created: instant(plan.created_at),
    author: { reference: `Practitioner/${plan.key_worker_id}`, display: `${plan.key_worker_name} (key worker)` },
    // The child's care team (whose id is the child's): the key worker and the professionals the plan's actions fall to are drawn from it.
    careTeam: [{ reference: `CareTeam/${plan.child_id}`, display: 'Care team' }],
    goal: goals.map((g) => ({ reference: `Goal/${g.id}` })),
    activity: actions.map(activity),
    note: notes.map((text) => ({ text })),
  };
}

function goal(plan: PlanRow, g: GoalRow): Goal {
  return {
    resourceType: 'Goal',
    id: g.id,
    lifecycleStatus: plan.status === 'closed' ? 'completed' : 'active',
    category: [agency(g.agency)],
    description: { text: g.goal },
    subject: { reference: `Patient/${plan.child_id}` },
    target: [{ measure: { text: g.measure }, ...(g.target_on ? { dueDate: g.target_on } : {}) }],
    ...(g.progress ? { note: [{ text: `Progress: ${g.progress}` }] } : {}),
  };
}

async function plansOf(r: Reading, childId: string): Promise<CarePlan[]> {
  const view = await viewPlan(r.tx, r.actor, childId);
  return view.plan ? [carePlan(view.plan, view.goals, view.actions, view.parts.needs)] : [];
}

async function goalsOf(r: Reading, childId: string): Promise<Goal[]> {
  const view = await viewPlan(r.tx, r.actor, childId);
  return view.plan ? view.goals.map((g) => goal(view.plan, g)) : [];
}

/** A type's resources for the chunk's children that have a plan, each through viewPlan (its door and audit) as $everything reads them. */
async function ofChunk<T>(r: ChunkReading, read: (r: Reading, childId: string) => Promise<T[]>): Promise<T[]> {
  const have = await childrenWithPlans(r.tx, r.actor.icsId, r.accesses.map((a) => a.childId));
  return (await inTurn(r.accesses.filter((a) => have.has(a.childId)), (a) => read(r, a.childId))).flat();
}

const patientOnly = [{ name: 'patient', type: 'reference' as const, documentation: 'Required: the child (Patient/<id>).' }];

const CARE_TEAM = /^(?:CareTeam\/)?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;

/**
 * CarePlan?care-team=CareTeam/<id>: a plan names only its child's own care
 * team, whose id is the child's, so this is the child's plan (through the
 * same door as patient=); an MDT case's team, or anything else, names none.
 */
async function plansOfTeam(r: Reading, query: Query): Promise<CarePlan[]> {
  const m = CARE_TEAM.exec(single(query, 'care-team')!);
  if (!m) throw badRequest('care-team must be CareTeam/<id>.', 'care-team');
  const childId = m[1].toLowerCase();
  const patient = patientParam(query, false);
  if (patient && patient !== childId) return [];
  // The door says whether the id is a child's: a team that is no child's (an MDT case's) names no plan.
  return plansOf(r, childId).catch((e: unknown) => {
    if (e instanceof NotFoundError) return [];
    throw e;
  });
}

export const carePlanHandler: ResourceHandler = {
  type: 'CarePlan',
  writable: false,
  documentation: 'The child’s multi-agency care plan (draft, or active once agreed with the family), with goals as Goal and actions as activity. Read only.',
  searchParams: [
    { name: 'patient', type: 'reference', documentation: 'The child (Patient/<id>): required unless care-team is given.' },
    { name: 'care-team', type: 'reference', documentation: 'The child’s care team (CareTeam/<id>, whose id is the child’s), which every plan names; an MDT case’s team names no plan.' },
  ],
  async read(r, id) {
    const { view } = await viewPlanHolding(r.tx, r.actor, 'plan', id);
    if (!view.plan) throw notFound();
    return carePlan(view.plan, view.goals, view.actions, view.parts.needs);
  },
  search: async (r, query, p) => pageOf(query.has('care-team') ? await plansOfTeam(r, query) : await plansOf(r, patientParam(query)!), p),
  everything: plansOf,
  everyChild: (r) => ofChunk(r, plansOf),
};

export const goalHandler: ResourceHandler = {
  type: 'Goal',
  writable: false,
  documentation: 'Goals of the child’s care plan, each with how progress is measured and the agency that leads on it. Read only.',
  searchParams: patientOnly,
  async read(r, id) {
    const { view } = await viewPlanHolding(r.tx, r.actor, 'goal', id);
    const g = view.plan ? view.goals.find((x) => x.id === id) : undefined;
    if (!g || !view.plan) throw notFound();
    return goal(view.plan, g);
  },
  search: async (r, query, p) => pageOf(await goalsOf(r, patientParam(query)!), p),
  everything: goalsOf,
  everyChild: (r) => ofChunk(r, goalsOf),
};
