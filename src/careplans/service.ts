import crypto from 'node:crypto';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import type { Relationship } from '../platform/access/relationship.js';
import { policy } from '../platform/access/policy.js';
import { CARING_ROLES } from '../platform/access/roles.js';
import { auditChild, auditListedChildren, openChild, type ChildAccess, type ChildRule } from '../platform/access/door.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/http/errors.js';
import { text } from '../platform/http/validate.js';
import { childExists, childNames, confirmOutsider, joinCareTeam, knownToChild, professionalById, teamById } from '../children/service.js';
import { createTasks, tasksOfSource } from '../tasks/service.js';
import { activeFreeze, freezeRefusal, refuseChangeWhileFrozen } from '../platform/access/freeze.js';
import { agencyOf, agencyOfActor, agencyOfTeam } from './agencies.js';
import { carePlanPolicy } from './policy.js';
import { readActionInput, readGoalInput, readPlanInput } from './plan-input.js';
import { changesBetween, partsFor, snapshotOf, visibleActions, visibleGoals, PLAN_FIELDS } from './plan-view.js';
import type { Agency } from './schema.js';
import * as store from './store.js';
import { familyActionsOfPlan, insertFamilyAction, readFamilyActionInput } from './family-actions.js';

export type { PlanRow, GoalRow, VersionRow } from './store.js';
export { familyActionsFor, markFamilyActionDone, type FamilyActionRow } from './family-actions.js';

const STALE = 'Someone else changed this care plan after you opened it, so your change has not been saved.';

type Opened = { access: ChildAccess; plan: store.PlanRow | undefined };

/**
 * Opens the door to the child's plan for one action. The rule may turn on the
 * plan itself (whom the family shares it with, its key worker), so the plan
 * is looked up first; `needsPlan` answers 404 for a child with none before
 * anything is decided, as it always has.
 */
async function openPlan(
  tx: Tx, actor: Actor, childId: string, refused: string, rule: (plan: store.PlanRow | undefined) => ChildRule, needsPlan = true,
): Promise<Opened> {
  const plan = await store.openPlan(tx, actor.icsId, childId);
  if (!plan && needsPlan) {
    if (!(await childExists(tx, actor.icsId, childId))) throw new NotFoundError();
    throw new NotFoundError('This child has no care plan.');
  }
  return { access: await openChild(tx, actor, childId, { rule: rule(plan), refused }), plan };
}

const viewing = (plan: store.PlanRow | undefined): ChildRule => (a, r) => carePlanPolicy.viewPlan(a, r, plan!.shared_with);

/**
 * The child's plan as the actor may see it: everything for health and social
 * care, the school-relevant parts and the contingency plan for education and
 * youth justice. Audited; null when the child has no plan yet.
 */
export async function viewPlan(tx: Tx, actor: Actor, childId: string) {
  const { access, plan } = await openPlan(tx, actor, childId, 'care plan', (found) => found ? viewing(found) : (a, r) => {
    // No plan yet: anyone who may see the child may be told so; there is nothing of a plan to share or withhold.
    const create = carePlanPolicy.createPlan(a, r);
    return create.allowed ? create : policy.viewCarePlan(a, r);
  }, false);
  if (!plan) return { plan: null, can: { create: carePlanPolicy.createPlan(actor, access.relationships).allowed, edit: false, agree: false } };
  const agency = agencyOfActor(actor);
  const parts = partsFor(agency);
  const goals = visibleGoals(await store.goalsOf(tx, actor.icsId, plan.id), agency, parts);
  const actions = visibleActions(await tasksOfSource(tx, actor.icsId, plan.id), agency, parts, actor.professionalId);
  await auditChild(tx, access, { action: 'careplan.read', what: parts.needs ? 'Care plan' : 'Care plan (the parts shared with your agency)', details: { planId: plan.id, version: plan.version } });
  // A frozen record's plan is not offered for change to those the freeze refuses.
  const frozen = freezeRefusal(actor, (await activeFreeze(tx, actor.icsId, childId))?.frozen_by_organisation_id);
  return {
    plan: parts.needs ? plan : { ...plan, needs: '' },
    goals,
    actions,
    familyActions: parts.allActions ? await familyActionsOfPlan(tx, actor.icsId, plan.id) : [],
    parts,
    can: {
      create: false,
      edit: !frozen && carePlanPolicy.editPlan(actor, access.relationships, plan.shared_with).allowed,
      agree: !frozen && plan.status === 'draft' && carePlanPolicy.agreePlan(actor, access.relationships, plan.key_worker_id).allowed,
    },
    /** Why the plan cannot be changed now, when a freeze is the reason. */
    frozen,
  };
}

