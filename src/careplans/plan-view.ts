import type { Agency } from './schema.js';
import type { FamilyActionAt, GoalRow, PlanRow, Snapshot } from './store.js';
import type { TaskRow } from '../tasks/service.js';
import type { FamilyActionRow } from './family-actions.js';

/**
 * Which parts of a plan each agency sees. Health and social care (with the
 * family's consent) see it all; education and youth justice see what the
 * child and family want known, strengths, the school section, the
 * contingency plan and their own agency's goals and actions, never the
 * health needs.
 */
export type Parts = { needs: boolean; allGoals: boolean; allActions: boolean };

export function partsFor(agency: Agency | null): Parts {
  const whole = agency === 'health' || agency === 'social-care';
  return { needs: whole, allGoals: whole, allActions: whole };
}

export function visibleGoals(goals: GoalRow[], agency: Agency | null, parts: Parts): GoalRow[] {
  return parts.allGoals ? goals : goals.filter((g) => g.agency === agency);
}

export function visibleActions<T extends Pick<TaskRow, 'agency' | 'owner_professional_id'>>(actions: T[], agency: Agency | null, parts: Parts, professionalId: string): T[] {
  return parts.allActions ? actions : actions.filter((a) => a.agency === agency || a.owner_professional_id === professionalId);
}

/** The fields of a plan, in the order a reader meets them, with their names in words. */
export const PLAN_FIELDS: { key: keyof Snapshot['plan']; label: string; part?: keyof Parts }[] = [
  { key: 'title', label: 'Title' },
  { key: 'what_matters', label: 'What matters to me' },
  { key: 'strengths', label: 'Strengths' },
  { key: 'needs', label: 'Needs', part: 'needs' },
  { key: 'at_school', label: 'At school or nursery' },
  { key: 'contingency_what_to_do', label: 'If things go wrong: what to do' },
  { key: 'contingency_who_to_call', label: 'If things go wrong: who to call' },
  { key: 'key_worker_name', label: 'Key worker' },
  { key: 'review_on', label: 'Review date' },
  { key: 'shared_with', label: 'Shared with' },
];

export function snapshotOf(plan: PlanRow, goals: GoalRow[], actions: TaskRow[], familyActions: FamilyActionRow[] = []): Snapshot {
  const { version: _v, created_at: _c, updated_at: _u, agreed_at: _a, agreed_by_name: _b, agreed_version: _av, status: _s, family_agreement: _f, withdrawn_from: _w, ...content } = plan;
  return {
    plan: content,
    goals,
    actions: actions.map((a) => ({ id: a.id, description: a.description, owner: a.owner_name ?? a.owner_team_name ?? '', due_on: a.due_on, status: a.status, agency: a.agency })),
    familyActions: familyActions.map((a) => ({
      id: a.id, description: a.description, owner: a.owner, private_to_young_person: a.private_to_young_person, due_on: a.due_on, done_at: a.done_at, done_by_name: a.done_by_name,
    })),
  };
}

const show = (v: unknown) => (Array.isArray(v) ? v.join(', ') : v === null || v === undefined ? '' : String(v));

export type Change = { label: string; before: string; after: string };

/** What differs between two versions of a plan, field by field, as far as the reader may see. */
export function changesBetween(before: Snapshot | undefined, after: Snapshot, agency: Agency | null): Change[] {
  const parts = partsFor(agency);
  const changes: Change[] = [];
  for (const f of PLAN_FIELDS) {
    if (f.part && !parts[f.part]) continue;
    const a = show(before?.plan[f.key]);
    const b = show(after.plan[f.key]);
    if (a !== b) changes.push({ label: f.label, before: a, after: b });
  }
  const goalText = (g: GoalRow) => `${g.goal} (measured by: ${g.measure}${g.target_on ? `; by ${g.target_on}` : ''})${g.progress ? `. Progress: ${g.progress}` : ''}`;
  const beforeGoals = new Map(visibleGoals(before?.goals ?? [], agency, parts).map((g) => [g.id, goalText(g)]));
  for (const g of visibleGoals(after.goals, agency, parts)) {
    const now = goalText(g);
    if (beforeGoals.get(g.id) !== now) changes.push({ label: 'Goal', before: beforeGoals.get(g.id) ?? '', after: now });
    beforeGoals.delete(g.id);
  }
  for (const gone of beforeGoals.values()) changes.push({ label: 'Goal', before: gone, after: '' });
  const actionText = (a: Snapshot['actions'][number]) => `${a.description} (${a.owner}, due ${a.due_on})`;
  const seen = (list: Snapshot['actions']) => (parts.allActions ? list : list.filter((a) => a.agency === agency));
  const beforeActions = new Set(seen(before?.actions ?? []).map(actionText));
  for (const a of seen(after.actions)) if (!beforeActions.has(actionText(a))) changes.push({ label: 'Action', before: '', after: actionText(a) });
  if (parts.allActions) changes.push(...familyActionChanges(before?.familyActions ?? [], after.familyActions ?? []));
  return changes;
}

/** A family action in words, as a version's changes show it. */
function familyActionText(a: FamilyActionAt): string {
  const who = a.owner === 'young-person' ? 'the young person' : 'parent or carer';
  return `${a.description} (${who}${a.private_to_young_person ? ', kept from parents' : ''}${a.due_on ? `, due ${a.due_on}` : ''})${a.done_at ? `: done by ${a.done_by_name}` : ''}`;
}

/** The family's actions added, changed (marked done since) and removed between two versions. */
function familyActionChanges(before: FamilyActionAt[], after: FamilyActionAt[]): Change[] {
  const was = new Map(before.map((a) => [a.id, familyActionText(a)]));
  const changes: Change[] = [];
  for (const a of after) {
    const now = familyActionText(a);
    if (was.get(a.id) !== now) changes.push({ label: 'Family action', before: was.get(a.id) ?? '', after: now });
    was.delete(a.id);
  }
  for (const gone of was.values()) changes.push({ label: 'Family action', before: gone, after: '' });
  return changes;
}
