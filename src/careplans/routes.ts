import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { bodyOf } from '../platform/http/form-body.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { idParam } from '../platform/http/validate.js';
import { ageOn } from '../children/index.js';
import { childNames, colleagues, currentTeam, teams } from '../children/service.js';
import { CARING_ROLES, ROLES } from '../platform/access/roles.js';
import { londonToday } from '../platform/time/form-dates.js';
import { STATUS_LABELS } from '../tasks/index.js';
import * as plans from './service.js';
import { AGENCY_LABELS } from './agencies.js';
import { AGENCIES } from './schema.js';
import {
  ACTION_FIELD_ORDER, GOAL_FIELD_ORDER, PLAN_FIELD_ORDER, formErrors, goalValues, planValues, readActionForm, readGoalForm, readPlanForm,
} from './plan-form.js';

/**
 * A child's care plan: reading it (as much as your agency may), starting and
 * changing it, its goals and actions, signing it off with the family, its
 * versions, and a version to print for the family. Every read and change goes
 * through the care plan service, which checks access and audits.
 */


const NOTICES: Record<string, string> = {
  started: 'The care plan has been started. It is a draft until the key worker signs it off with the family.',
  saved: 'The care plan has been changed. It is a draft again until the key worker signs it off with the family.',
  goal: 'The goal has been saved.',
  removed: 'The goal has been removed.',
  action: 'The action has been added. It is on the owner’s task list.',
  agreed: 'The care plan has been signed off.',
};
const noticeOf = (req: FastifyRequest) => {
  const saved = (req.query as Record<string, unknown> | undefined)?.saved;
  return typeof saved === 'string' && Object.hasOwn(NOTICES, saved) ? NOTICES[saved] : undefined;
};

async function heading(tx: Tx, childId: string, today: string) {
  const [c] = await childNames(tx, [childId]);
  if (!c) throw new NotFoundError();
  return { id: c.id, name: `${c.given_name} ${c.family_name}`, listName: `${c.family_name.toUpperCase()}, ${c.given_name}`, nhsNumber: c.nhs_number, dateOfBirth: c.date_of_birth, age: ageOn(c.date_of_birth, new Date(`${today}T12:00:00Z`)) };
}

const agencyItems = (current: string) => AGENCIES.map((a) => ({ value: a, text: AGENCY_LABELS[a], checked: a === current }));

/** Who can be key worker or own an action: the child's care team first, then everyone else by organisation. */
async function people(tx: Tx, childId: string, current: string) {
  const [team, everyone] = [await currentTeam(tx, childId), await colleagues(tx, CARING_ROLES)];
  const inTeam = new Set(team.map((m) => m.professional_id));
  const option = (p: { id: string; name: string; role: string; organisation_name: string }) =>
    ({ value: p.id, text: `${p.name}, ${ROLES[p.role as keyof typeof ROLES] ?? p.role}, ${p.organisation_name}`, selected: p.id === current });
  return [
    { value: '', text: 'Select a person', selected: !current },
    ...team.map((m) => option({ id: m.professional_id, name: m.name, role: m.role, organisation_name: m.organisation_name })).map((o) => ({ ...o, text: `${o.text} (care team)` })),
    ...everyone.filter((p) => !inTeam.has(p.id)).map(option),
  ];
}