/**
 * Which of these children have a plan: viewPlan gives nothing for the
 * others (and writes no audit for them), so a Bulk Data export reads only
 * these. Not an access decision: viewPlan decides for each child it reads.
 */
export const childrenWithPlans = (tx: Tx, icsId: string, childIds: readonly string[]): Promise<Set<string>> => store.childrenWithOpenPlans(tx, icsId, childIds);

/** The key worker must be a caring professional of this ICS; they join the child's care team if not in it. */
async function checkKeyWorker(tx: Tx, icsId: string, keyWorkerId: string): Promise<void> {
  const kw = await professionalById(tx, icsId, keyWorkerId);
  if (!kw || !(CARING_ROLES as readonly string[]).includes(kw.role)) throw new ValidationError({ keyWorkerId: 'Select a key worker from the list' });
}

/** Writes the plan's new version to its history, as it now stands, with what changed. */
async function keepVersion(tx: Tx, access: ChildAccess, planId: string, change: string) {
  const plan = (await store.openPlan(tx, access.actor.icsId, access.childId))!;
  const snapshot = snapshotOf(plan, await store.goalsOf(tx, access.actor.icsId, planId), await tasksOfSource(tx, access.actor.icsId, planId), await familyActionsOfPlan(tx, access.actor.icsId, planId));
  await store.insertVersion(tx, access.actor, planId, plan.version, change, snapshot);
  await auditChild(tx, access, { action: 'careplan.change', what: `Care plan version ${plan.version}: ${change}`, details: { planId, version: plan.version } });
}

export async function startPlan(tx: Tx, actor: Actor, childId: string, raw: unknown, today: string): Promise<string> {
  const input = readPlanInput(raw, today);
  const { access, plan } = await openPlan(tx, actor, childId, 'starting a care plan', () => carePlanPolicy.createPlan, false);
  await refuseChangeWhileFrozen(tx, access, 'starting a care plan');
  if (plan) throw new ConflictError('This child already has a care plan: change that one instead.');
  await checkKeyWorker(tx, actor.icsId, input.keyWorkerId);
  const id = crypto.randomUUID();
  await store.insertPlan(tx, access, id, input);
  await joinCareTeam(tx, access, input.keyWorkerId, 'Key worker (care plan)');
  await keepVersion(tx, access, id, 'Plan started');
  return id;
}

/** Runs one change to an open plan the actor may edit, at the version they read; keeps the version. */
async function changePlan(
  tx: Tx, actor: Actor, childId: string, expectedVersion: unknown, change: (plan: store.PlanRow, access: ChildAccess) => Promise<{ summary: string; input?: Parameters<typeof store.bumpVersion>[4] }>,
) {
  const opened = await openPlan(tx, actor, childId, 'changing the care plan', (found) => (a, r) => carePlanPolicy.editPlan(a, r, found!.shared_with));
  const { access } = opened;
  const plan = opened.plan!;
  await refuseChangeWhileFrozen(tx, access, 'changing the care plan');
  if (Number(expectedVersion) !== plan.version) throw new ConflictError(STALE, plan.version);
  const { summary, input } = await change(plan, access);
  if (!(await store.bumpVersion(tx, actor.icsId, plan.id, plan.version, input))) throw new ConflictError(STALE);
  await keepVersion(tx, access, plan.id, summary);
}

