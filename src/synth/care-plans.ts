import type { Role } from '../platform/access/roles.js';
import { agencyOf } from '../careplans/index.js';
import { snapshotOf } from '../careplans/service.js';
import type { Agency } from '../careplans/index.js';
import type { GoalRow, PlanRow } from '../careplans/store.js';
import type { TaskRow } from '../tasks/service.js';
import type { ChildFacts, TeamMember } from './care-teams.js';
import { PLAN_TEMPLATES, type PlanTemplate } from './care-plan-templates.js';
import { isoDate, isoTimestamp } from './dates.js';
import type { Rng } from '../platform/random/seeded.js';
import type { Structure } from './structure.js';
import type { BatchWriter } from './writer.js';

/** Who coordinates a plan, in order of preference among the child's care team. */
const KEY_WORKER_ROLES: Role[] = ['care-coordinator', 'school-nurse', 'paediatrician', 'health-visitor', 'social-worker'];

type Person = { name: string; role: string; organisationId: string };

/** The agencies a plan was shared with when it started, by the family's consent the key worker recorded. */
export type PlanSharing = { agencies: Agency[]; startedDays: number; keyWorkerId: string };

/**
 * Multi-agency care plans for children with long-term conditions and complex
 * needs, each with its goals, actions (some done, some overdue) and every
 * version it went through. Draws from streams of its own, so the rest of the
 * ICS is the same with or without plans.
 */
export class CarePlanGenerator {
  private people = new Map<string, Person>();
  private organisations = new Map<string, { name: string; kind: string }>();

  constructor(private structure: Structure, private today: number, private rng: Rng, private ids: Rng, private writer: BatchWriter) {
    for (const p of structure.rows.professional) this.people.set(p.id as string, { name: p.name as string, role: p.role as string, organisationId: p.organisation_id as string });
    for (const o of structure.rows.organisation) this.organisations.set(o.id as string, { name: o.name as string, kind: o.kind as string });
  }

  /** Which template a child's plan follows, and how likely they are to have one. */
  private template(c: ChildFacts): [PlanTemplate, number] | null {
    const cond = c.conditions;
    if (c.complex) return [PLAN_TEMPLATES.complex, 0.85];
    if (cond.has('type-1-diabetes') || cond.has('type-2-diabetes')) return [PLAN_TEMPLATES.diabetes, 0.7];
    if (cond.has('epilepsy')) return [PLAN_TEMPLATES.epilepsy, 0.6];
    if (cond.has('ehc-plan')) return [PLAN_TEMPLATES.ehc, 0.3];
    if (cond.has('asthma')) return [PLAN_TEMPLATES.asthma, 0.08];
    return null;
  }