export const carePlanRoutes: RouteModule = (app, deps) => {
  const base = (id: string) => `/children/${id}/care-plan`;
  const today = () => londonToday();

  /** A form's page again, with the service's and the date boxes' messages (400), or the conflict page (409). */
  async function formFailure(reply: FastifyReply, error: unknown, childId: string, render: (fields: FieldErrors) => Promise<Record<string, unknown>>, template: string) {
    if (error instanceof ConflictError) {
      return reply.code(409).page('careplans/views/conflict.njk', { title: 'The care plan has changed', message: error.message, backHref: base(childId) });
    }
    if (!(error instanceof ValidationError)) throw error;
    return reply.code(400).page(template, await render(error.fields));
  }

  app.get('/children/:id/care-plan', async (req, reply) => {
    const id = idParam(req.params);
    const page = await inTenant(deps, req, async (tx, actor) => ({ view: await plans.viewPlan(tx, actor, id), child: await heading(tx, id, today()) }));
    const { view, child } = page;
    return reply.page('careplans/views/plan.njk', {
      title: view.plan ? `Care plan: ${child.name}` : `No care plan yet: ${child.name}`,
      child, view, today: today(), notice: noticeOf(req), base: base(id), backHref: `/children/${id}`,
      agencyLabels: AGENCY_LABELS, statusLabels: STATUS_LABELS,
    });
  });

  // ---------------------------------------------------------------- the plan itself

  const planForm = async (tx: Tx, childId: string, values: ReturnType<typeof readPlanForm>['values'] | ReturnType<typeof planValues>, opts: { version?: number; fields?: FieldErrors; dateErrors?: FieldErrors }) => {
    const { fields, errors } = formErrors(opts.fields ?? {}, opts.dateErrors ?? {}, PLAN_FIELD_ORDER);
    const editing = opts.version !== undefined;
    return {
      title: editing ? 'Change the care plan' : 'Start a care plan',
      child: await heading(tx, childId, today()), values, fields, errors, version: opts.version, editing,
      action: editing ? `${base(childId)}/edit` : `${base(childId)}/new`,
      keyWorkerItems: await people(tx, childId, values.keyWorkerId),
      shareItems: (['social-care', 'education', 'youth-justice'] as const).map((a) => ({ value: a, text: AGENCY_LABELS[a], checked: values.sharedWith.includes(a) })),
      backHref: editing ? base(childId) : `/children/${childId}`,
    };
  };

  app.get('/children/:id/care-plan/new', async (req, reply) => {
    const id = idParam(req.params);
    const form = await inTenant(deps, req, async (tx, actor) => {
      const view = await plans.viewPlan(tx, actor, id);
      if (view.plan) return null;
      if (!view.can.create) throw new ForbiddenError('Your role does not start care plans.');
      return planForm(tx, id, { title: '', whatMatters: '', strengths: '', needs: '', atSchool: '', contingencyWhatToDo: '', contingencyWhoToCall: '', keyWorkerId: actor.professionalId, reviewOn: { day: '', month: '', year: '' }, sharedWith: [] }, {});
    });
    if (!form) return reply.redirect(base(id), 303);
    return reply.page('careplans/views/plan-form.njk', form);
  });

  app.post('/children/:id/care-plan/new', async (req, reply) => {
    const id = idParam(req.params);
    const form = readPlanForm(bodyOf(req));
    try {
      await inTenant(deps, req, (tx, actor) => plans.startPlan(tx, actor, id, form.input, today()));
    } catch (error) {
      return formFailure(reply, error, id, (fields) => inTenant(deps, req, (tx) => planForm(tx, id, form.values, { fields, dateErrors: form.dateErrors })), 'careplans/views/plan-form.njk');
    }
    return reply.redirect(`${base(id)}?saved=started`, 303);
  });

  app.get('/children/:id/care-plan/edit', async (req, reply) => {
    const id = idParam(req.params);
    const form = await inTenant(deps, req, async (tx, actor) => {
      const view = await plans.viewPlan(tx, actor, id);
      if (!view.plan) throw new NotFoundError();
      if (!view.can.edit) throw new ForbiddenError(view.frozen ?? 'Your role does not change care plans.');
      return planForm(tx, id, planValues(view.plan), { version: view.plan.version });
    });
    return reply.page('careplans/views/plan-form.njk', form);
  });

  app.post('/children/:id/care-plan/edit', async (req, reply) => {
    const id = idParam(req.params);
    const form = readPlanForm(bodyOf(req));
    try {
      await inTenant(deps, req, (tx, actor) => plans.revisePlan(tx, actor, id, form.input, form.version, today()));
    } catch (error) {
      return formFailure(reply, error, id, (fields) => inTenant(deps, req, (tx) => planForm(tx, id, form.values, { version: Number(form.version), fields, dateErrors: form.dateErrors })), 'careplans/views/plan-form.njk');
    }
    return reply.redirect(`${base(id)}?saved=saved`, 303);
  });

  // ---------------------------------------------------------------- goals

  const goalForm = async (tx: Tx, childId: string, values: ReturnType<typeof readGoalForm>['values'], opts: { version: number; goalId?: string; fields?: FieldErrors; dateErrors?: FieldErrors }) => {
    const { fields, errors } = formErrors(opts.fields ?? {}, opts.dateErrors ?? {}, GOAL_FIELD_ORDER);
    return {
      title: opts.goalId ? 'Change a goal' : 'Add a goal', child: await heading(tx, childId, today()), values, fields, errors, version: opts.version,
      goalId: opts.goalId, agencyItems: agencyItems(values.agency),
      action: opts.goalId ? `${base(childId)}/goals/${opts.goalId}` : `${base(childId)}/goals/new`, backHref: base(childId),
    };
  };

  const editablePlan = async (tx: Tx, actor: Actor, childId: string) => {
    const view = await plans.viewPlan(tx, actor, childId);
    if (!view.plan) throw new NotFoundError();
    if (!view.can.edit) throw new ForbiddenError(view.frozen ?? 'Your role does not change care plans.');
    return view;
  };

  app.get('/children/:id/care-plan/goals/new', async (req, reply) => {
    const id = idParam(req.params);
    const form = await inTenant(deps, req, async (tx, actor) => {
      const view = await editablePlan(tx, actor, id);
      return goalForm(tx, id, { agency: '', goal: '', measure: '', targetOn: { day: '', month: '', year: '' }, progress: '' }, { version: view.plan.version });
    });
    return reply.page('careplans/views/goal-form.njk', form);
  });

  app.post('/children/:id/care-plan/goals/new', async (req, reply) => {
    const id = idParam(req.params);
    const form = readGoalForm(bodyOf(req));
    try {
      await inTenant(deps, req, (tx, actor) => plans.addGoal(tx, actor, id, form.input, form.version, today()));
    } catch (error) {
      return formFailure(reply, error, id, (fields) => inTenant(deps, req, (tx) => goalForm(tx, id, form.values, { version: Number(form.version), fields, dateErrors: form.dateErrors })), 'careplans/views/goal-form.njk');
    }
    return reply.redirect(`${base(id)}?saved=goal#goals`, 303);
  });

  app.get('/children/:id/care-plan/goals/:goalId', async (req, reply) => {
    const id = idParam(req.params);
    const goalId = idParam(req.params, 'goalId');
    const form = await inTenant(deps, req, async (tx, actor) => {
      const view = await editablePlan(tx, actor, id);
      const goal = view.goals?.find((g) => g.id === goalId);
      if (!goal) throw new NotFoundError();
      return goalForm(tx, id, goalValues(goal), { version: view.plan.version, goalId });
    });
    return reply.page('careplans/views/goal-form.njk', form);
  });

  app.post('/children/:id/care-plan/goals/:goalId', async (req, reply) => {
    const id = idParam(req.params);
    const goalId = idParam(req.params, 'goalId');
    const form = readGoalForm(bodyOf(req));
    const remove = bodyOf(req).remove === 'yes';
    try {
      await inTenant(deps, req, (tx, actor) => (remove
        ? plans.removeGoal(tx, actor, id, goalId, form.version)
        : plans.reviseGoal(tx, actor, id, goalId, form.input, form.version, today())));
    } catch (error) {
      return formFailure(reply, error, id, (fields) => inTenant(deps, req, (tx) => goalForm(tx, id, form.values, { version: Number(form.version), goalId, fields, dateErrors: form.dateErrors })), 'careplans/views/goal-form.njk');
    }
    return reply.redirect(`${base(id)}?saved=${remove ? 'removed' : 'goal'}#goals`, 303);
  });

  // ---------------------------------------------------------------- actions

  const actionForm = async (tx: Tx, childId: string, values: ReturnType<typeof readActionForm>['values'], opts: { version: number; fields?: FieldErrors; dateErrors?: FieldErrors }) => {
    const { fields, errors } = formErrors(opts.fields ?? {}, opts.dateErrors ?? {}, ACTION_FIELD_ORDER);
    const teamList = await teams(tx);
    return {
      title: 'Add an action', child: await heading(tx, childId, today()), values, fields, errors, version: opts.version,
      personItems: await people(tx, childId, values.ownerKind === 'professional' ? values.ownerId : ''),
      teamItems: [{ value: '', text: 'Select a team', selected: true }, ...teamList.map((t) => ({ value: t.id, text: t.name, selected: values.ownerKind === 'organisation' && t.id === values.ownerId }))],
      action: `${base(childId)}/actions/new`, backHref: base(childId),
    };
  };

  app.get('/children/:id/care-plan/actions/new', async (req, reply) => {
    const id = idParam(req.params);
    const form = await inTenant(deps, req, async (tx, actor) => {
      const view = await editablePlan(tx, actor, id);
      return actionForm(tx, id, { description: '', ownerKind: '', ownerId: '', dueOn: { day: '', month: '', year: '' } }, { version: view.plan.version });
    });
    return reply.page('careplans/views/action-form.njk', form);
  });

  app.post('/children/:id/care-plan/actions/new', async (req, reply) => {
    const id = idParam(req.params);
    const form = readActionForm(bodyOf(req));
    try {
      await inTenant(deps, req, (tx, actor) => plans.addAction(tx, actor, id, form.input, form.version, today()));
    } catch (error) {
      return formFailure(reply, error, id, (fields) => inTenant(deps, req, (tx) => actionForm(tx, id, form.values, { version: Number(form.version), fields, dateErrors: form.dateErrors })), 'careplans/views/action-form.njk');
    }
    return reply.redirect(`${base(id)}?saved=action#actions`, 303);
  });

  // ---------------------------------------------------------------- sign-off, versions, print

  const agreeForm = async (tx: Tx, childId: string, view: Awaited<ReturnType<typeof plans.viewPlan>>, value: string, fields: FieldErrors = {}) => ({
    title: 'Sign off the care plan', child: await heading(tx, childId, today()), plan: view.plan, value, fields,
    errors: fields.familyAgreement ? [{ text: fields.familyAgreement, href: '#familyAgreement' }] : [],
    action: `${base(childId)}/agree`, backHref: base(childId),
  });

  app.get('/children/:id/care-plan/agree', async (req, reply) => {
    const id = idParam(req.params);
    const form = await inTenant(deps, req, async (tx, actor) => {
      const view = await plans.viewPlan(tx, actor, id);
      if (!view.plan) throw new NotFoundError();
      if (!view.can.agree) throw new ForbiddenError(view.plan.status === 'agreed' ? 'This version is already signed off.' : 'Only the plan’s key worker can sign it off.');
      return agreeForm(tx, id, view, '');
    });
    return reply.page('careplans/views/agree.njk', form);
  });

  app.post('/children/:id/care-plan/agree', async (req, reply) => {
    const id = idParam(req.params);
    const body = bodyOf(req);
    try {
      await inTenant(deps, req, (tx, actor) => plans.agreePlan(tx, actor, id, body.familyAgreement, body.version));
    } catch (error) {
      const value = typeof body.familyAgreement === 'string' ? body.familyAgreement.slice(0, 1000) : '';
      return formFailure(reply, error, id, (fields) => inTenant(deps, req, async (tx, actor) => agreeForm(tx, id, await plans.viewPlan(tx, actor, id), value, fields)), 'careplans/views/agree.njk');
    }
    return reply.redirect(`${base(id)}?saved=agreed`, 303);
  });

  app.get('/children/:id/care-plan/versions', async (req, reply) => {
    const id = idParam(req.params);
    const page = await inTenant(deps, req, async (tx, actor) => ({ ...(await plans.planHistory(tx, actor, id)), child: await heading(tx, id, today()) }));
    return reply.page('careplans/views/versions.njk', { title: `Care plan versions: ${page.child.name}`, ...page, base: base(id), backHref: base(id) });
  });

  app.get('/children/:id/care-plan/versions/:version', async (req, reply) => {
    const id = idParam(req.params);
    const raw = (req.params as Record<string, string>).version;
    const version = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(version) || version < 1) throw new NotFoundError();
    const page = await inTenant(deps, req, async (tx, actor) => ({ ...(await plans.planVersion(tx, actor, id, version)), child: await heading(tx, id, today()) }));
    return reply.page('careplans/views/version.njk', { title: `Care plan version ${version}: ${page.child.name}`, ...page, agencyLabels: AGENCY_LABELS, base: base(id), backHref: `${base(id)}/versions` });
  });

  app.get('/children/:id/care-plan/print', async (req, reply) => {
    const id = idParam(req.params);
    const page = await inTenant(deps, req, async (tx, actor) => ({ view: await plans.viewPlan(tx, actor, id), child: await heading(tx, id, today()) }));
    if (!page.view.plan) throw new NotFoundError('This child has no care plan.');
    return reply.page('careplans/views/print.njk', { title: `${page.child.name}’s care plan`, ...page, agencyLabels: AGENCY_LABELS, statusLabels: STATUS_LABELS, backHref: base(id) });
  });

  app.get('/care-plans/reviews', async (req, reply) => {
    const due = await inTenant(deps, req, (tx, actor) => plans.reviewsDue(tx, actor, today()));
    return reply.page('careplans/views/reviews.njk', { title: 'Care plan reviews due', due, overdue: due.filter((d) => d.overdue), soon: due.filter((d) => !d.overdue) });
  });
};
