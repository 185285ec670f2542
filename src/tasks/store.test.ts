import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { actorFor } from '../../test/actors.js';
import { addMonths, londonToday } from '../platform/time/form-dates.js';
import { CLUSTER_LEAD_AFTER_DAYS, insertTasks, moveStatus, takeOwnership, tasksFor } from './store.js';
import { addDays, agree, person, quietChildren, taskPeople, type TaskPeople } from './test-fixtures.js';

const kinds = await databaseKinds();

/**
 * How an action is written: agreed by a care coordinator for a social worker
 * and for the health visitors' team, moved by its owner, and taken on by a
 * health visitor. Each change is made only at the version the person saw,
 * and each says in the action's history who made it.
 */
describe.each(kinds)('writing actions (%s)', (kind) => {
  let j: TestJoinery;
  let coordinator: Actor;
  let socialWorker: Actor;
  let healthVisitor: Actor;
  let childId: string;
  const dueOn = addMonths(londonToday(), 1);

  const taskRow = async (id: string) => (await rows<{
    status: string; outcome: string | null; version: number; owner_professional_id: string | null; owner_organisation_id: string | null;
    accountable_professional_id: string; created_by: string; description: string; source: string;
  }>(j.db.owner, sql`SELECT status, outcome, version, owner_professional_id, owner_organisation_id, accountable_professional_id, created_by, description, source
      FROM task WHERE id = ${id}::uuid`))[0];
  const history = (id: string) => rows<{ from_status: string | null; to_status: string; note: string | null; changed_by: string; changed_by_name: string }>(
    j.db.owner, sql`SELECT from_status, to_status, note, changed_by, changed_by_name FROM task_event WHERE task_id = ${id}::uuid ORDER BY changed_at, id`);
  const as = <T>(actor: Actor, fn: (tx: Parameters<Parameters<typeof j.db.tenant>[1]>[0]) => Promise<T>) => j.db.tenant(actor.icsId, fn);

  /** One action agreed by the care coordinator, owned by the given person or team. */
  async function agree(description: string, owner: { kind: 'professional' | 'organisation'; id: string }): Promise<string> {
    const id = crypto.randomUUID();
    await as(coordinator, (tx) => insertTasks(tx, coordinator, [{
      id, childId, source: 'care-plan', sourceId: crypto.randomUUID(), agency: 'health', description, owner, accountableProfessionalId: coordinator.professionalId, dueOn,
    }]));
    return id;
  }

  beforeAll(async () => {
    j = await startJoinery(kind, 30);
    [coordinator, socialWorker, healthVisitor] = await Promise.all(['care-coordinator', 'social-worker', 'health-visitor'].map((r) => actorFor(j.db, `${r}@demo.joinery.test`)));
    [{ id: childId }] = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM child WHERE ics_id = ${j.ics.icsId}::uuid ORDER BY id LIMIT 1`);
  }, 300_000);
  afterAll(() => j?.close());

  it('adds an agreed action ready to start, owned by the person named, with the coordinator who agreed it as the first line of its history', async () => {
    const id = await agree('Refer to the school nurse for an asthma review', { kind: 'professional', id: socialWorker.professionalId });
    expect(await taskRow(id)).toEqual({
      status: 'ready', outcome: null, version: 1, owner_professional_id: socialWorker.professionalId, owner_organisation_id: null,
      accountable_professional_id: coordinator.professionalId, created_by: coordinator.professionalId, description: 'Refer to the school nurse for an asthma review', source: 'care-plan',
    });
    expect(await history(id)).toEqual([{ from_status: null, to_status: 'ready', note: null, changed_by: coordinator.professionalId, changed_by_name: coordinator.name }]);
  });

  it('moves an action for its owner at the version they saw, keeps the note as the outcome when done, and refuses a move from a stale version', async () => {
    const id = await agree('Visit at home before the review', { kind: 'professional', id: socialWorker.professionalId });
    expect(await as(socialWorker, (tx) => moveStatus(tx, socialWorker, { id, status: 'ready', version: 1 }, 'in-progress', null))).toBe(true);
    // A second page opened at version 1 is too late: nothing changes and nothing is added to the history.
    expect(await as(socialWorker, (tx) => moveStatus(tx, socialWorker, { id, status: 'ready', version: 1 }, 'cancelled', 'Not needed'))).toBe(false);
    expect(await as(socialWorker, (tx) => moveStatus(tx, socialWorker, { id, status: 'in-progress', version: 2 }, 'done', 'Visited on Tuesday; the family are coping'))).toBe(true);
    expect(await taskRow(id)).toMatchObject({ status: 'done', outcome: 'Visited on Tuesday; the family are coping', version: 3, owner_professional_id: socialWorker.professionalId });
    expect((await history(id)).slice(1)).toEqual([
      { from_status: 'ready', to_status: 'in-progress', note: null, changed_by: socialWorker.professionalId, changed_by_name: socialWorker.name },
      { from_status: 'in-progress', to_status: 'done', note: 'Visited on Tuesday; the family are coping', changed_by: socialWorker.professionalId, changed_by_name: socialWorker.name },
    ]);
  });

  it('gives a team’s action to the health visitor who takes it on, once: not again, and not from a stale version', async () => {
    const id = await agree('Weigh at the next home visit', { kind: 'organisation', id: healthVisitor.organisationId });
    expect(await as(healthVisitor, (tx) => takeOwnership(tx, healthVisitor, id, 1))).toBe(true);
    expect(await taskRow(id)).toMatchObject({ owner_professional_id: healthVisitor.professionalId, owner_organisation_id: healthVisitor.organisationId, version: 2, status: 'ready' });
    // Owned now: a colleague of the same team taking it, at the old version or the new one, changes nothing.
    const [{ email }] = await rows<{ email: string }>(j.db.owner, sql`SELECT email FROM professional
      WHERE organisation_id = ${healthVisitor.organisationId}::uuid AND role = 'health-visitor' AND id <> ${healthVisitor.professionalId}::uuid ORDER BY id LIMIT 1`);
    const colleague = await actorFor(j.db, email);
    expect(await as(colleague, (tx) => takeOwnership(tx, colleague, id, 1))).toBe(false);
    expect(await as(colleague, (tx) => takeOwnership(tx, colleague, id, 2))).toBe(false);
    expect(await taskRow(id)).toMatchObject({ owner_professional_id: healthVisitor.professionalId, version: 2 });
  });
});

/**
 * The cluster lead's part of a task list: overdue actions of children in the
 * hubs they lead. It must be one join from the lead's hubs to those actions,
 * not a check run once for every overdue action in the ICS (that made every
 * page of every task list slower as the ICS grew).
 */
describe.each(kinds)('finding the actions escalated to a cluster lead (%s)', (kind) => {
  let j: TestJoinery;
  let p: TaskPeople;
  const today = londonToday();

  beforeAll(async () => {
    j = await startJoinery(kind, 60);
    p = await taskPeople(j);
  }, 300_000);
  afterAll(() => j?.close());

  /** Runs the store function as the app does, keeping the plan PostgreSQL chose for each query it sent. */
  async function withPlans<T>(actor: Actor, fn: (tx: Tx) => Promise<T>): Promise<{ result: T; plans: PlanNode[] }> {
    const plans: PlanNode[] = [];
    const result = await j.db.tenant(actor.icsId, (tx) => fn(new Proxy(tx, {
      get(target, key) {
        if (key !== 'execute') return Reflect.get(target, key);
        return async (query: SQL) => {
          const [explained] = await rows<{ 'QUERY PLAN': string | { Plan: PlanNode }[] }>(target, sql`EXPLAIN (FORMAT JSON) ${query}`);
          const plan = explained['QUERY PLAN'];
          plans.push((typeof plan === 'string' ? JSON.parse(plan) : plan)[0].Plan);
          return target.execute(query);
        };
      },
    })));
    return { result, plans };
  }

  it('lists a very late action of a child in the lead’s hub, and no scan of actions runs a check per action to find it', async () => {
    const [child] = await quietChildren(j, p, 1);
    const id = await agree(j, p, child, { owner: person(p.senco), dueOn: addDays(today, -(CLUSTER_LEAD_AFTER_DAYS + 6)) });
    const { result, plans } = await withPlans(p.lead, (tx) => tasksFor(tx, p.lead, today, { due: 'all', limit: 50, offset: 0 }));
    expect(result.tasks.filter((t) => t.id === id).map((t) => [t.child_id, t.why])).toEqual([[child, 'cluster-lead']]);
    expect(plans).toHaveLength(2);
    // A SubPlan under a scan of task is a query run once per action row scanned.
    expect(plans.flatMap((plan) => scansOfTaskWithSubPlans(plan))).toEqual([]);
  });
});

type PlanNode = { 'Node Type': string; 'Relation Name'?: string; Alias?: string; 'Parent Relationship'?: string; Plans?: PlanNode[] };

function scansOfTaskWithSubPlans(node: PlanNode): string[] {
  const here = node['Relation Name'] === 'task' && (node.Plans ?? []).some((child) => child['Parent Relationship'] === 'SubPlan')
    ? [`${node['Node Type']} on task ${node.Alias}`] : [];
  return [...here, ...(node.Plans ?? []).flatMap(scansOfTaskWithSubPlans)];
}