export async function revisePlan(tx: Tx, actor: Actor, childId: string, raw: unknown, expectedVersion: unknown, today: string) {
  const input = readPlanInput(raw, today);
  await changePlan(tx, actor, childId, expectedVersion, async (plan, access) => {
    if (input.keyWorkerId !== plan.key_worker_id) {
      await checkKeyWorker(tx, actor.icsId, input.keyWorkerId);
      await joinCareTeam(tx, access, input.keyWorkerId, 'Key worker (care plan)');
    }
    const before = snapshotOf(plan, [], []);
    const after = snapshotOf({ ...plan, ...planColumns(input), key_worker_name: input.keyWorkerId === plan.key_worker_id ? plan.key_worker_name : '(new key worker)' }, [], []);
    const changed = changesBetween(before, after, 'health').map((c) => c.label);
    return { summary: changed.length ? `Changed: ${changed.join(', ')}` : 'Saved with no changes', input };
  });
}

function planColumns(p: ReturnType<typeof readPlanInput>): Partial<store.PlanRow> {
  return {
    title: p.title, what_matters: p.whatMatters, strengths: p.strengths, needs: p.needs, at_school: p.atSchool,
    contingency_what_to_do: p.contingencyWhatToDo, contingency_who_to_call: p.contingencyWhoToCall, key_worker_id: p.keyWorkerId,
    review_on: p.reviewOn,
  };
}

export async function addGoal(tx: Tx, actor: Actor, childId: string, raw: unknown, expectedVersion: unknown, today: string) {
  const input = readGoalInput(raw, today);
  await changePlan(tx, actor, childId, expectedVersion, async (plan) => {
    await store.insertGoal(tx, actor, crypto.randomUUID(), plan.id, input);
    return { summary: `Goal added: ${input.goal.slice(0, 80)}` };
  });
}

export async function reviseGoal(tx: Tx, actor: Actor, childId: string, goalId: string, raw: unknown, expectedVersion: unknown, today: string) {
  const input = readGoalInput(raw, today);
  await changePlan(tx, actor, childId, expectedVersion, async (plan) => {
    if (!(await store.updateGoal(tx, actor.icsId, plan.id, goalId, input))) throw new NotFoundError();
    return { summary: `Goal changed: ${input.goal.slice(0, 80)}` };
  });
}

export async function removeGoal(tx: Tx, actor: Actor, childId: string, goalId: string, expectedVersion: unknown) {
  await changePlan(tx, actor, childId, expectedVersion, async (plan) => {
    const goal = (await store.goalsOf(tx, actor.icsId, plan.id)).find((g) => g.id === goalId);
    if (!goal || !(await store.removeGoal(tx, actor.icsId, plan.id, goalId))) throw new NotFoundError();
    return { summary: `Goal removed: ${goal.goal.slice(0, 80)}` };
  });
}

/**
 * An action in the plan: who does what by when. A person given an action
 * does not join the child's care team: owning it is a relationship of its
 * own, which shows them the action and the plan as their agency may see it
 * (decision record 0003). A team's members find it on their task lists. The
 * key worker stays accountable.
 */
export async function addAction(tx: Tx, actor: Actor, childId: string, raw: unknown, expectedVersion: unknown, today: string) {
  const input = readActionInput(raw, today);
  await changePlan(tx, actor, childId, expectedVersion, async (plan, access) => {
    let agency: Agency;
    let ownerName: string;
    if (input.ownerKind === 'professional') {
      const owner = await professionalById(tx, actor.icsId, input.ownerId);
      const ownerAgency = owner ? agencyOf(owner.role) : null;
      if (!owner || !ownerAgency) throw new ValidationError({ ownerId: 'Select a person from the list' });
      if (input.confirmOwner !== owner.id && !(await knownToChild(tx, actor.icsId, childId, owner.id))) throw new ValidationError({ confirmOwner: confirmOutsider(owner.name) });
      agency = ownerAgency;
      ownerName = owner.name;
    } else {
      const team = await teamById(tx, actor.icsId, input.ownerId);
      if (!team) throw new ValidationError({ ownerId: 'Select a team from the list' });
      agency = agencyOfTeam(team.kind);
      ownerName = team.name;
    }
    await createTasks(tx, [{
      access, source: 'care-plan', sourceId: plan.id, agency, description: input.description,
      owner: { kind: input.ownerKind, id: input.ownerId }, accountableProfessionalId: plan.key_worker_id, dueOn: input.dueOn,
    }]);
    return { summary: `Action added for ${ownerName}: ${input.description.slice(0, 80)}` };
  });
}