  /** Writes the child's plan, if they have one; returns whom the family agreed to share it with, for their consent records. */
  child(c: ChildFacts, team: TeamMember[]): PlanSharing | null {
    const chosen = this.template(c);
    const keyWorker = KEY_WORKER_ROLES.map((r) => team.find((m) => m.role === r)).find(Boolean);
    if (!chosen || !keyWorker || !this.rng.chance(chosen[1])) return null;
    const [t, ] = chosen;
    const rng = this.rng;
    const icsId = this.structure.icsId;
    const planId = this.ids.uuid();
    const kw = this.people.get(keyWorker.professionalId)!;
    const started = Math.min(this.today - 14, Math.max(keyWorker.startedDays, this.today - 700));
    const sharedWith: Agency[] = [];
    if (team.some((m) => m.role === 'social-worker') || (c.complex && rng.chance(0.5))) sharedWith.push('social-care');
    if (c.school && rng.chance(0.85)) sharedWith.push('education');
    if (team.some((m) => m.role === 'youth-justice-worker')) sharedWith.push('youth-justice');
    const review = started + 180 + rng.int(-20, 20) <= this.today - 10 ? this.today + rng.int(-45, 120) : started + 180;

    const plan: PlanRow = {
      id: planId, child_id: c.id, status: 'draft', title: t.title, what_matters: rng.pick(t.whatMatters), strengths: rng.pick(t.strengths), needs: t.needs,
      at_school: c.school ? t.atSchool : '', contingency_what_to_do: t.whatToDo, contingency_who_to_call: t.whoToCall, key_worker_id: keyWorker.professionalId,
      key_worker_name: kw.name, key_worker_role: kw.role, key_worker_organisation: this.organisations.get(kw.organisationId)?.name ?? '',
      review_on: isoDate(review), shared_with: sharedWith, withdrawn_from: [], agreed_version: null, agreed_by_name: null, agreed_at: null, family_agreement: null,
      version: 1, created_at: isoTimestamp(started, rng.int(540, 1020)), updated_at: '',
    };

    // Each step of the plan's life is a version: started, each goal, each action, a later edit or two.
    const goals: GoalRow[] = [];
    const actions: TaskRow[] = [];
    const steps: { day: number; change: string }[] = [{ day: started, change: 'Plan started' }];
    let day = started;
    const later = () => (day = Math.min(this.today, day + rng.int(0, 20)));
    for (const g of t.goals.slice(0, rng.int(2, t.goals.length))) {
      goals.push({ id: this.ids.uuid(), agency: g.agency, goal: g.goal, measure: g.measure, target_on: rng.chance(0.6) ? isoDate(review + rng.int(0, 90)) : null, progress: '', position: goals.length + 1 });
      steps.push({ day: later(), change: `Goal added: ${g.goal}` });
    }
    for (const a of t.actions) {
      const owner = this.owner(c, team, a.role);
      if (!owner) continue;
      const created = later();
      const due = created + rng.int(14, 120);
      const status = due < this.today ? rng.weighted([0.65, 0.15, 0.12, 0.08]) : rng.weighted([0.1, 0.2, 0.7, 0]);
      actions.push({
        id: this.ids.uuid(), child_id: c.id, source: 'care-plan', source_id: planId, agency: owner.agency, description: a.description,
        owner_professional_id: owner.professionalId, owner_name: owner.professionalId ? this.people.get(owner.professionalId)!.name : null,
        owner_organisation_id: owner.organisationId, owner_team_name: owner.organisationId ? this.organisations.get(owner.organisationId)!.name : null,
        accountable_professional_id: keyWorker.professionalId, accountable_name: kw.name, due_on: isoDate(due),
        status: (['done', 'in-progress', 'ready', 'cancelled'] as const)[status], outcome: status === 0 ? 'Done as agreed; family told.' : null, version: 1,
        created_at: isoTimestamp(created, rng.int(540, 1020)), updated_at: isoTimestamp(created, 1020),
      });
      steps.push({ day: created, change: `Action added for ${actions.at(-1)!.owner_name ?? actions.at(-1)!.owner_team_name}: ${a.description}` });
    }
    for (let e = rng.int(0, 2); e > 0; e--) steps.push({ day: later(), change: 'Changed: Review date' });

    steps.forEach((step, i) => {
      const version = i + 1;
      const goalCount = Math.min(goals.length, Math.max(0, version - 1));
      const actionCount = Math.min(actions.length, Math.max(0, version - 1 - goals.length));
      this.writer.add('care_plan_version', {
        ics_id: icsId, plan_id: planId, version, changed_by: keyWorker.professionalId, changed_by_name: kw.name,
        changed_at: isoTimestamp(step.day, 540 + version), change: step.change,
        snapshot: snapshotOf({ ...plan, version }, goals.slice(0, goalCount), actions.slice(0, actionCount)),
      });
    });
    const version = steps.length;
    const agreed = rng.chance(0.75);
    this.writer.add('care_plan', {
      ics_id: icsId, id: planId, child_id: c.id, status: agreed ? 'agreed' : 'draft', title: plan.title, what_matters: plan.what_matters,
      strengths: plan.strengths, needs: plan.needs, at_school: plan.at_school, contingency_what_to_do: plan.contingency_what_to_do,
      contingency_who_to_call: plan.contingency_who_to_call, key_worker_id: plan.key_worker_id, review_on: plan.review_on,
      agreed_version: agreed ? version : null, agreed_by: agreed ? keyWorker.professionalId : null, agreed_at: agreed ? isoTimestamp(day, 1000) : null,
      family_agreement: agreed ? rng.pick(['Agreed with parents at clinic.', 'Agreed with Mum at a home visit.', 'Agreed with the young person and carer by phone.']) : null,
      version, created_at: plan.created_at, updated_at: isoTimestamp(day, 1000),
    });
    for (const g of goals) this.writer.add('care_plan_goal', { ics_id: icsId, id: g.id, plan_id: planId, agency: g.agency, goal: g.goal, measure: g.measure, target_on: g.target_on, progress: g.progress, position: g.position, removed_at: null });
    for (const a of actions) {
      this.writer.add('task', {
        ics_id: icsId, id: a.id, child_id: c.id, source: 'care-plan', source_id: planId, agency: a.agency, description: a.description,
        owner_professional_id: a.owner_professional_id, owner_organisation_id: a.owner_organisation_id, accountable_professional_id: a.accountable_professional_id,
        due_on: a.due_on, status: a.status, outcome: a.outcome, version: a.status === 'ready' ? 1 : 2, created_by: keyWorker.professionalId,
        created_at: a.created_at, updated_at: a.updated_at,
      });
      this.writer.add('task_event', { ics_id: icsId, id: this.ids.uuid(), task_id: a.id, from_status: null, to_status: 'ready', note: null, changed_by: keyWorker.professionalId, changed_by_name: kw.name, changed_at: a.created_at });
      if (a.status !== 'ready') {
        const by = a.owner_professional_id ?? keyWorker.professionalId;
        this.writer.add('task_event', {
          ics_id: icsId, id: this.ids.uuid(), task_id: a.id, from_status: 'ready', to_status: a.status, note: a.outcome ?? (a.status === 'cancelled' ? 'No longer needed after review.' : null),
          changed_by: by, changed_by_name: this.people.get(by)!.name, changed_at: a.updated_at,
        });
      }
    }
    return { agencies: sharedWith, startedDays: started, keyWorkerId: keyWorker.professionalId };
  }

  /** A person in the team with the role, or for school work the child's school as a team. */
  private owner(c: ChildFacts, team: TeamMember[], role: string): { professionalId: string | null; organisationId: string | null; agency: Agency } | null {
    const member = team.find((m) => m.role === role);
    if (member) return { professionalId: member.professionalId, organisationId: null, agency: agencyOf(role) ?? 'health' };
    if (role === 'senco' && c.school) return { professionalId: null, organisationId: c.school.id, agency: 'education' };
    return null;
  }
}
