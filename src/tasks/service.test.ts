import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { actorFor } from '../../test/actors.js';
import { auditMark, auditSince } from '../../test/audit.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { refusalOf } from '../../test/refusal.js';
import { inIcs, one } from '../../test/in-ics.js';
import { londonToday } from '../platform/time/form-dates.js';
import { createTasks, openTask, openTasksOfChild, taskList, tasksOfSource } from './service.js';
import { addDays, agree, AGREED_WHY, agreeing, person, quietChildren, taskPeople, taskRow, team, type TaskPeople } from './test-fixtures.js';

const kinds = await databaseKinds();

/**
 * Agreeing actions, the lists they land on and opening one, called as the
 * pages and the care plan and MDT services call them: who each is for, what
 * it changes, what it audits (who, which child, why) and what it refuses.
 */
describe.each(kinds)('task service: agreeing, listing and opening actions (%s)', (kind) => {
  let j: TestJoinery;
  let p: TaskPeople;
  let children: string[];
  let practiceWhy: string;
  const today = londonToday();

  beforeAll(async () => {
    j = await startJoinery(kind, 300);
    p = await taskPeople(j);
    children = await quietChildren(j, p, 10);
    practiceWhy = `Registered practice: ${p.gp.organisationName}`;
  }, 300_000);
  afterAll(() => j?.close());

  it('createTasks: each action starts to do at version 1, its first move kept, and is audited against its child with the caller’s reason', async () => {
    const [a, b] = children;
    const mark = await auditMark(j.db);
    const sourceId = crypto.randomUUID();
    const ids = await inIcs(j, async (tx) => createTasks(tx, [
      { access: await agreeing(tx, p.keyWorker, a), source: 'mdt', sourceId, agency: 'education', description: 'Write a health care plan for school', owner: person(p.senco), accountableProfessionalId: p.keyWorker.professionalId, dueOn: addDays(today, 14) },
      { access: await agreeing(tx, p.keyWorker, b), source: 'mdt', sourceId, agency: 'health', description: 'Offer a home visit', owner: team(p.hv), accountableProfessionalId: p.keyWorker.professionalId, dueOn: addDays(today, 21) },
    ]));
    expect(await taskRow(j, ids[0])).toEqual({ status: 'ready', outcome: null, version: 1, owner_professional_id: p.senco.professionalId, owner_organisation_id: null });
    expect(await taskRow(j, ids[1])).toEqual({ status: 'ready', outcome: null, version: 1, owner_professional_id: null, owner_organisation_id: p.hv.organisationId });
    const events = await rows(j.db.owner, sql`SELECT task_id, from_status, to_status, changed_by FROM task_event WHERE task_id IN (${ids[0]}::uuid, ${ids[1]}::uuid) ORDER BY task_id`);
    expect(events).toEqual([...ids].sort().map((id) => ({ task_id: id, from_status: null, to_status: 'ready', changed_by: p.keyWorker.professionalId })));
    expect(await auditSince(j.db, mark)).toEqual([
      { actor: p.keyWorker.professionalId, role: 'care-coordinator', child: a, action: 'task.create', what: `Action agreed (mdt): due ${addDays(today, 14)}`, why: AGREED_WHY, details: { taskId: ids[0] } },
      { actor: p.keyWorker.professionalId, role: 'care-coordinator', child: b, action: 'task.create', what: `Action agreed (mdt): due ${addDays(today, 21)}`, why: AGREED_WHY, details: { taskId: ids[1] } },
    ]);
  });

  // A refused attempt to add actions for a named child is an access attempt: the privacy officer sees who tried, which child and why it was refused.
  it('createTasks: refuses every action when one child’s record is frozen, with the freeze’s words, writes nothing, and audits the refusal against that child', async () => {
    const [, , open, frozen] = children;
    const officer = await actorFor(j.db, 'privacy-officer@demo.joinery.test');
    await j.db.owner.execute(sql`INSERT INTO record_freeze (ics_id, id, child_id, reason, frozen_by, frozen_by_organisation_id)
      VALUES (${j.ics.icsId}::uuid, gen_random_uuid(), ${frozen}::uuid, 'Safeguarding enquiry', ${officer.professionalId}::uuid, ${officer.organisationId}::uuid)`);
    const mark = await auditMark(j.db);
    const action = async (tx: Tx, childId: string) => ({
      access: await agreeing(tx, p.keyWorker, childId), source: 'care-plan' as const, sourceId: crypto.randomUUID(), agency: 'health', description: 'Weigh monthly', owner: person(p.senco),
      accountableProfessionalId: p.keyWorker.professionalId, dueOn: addDays(today, 7),
    });
    const FROZEN = 'This record is frozen during a safeguarding investigation: only the team that froze it can change it.';
    expect(await refusalOf(inIcs(j, async (tx) => createTasks(tx, [await action(tx, open), await action(tx, frozen)])))).toEqual({ kind: 'RefusedAccess', message: FROZEN });
    expect((await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM task WHERE child_id IN (${open}::uuid, ${frozen}::uuid)`)).n).toBe(0);
    expect(await auditSince(j.db, mark)).toEqual([
      { actor: p.keyWorker.professionalId, role: 'care-coordinator', child: frozen, action: 'child.access-refused', what: 'Refused: agreeing an action', why: FROZEN, details: null },
    ]);
  });

  it('taskList: each action is on the list of whom it is for, with why, and each child it names is audited with that reason', async () => {
    const [mine, theTeams, late, veryLate] = children.slice(4, 8);
    const ids = {
      mine: await agree(j, p, mine, { owner: person(p.senco), dueOn: addDays(today, 3) }),
      team: await agree(j, p, theTeams, { owner: team(p.hv), dueOn: addDays(today, 30) }),
      late: await agree(j, p, late, { owner: person(p.senco), dueOn: addDays(today, -3) }),
      veryLate: await agree(j, p, veryLate, { owner: person(p.senco), dueOn: addDays(today, -20) }),
    };
    const ours = new Set(Object.values(ids));
    /** The actor's list, as (action, why) pairs among this test's actions, and what its reading audited of this test's children. */
    const listOf = async (actor: typeof p.gp, due: 'all' | 'overdue' | 'this-week') => {
      const mark = await auditMark(j.db);
      const list = await inIcs(j, (tx) => taskList(tx, actor, today, { due, page: 1 }));
      const audited = (await auditSince(j.db, mark, { action: 'task.list' })).filter((e) => [mine, theTeams, late, veryLate].includes(e.child!));
      return { shown: list.tasks.filter((t) => ours.has(t.id)).map((t) => [t.id, t.why, t.child.id]), audited };
    };

    const senco = await listOf(p.senco, 'overdue');
    expect(senco.shown).toEqual([[ids.veryLate, 'owner', veryLate], [ids.late, 'owner', late]]);
    expect(senco.audited).toEqual([veryLate, late].map((child) => ({
      actor: p.senco.professionalId, role: 'senco', child, action: 'task.list', what: 'Named in your task list', why: 'action owner', details: null,
    })));
    expect((await listOf(p.senco, 'this-week')).shown).toEqual([[ids.mine, 'owner', mine]]);

    for (const member of [p.hv, p.hvColleague]) {
      const hv = await listOf(member, 'all');
      expect(hv.shown).toEqual([[ids.team, 'team', theTeams]]);
      expect(hv.audited).toMatchObject([{ actor: member.professionalId, child: theTeams, why: 'action for your team' }]);
    }

    // Overdue, an action reaches whoever is accountable at once, and the hub's lead after CLUSTER_LEAD_AFTER_DAYS.
    // (The demo key worker works in the health visitors' community team, so the team's action is on their list as well.)
    expect(p.keyWorker.organisationId).toBe(p.hv.organisationId);
    const accountable = await listOf(p.keyWorker, 'all');
    expect(accountable.shown).toEqual([[ids.veryLate, 'accountable', veryLate], [ids.late, 'accountable', late], [ids.team, 'team', theTeams]]);
    expect(accountable.audited).toMatchObject([
      ...[veryLate, late].map((child) => ({ actor: p.keyWorker.professionalId, child, why: 'overdue action you are accountable for' })),
      { actor: p.keyWorker.professionalId, child: theTeams, why: 'action for your team' },
    ]);
    expect((await listOf(p.keyWorker, 'overdue')).shown).toEqual([[ids.veryLate, 'accountable', veryLate], [ids.late, 'accountable', late]]);
    const lead = await listOf(p.lead, 'all');
    expect(lead.shown).toEqual([[ids.veryLate, 'cluster-lead', veryLate]]);
    expect(lead.audited).toMatchObject([{ actor: p.lead.professionalId, child: veryLate, why: 'overdue action escalated to the cluster lead' }]);

    // Seeing the child is not enough: the GP's list has none of them, and names none of them.
    expect(await listOf(p.gp, 'all')).toEqual({ shown: [], audited: [] });
    const mark = await auditMark(j.db);
    expect(await refusalOf(inIcs(j, (tx) => taskList(tx, p.analyst, today, { due: 'all', page: 1 })))).toEqual({ kind: 'ForbiddenError', message: 'Your role does not have a task list.' });
    expect(await auditSince(j.db, mark)).toEqual([]);
  });

  it('openTask: the action’s people may work it, one who may see the child may read it, anyone else is refused, audited against the child', async () => {
    const child = children[8];
    const id = await agree(j, p, child, { owner: person(p.senco) });
    const open = async (actor: typeof p.gp) => {
      const mark = await auditMark(j.db);
      const opened = await inIcs(j, (tx) => openTask(tx, actor, id, today));
      return { canWork: opened.canWork, task: opened.task.id, child: opened.child.id, moves: opened.events.map((e) => e.to_status), audited: await auditSince(j.db, mark) };
    };
    const audit = (actor: typeof p.gp, why: string) => [{ actor: actor.professionalId, role: actor.role, child, action: 'task.read', what: 'Action opened', why, details: { taskId: id } }];

    expect(await open(p.senco)).toEqual({ canWork: true, task: id, child, moves: ['ready'], audited: audit(p.senco, 'action owner') });
    expect(await open(p.gp)).toEqual({ canWork: false, task: id, child, moves: ['ready'], audited: audit(p.gp, practiceWhy) });

    const mark = await auditMark(j.db);
    for (const nobody of [p.stranger, p.analyst, p.hv]) {
      expect(await refusalOf(inIcs(j, (tx) => openTask(tx, nobody, id, today)))).toEqual({ kind: 'RefusedAccess', message: 'This action is not yours, your team’s or escalated to you.' });
    }
    expect(await refusalOf(inIcs(j, (tx) => openTask(tx, p.senco, crypto.randomUUID(), today)))).toEqual({ kind: 'NotFoundError', message: 'Page not found' });
    expect(await auditSince(j.db, mark)).toMatchObject([p.stranger, p.analyst, p.hv].map((nobody) => ({
      actor: nobody.professionalId, child, action: 'child.access-refused', what: 'Refused: an action', why: 'This action is not yours, your team’s or escalated to you.',
    })));
  });

  it('tasksOfSource and openTasksOfChild: a plan’s or meeting’s actions, open ones first, for a caller that has checked access and audits', async () => {
    const child = children[9];
    const sourceId = crypto.randomUUID();
    const later = await agree(j, p, child, { sourceId, owner: person(p.senco), dueOn: addDays(today, 20), description: 'Review at school' });
    const sooner = await agree(j, p, child, { sourceId, owner: team(p.hv), dueOn: addDays(today, 5), description: 'Home visit' });
    const finished = await agree(j, p, child, { sourceId, owner: person(p.senco), dueOn: addDays(today, 1), description: 'Phone the family' });
    await j.db.owner.execute(sql`UPDATE task SET status = 'done', outcome = 'Spoke to mum' WHERE id = ${finished}::uuid`);
    const mark = await auditMark(j.db);
    const { ofSource, ofChild } = await inIcs(j, async (tx) => ({ ofSource: await tasksOfSource(tx, j.ics.icsId, sourceId), ofChild: await openTasksOfChild(tx, j.ics.icsId, child) }));
    expect(ofSource.map((t) => [t.id, t.status, t.owner_name ?? t.owner_team_name])).toEqual([
      [sooner, 'ready', p.hv.organisationName], [later, 'ready', p.senco.name], [finished, 'done', p.senco.name],
    ]);
    expect(ofChild.filter((t) => [later, sooner, finished].includes(t.id)).map((t) => t.id)).toEqual([sooner, later]);
    expect(await auditSince(j.db, mark)).toEqual([]);
  });
});