/** An action that is the family's to do (a parent or carer, or the young person): on their pages, marked done by them. */
export async function addFamilyAction(tx: Tx, actor: Actor, childId: string, raw: unknown, expectedVersion: unknown, today: string) {
  const input = readFamilyActionInput(raw, today);
  await changePlan(tx, actor, childId, expectedVersion, async (plan, access) => {
    await insertFamilyAction(tx, access, plan.id, input);
    const who = input.owner === 'young-person' ? 'the young person' : 'the parent or carer';
    return { summary: `Action added for ${who}: ${input.description.slice(0, 80)}${input.privateToYoungPerson ? ' (kept from parents)' : ''}` };
  });
}

const agreementText = text('how the family agreed the plan', { max: 500, multiline: true });

/** The key worker signs off the current version, recording how the family agreed it. */
export async function agreePlan(tx: Tx, actor: Actor, childId: string, familyAgreement: unknown, expectedVersion: unknown) {
  const agreement = agreementText.safeParse(familyAgreement);
  if (!agreement.success) throw new ValidationError({ familyAgreement: agreement.error.issues[0].message });
  const opened = await openPlan(tx, actor, childId, 'signing off the care plan', (found) => (a, r) => carePlanPolicy.agreePlan(a, r, found!.key_worker_id));
  const { access } = opened;
  const plan = opened.plan!;
  await refuseChangeWhileFrozen(tx, access, 'signing off the care plan');
  if (plan.status === 'agreed') throw new ConflictError('This version of the plan is already agreed.');
  if (Number(expectedVersion) !== plan.version) throw new ConflictError(STALE, plan.version);
  if (!(await store.markAgreed(tx, actor, plan.id, plan.version, agreement.data))) throw new ConflictError(STALE);
  await auditChild(tx, access, { action: 'careplan.agree', what: `Care plan version ${plan.version} signed off with the family`, details: { planId: plan.id } });
}

/** Every version of the plan, newest first. */
export async function planHistory(tx: Tx, actor: Actor, childId: string) {
  const opened = await openPlan(tx, actor, childId, 'care plan versions', viewing);
  const plan = opened.plan!;
  await auditChild(tx, opened.access, { action: 'careplan.read-history', what: 'Care plan versions', details: { planId: plan.id } });
  return { plan, versions: await store.versionsOf(tx, actor.icsId, plan.id) };
}

/** One earlier version as it stood, and what changed from the one before, within what the actor's agency may see. */
export async function planVersion(tx: Tx, actor: Actor, childId: string, version: number) {
  const opened = await openPlan(tx, actor, childId, 'a care plan version', viewing);
  const plan = opened.plan!;
  const [at, before] = await store.versionPair(tx, actor.icsId, plan.id, version);
  if (!at || at.version !== version) throw new NotFoundError();
  const agency = agencyOfActor(actor);
  const parts = partsFor(agency);
  await auditChild(tx, opened.access, { action: 'careplan.read-version', what: `Care plan version ${version}`, details: { planId: plan.id } });
  return {
    plan, version: at,
    fields: PLAN_FIELDS.filter((f) => !f.part || parts[f.part]).map((f) => ({ label: f.label, value: at.snapshot.plan[f.key] })),
    goals: visibleGoals(at.snapshot.goals, agency, parts),
    actions: parts.allActions ? at.snapshot.actions : at.snapshot.actions.filter((a) => a.agency === agency),
    /** The family's actions as they stood at this version, for those who see the whole plan (as the plan itself shows them). */
    familyActions: parts.allActions ? at.snapshot.familyActions ?? [] : null,
    changes: changesBetween(before?.snapshot, at.snapshot, agency),
  };
}

