import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { ConflictError } from '../platform/http/errors.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { actorFor } from '../../test/actors.js';
import { addMonths, londonToday } from '../platform/time/form-dates.js';
import { moveTask } from '../tasks/service.js';
import { revisePlan, viewPlan } from './service.js';

const kinds = (await databaseKinds()).filter((k) => k === 'postgres');

/**
 * Two people saving at the same moment, in separate transactions on the
 * PostgreSQL server (PGlite runs one at a time, so it cannot race): exactly
 * one change lands and the other is told, for plans and for tasks.
 */
describe.skipIf(kinds.length === 0)('saving at the same moment on the PostgreSQL server', () => {
  let j: TestJoinery;
  const today = londonToday();

  beforeAll(async () => {
    j = await startJoinery('postgres');
  }, 120_000);
  afterAll(() => j?.close());

  const settle = async (attempts: Promise<unknown>[]) => {
    const results = await Promise.allSettled(attempts);
    return {
      landed: results.filter((r) => r.status === 'fulfilled').length,
      conflicts: results.filter((r) => r.status === 'rejected' && r.reason instanceof ConflictError).length,
      other: results.filter((r) => r.status === 'rejected' && !(r.reason instanceof ConflictError)).map((r) => (r as PromiseRejectedResult).reason),
    };
  };

  it('lets exactly one of two simultaneous edits of a care plan land', async () => {
    const [plan] = await rows<{ child_id: string; key_worker_email: string }>(j.db.owner, sql`SELECT p.child_id, kw.email AS key_worker_email FROM care_plan p
      JOIN professional kw ON kw.id = p.key_worker_id WHERE p.ics_id = ${j.ics.icsId}::uuid AND p.status <> 'closed' ORDER BY p.id LIMIT 1`);
    const actor = await actorFor(j.db, plan.key_worker_email);
    const current = await j.db.tenant(j.ics.icsId, (tx) => viewPlan(tx, actor, plan.child_id));
    const p = current.plan!;
    const input = (strengths: string) => ({
      title: p.title, whatMatters: p.what_matters, strengths, needs: p.needs, atSchool: p.at_school, contingencyWhatToDo: p.contingency_what_to_do,
      contingencyWhoToCall: p.contingency_who_to_call, keyWorkerId: p.key_worker_id, reviewOn: addMonths(today, 3),
    });
    for (let round = 0; round < 5; round++) {
      const [{ version }] = await rows<{ version: number }>(j.db.owner, sql`SELECT version FROM care_plan WHERE child_id = ${plan.child_id}::uuid AND status <> 'closed'`);
      const outcome = await settle(['first', 'second'].map((who) =>
        j.db.tenant(j.ics.icsId, (tx) => revisePlan(tx, actor, plan.child_id, input(`${who} ${round}`), version, today))));
      expect(outcome.other).toEqual([]);
      expect([outcome.landed, outcome.conflicts]).toEqual([1, 1]);
      const [after] = await rows<{ version: number; versions: number }>(j.db.owner, sql`SELECT p.version, (SELECT count(*)::int FROM care_plan_version v WHERE v.plan_id = p.id) AS versions
        FROM care_plan p WHERE p.child_id = ${plan.child_id}::uuid AND p.status <> 'closed'`);
      expect(after.version).toBe(version + 1);
      expect(after.versions).toBe(after.version);
    }
  });

  it('lets exactly one of two simultaneous moves of a task land', async () => {
    const [task] = await rows<{ id: string; version: number; email: string }>(j.db.owner, sql`SELECT t.id, t.version, p.email FROM task t
      JOIN professional p ON p.id = t.owner_professional_id WHERE t.ics_id = ${j.ics.icsId}::uuid AND t.status = 'ready' ORDER BY t.id LIMIT 1`);
    const actor = await actorFor(j.db, task.email);
    const eventsOf = () => rows<{ id: string; from_status: string | null; to_status: string }>(j.db.owner, sql`SELECT id, from_status, to_status FROM task_event WHERE task_id = ${task.id}::uuid`);
    const earlier = new Set((await eventsOf()).map((e) => e.id));
    const outcome = await settle([
      j.db.tenant(j.ics.icsId, (tx) => moveTask(tx, actor, task.id, { to: 'done', note: 'Done by the first', version: task.version }, today)),
      j.db.tenant(j.ics.icsId, (tx) => moveTask(tx, actor, task.id, { to: 'cancelled', note: 'Cancelled by the second', version: task.version }, today)),
    ]);
    expect(outcome.other).toEqual([]);
    expect([outcome.landed, outcome.conflicts]).toEqual([1, 1]);
    // Exactly one move was recorded, from ready to what the task now is.
    const events = await eventsOf();
    expect(events).toHaveLength(earlier.size + 1);
    const [{ status }] = await rows<{ status: string }>(j.db.owner, sql`SELECT status FROM task WHERE id = ${task.id}::uuid`);
    expect(['done', 'cancelled']).toContain(status);
    expect(events.filter((e) => !earlier.has(e.id)).map((e) => [e.from_status, e.to_status])).toEqual([['ready', status]]);
  });
});