/** Plans of the actor's organisation due for review in the next 4 weeks, and overdue ones. */
export async function reviewsDue(tx: Tx, actor: Actor, today: string) {
  const holds = carePlanPolicy.reviewPlansDue(actor);
  if (!holds.allowed) throw new ForbiddenError(holds.reason);
  const until = new Date(Date.parse(`${today}T00:00:00Z`) + 28 * 86_400_000).toISOString().slice(0, 10);
  const due = await store.reviewsDue(tx, actor.icsId, actor.organisationId, until);
  const names = new Map((await childNames(tx, actor.icsId, [...new Set(due.map((d) => d.child_id))])).map((c) => [c.id, c]));
  const shown = due.map((d) => ({ ...d, child: names.get(d.child_id)!, overdue: d.review_on < today }));
  await auditListedChildren(tx, actor, 'care plan held by your organisation', shown.map((d) => ({ childId: d.child_id, action: 'careplan.list-review', what: 'Named in care plan reviews due' })));
  return shown;
}

/**
 * The key worker's plans waiting for them to sign off with the family: new
 * ones, and agreed ones changed since. Oldest change first. Audited as listed.
 */
export async function plansAwaitingSignOff(tx: Tx, actor: Actor) {
  const holds = carePlanPolicy.reviewPlansDue(actor);
  if (!holds.allowed) throw new ForbiddenError(holds.reason);
  const drafts = await store.draftsToSignOff(tx, actor.icsId, actor.professionalId);
  const names = new Map((await childNames(tx, actor.icsId, [...new Set(drafts.map((d) => d.child_id))])).map((c) => [c.id, c]));
  const shown = drafts.map((d) => ({ ...d, child: names.get(d.child_id)! }));
  await auditListedChildren(tx, actor, 'key worker for their care plan', shown.map((d) => ({ childId: d.child_id, action: 'careplan.list-sign-off', what: 'Named in care plans waiting for your sign-off' })));
  return shown;
}

/** The plan holding a plan or goal id, as viewPlan shows it to the actor (the FHIR read by id). */
export async function viewPlanHolding(tx: Tx, actor: Actor, kind: 'plan' | 'goal', id: string) {
  const childId = await store.childOfPlanPart(tx, actor.icsId, kind, id);
  if (!childId) throw new NotFoundError();
  return { childId, view: await viewPlan(tx, actor, childId) };
}

/**
 * Whether the child has a plan, for the record's banner: null when there is
 * none, or when the actor's agency may not see it (the family has not shared
 * it with them), so the banner says nothing of a plan they may not see. No
 * audit of its own: only for a caller that has checked access to the record
 * (whose relationships these are) and audits its page.
 */
export async function planBanner(tx: Tx, actor: Actor, relationships: Relationship[], childId: string) {
  const plan = await store.openPlan(tx, actor.icsId, childId);
  if (!plan || !carePlanPolicy.viewPlan(actor, relationships, plan.shared_with).allowed) return null;
  return { title: plan.title, status: plan.status, keyWorker: plan.key_worker_name, keyWorkerOrganisation: plan.key_worker_organisation, reviewOn: plan.review_on };
}

/** A child's actions as far as the actor's agency may see them (education sees its own, say). */
export function actionsVisibleTo<T extends Parameters<typeof visibleActions>[0][number]>(actor: Actor, actions: T[]): T[] {
  const agency = agencyOfActor(actor);
  return visibleActions(actions, agency, partsFor(agency), actor.professionalId);
}

/** The key worker to tell about an unscheduled attendance, if the child has a plan. */
export async function keyWorkerOf(tx: Tx, icsId: string, childId: string): Promise<string | null> {
  return (await store.keyWorkerOf(tx, icsId, childId))?.key_worker_id ?? null;
}

// A plan's snapshot, as the generator files it for its demo plans.
export { snapshotOf } from './plan-view.js';
