import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { auditMark, auditSince } from '../../test/audit.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { refusalOf } from '../../test/refusal.js';
import { inIcs } from '../../test/in-ics.js';
import { londonToday } from '../platform/time/form-dates.js';
import { moveTask, takeTask } from './service.js';
import { addDays, agree, person, quietChildren, taskPeople, taskRow, team, type TaskPeople } from './test-fixtures.js';

const kinds = await databaseKinds();

const STALE = 'Someone else changed this action after you opened it. Reload it to see what they did.';
const NOT_YOURS = 'This action is not yours, your team’s or escalated to you.';

/**
 * Moving an action through its states and a team member taking one on, as
 * the task page calls them: who may, what each changes and keeps, what is
 * audited (who, which child, why), and the words of each refusal.
 */
describe.each(kinds)('task service: moving and taking on actions (%s)', (kind) => {
  let j: TestJoinery;
  let p: TaskPeople;
  let children: string[];
  const today = londonToday();
  const move = (actor: Actor, id: string, form: Record<string, unknown>) => inIcs(j, (tx) => moveTask(tx, actor, id, form, today));
  const take = (actor: Actor, id: string, version: unknown) => inIcs(j, (tx) => takeTask(tx, actor, id, { version }, today));
  const moves = (id: string) => rows(j.db.owner, sql`SELECT from_status, to_status, note, changed_by FROM task_event WHERE task_id = ${id}::uuid ORDER BY changed_at, id`);

  beforeAll(async () => {
    j = await startJoinery(kind, 300);
    p = await taskPeople(j);
    children = await quietChildren(j, p, 5);
  }, 300_000);
  afterAll(() => j?.close());

  it('moveTask: the owner moves it as the state machine allows, with the words each move needs; each move is kept and audited', async () => {
    const child = children[0];
    const id = await agree(j, p, child, { owner: person(p.senco) });
    const mark = await auditMark(j.db);
    await move(p.senco, id, { to: 'in-progress', version: 1 });
    expect(await refusalOf(move(p.senco, id, { to: 'cancelled', note: ' ', version: 2 }))).toEqual({
      kind: 'ValidationError', message: 'Invalid input', fields: { note: 'Enter why the action is cancelled' },
    });
    await move(p.senco, id, { to: 'cancelled', note: 'The family moved out of the area', version: 2 });
    expect(await refusalOf(move(p.senco, id, { to: 'ready', version: 3 }))).toMatchObject({ kind: 'ValidationError', fields: { note: 'Enter why the action is reopened' } });
    await move(p.senco, id, { to: 'ready', note: 'The family came back', version: 3 });
    expect(await refusalOf(move(p.senco, id, { to: 'done', version: 4 }))).toMatchObject({ kind: 'ValidationError', fields: { note: 'Enter the outcome: what was done and what happened' } });
    await move(p.senco, id, { to: 'done', note: 'Technique checked; spacer replaced', version: 4 });
    expect(await refusalOf(move(p.senco, id, { to: 'in-progress', version: 5 }))).toEqual({ kind: 'ConflictError', message: 'A done action cannot change: agree a new action instead.' });

    expect(await taskRow(j, id)).toMatchObject({ status: 'done', outcome: 'Technique checked; spacer replaced', version: 5 });
    const senco = p.senco.professionalId;
    expect(await moves(id)).toEqual([
      { from_status: null, to_status: 'ready', note: null, changed_by: p.keyWorker.professionalId },
      { from_status: 'ready', to_status: 'in-progress', note: null, changed_by: senco },
      { from_status: 'in-progress', to_status: 'cancelled', note: 'The family moved out of the area', changed_by: senco },
      { from_status: 'cancelled', to_status: 'ready', note: 'The family came back', changed_by: senco },
      { from_status: 'ready', to_status: 'done', note: 'Technique checked; spacer replaced', changed_by: senco },
    ]);
    expect(await auditSince(j.db, mark)).toEqual(['To do → In progress', 'In progress → Cancelled', 'Cancelled → To do', 'To do → Done'].map((words) => ({
      actor: senco, role: 'senco', child, action: 'task.move', what: `Action: ${words}`, why: 'action owner', details: { taskId: id },
    })));
  });

  it('moveTask: the owning team and, once it is overdue, the accountable professional may move it too, each audited with their reason', async () => {
    const child = children[1];
    const teams = await agree(j, p, child, { owner: team(p.hv) });
    const overdue = await agree(j, p, child, { owner: person(p.senco), accountableProfessionalId: p.gp.professionalId, dueOn: addDays(today, -2) });
    const mark = await auditMark(j.db);
    await move(p.hvColleague, teams, { to: 'in-progress', version: 1 });
    await move(p.gp, overdue, { to: 'cancelled', note: 'Agreed at the review that it is no longer needed', version: 1 });
    expect(await auditSince(j.db, mark)).toMatchObject([
      { actor: p.hvColleague.professionalId, child, action: 'task.move', why: 'action for your team', details: { taskId: teams } },
      { actor: p.gp.professionalId, child, action: 'task.move', why: 'overdue action you are accountable for', details: { taskId: overdue } },
    ]);
  });

  it('moveTask: refuses one who may only read it, one who may not see it, an unreadable form and a stale one, saying why, and changes nothing', async () => {
    const child = children[2];
    const id = await agree(j, p, child, { owner: person(p.senco) });
    const mark = await auditMark(j.db);
    // The GP sees the child (registered practice) but has no part in the action; the key worker is accountable only once it is overdue.
    expect(await refusalOf(move(p.gp, id, { to: 'in-progress', version: 1 }))).toEqual({
      kind: 'RefusedAccess', message: 'Only the action’s owner, their team or the professional accountable for it can change it.',
    });
    for (const nobody of [p.stranger, p.keyWorker]) {
      expect(await refusalOf(move(nobody, id, { to: 'in-progress', version: 1 }))).toEqual({ kind: 'RefusedAccess', message: NOT_YOURS });
    }
    expect(await refusalOf(move(p.senco, id, { to: 'finished', version: 'x' }))).toEqual({
      kind: 'ValidationError', message: 'Invalid input', fields: { to: 'Select what has happened', version: 'Reload the action and try again' },
    });
    expect(await refusalOf(move(p.senco, id, { to: 'ready', version: 1 }))).toEqual({ kind: 'ConflictError', message: 'The action is already to do.' });
    expect(await taskRow(j, id)).toMatchObject({ status: 'ready', version: 1 });
    // The refusals of who may not are audited against the child; a bad or stale form is not.
    expect(await auditSince(j.db, mark)).toMatchObject([
      { actor: p.gp.professionalId, child, action: 'child.access-refused', what: 'Refused: moving an action', why: 'Only the action’s owner, their team or the professional accountable for it can change it.' },
      { actor: p.stranger.professionalId, child, action: 'child.access-refused', what: 'Refused: an action', why: NOT_YOURS },
      { actor: p.keyWorker.professionalId, child, action: 'child.access-refused', what: 'Refused: an action', why: NOT_YOURS },
    ]);

    await move(p.senco, id, { to: 'in-progress', version: 1 });
    expect(await refusalOf(move(p.senco, id, { to: 'done', note: 'Done from an old page', version: 1 }))).toEqual({ kind: 'ConflictError', message: STALE });
    expect(await taskRow(j, id)).toMatchObject({ status: 'in-progress', outcome: null, version: 2 });
  });

  it('takeTask: a member of the team takes a team action on; it becomes theirs at the next version, audited with the team as the reason', async () => {
    const child = children[3];
    const id = await agree(j, p, child, { owner: team(p.hv) });
    const mark = await auditMark(j.db);
    await take(p.hv, id, '1');
    expect(await taskRow(j, id)).toMatchObject({ status: 'ready', version: 2, owner_professional_id: p.hv.professionalId, owner_organisation_id: p.hv.organisationId });
    expect(await auditSince(j.db, mark)).toEqual([{
      actor: p.hv.professionalId, role: 'health-visitor', child, action: 'task.take', what: 'Took on an action given to their team', why: 'action for your team', details: { taskId: id, version: 2 },
    }]);
    // Once taken, it is no longer the team's: the taker is told they have it, a colleague who it is.
    expect(await refusalOf(take(p.hv, id, '2'))).toEqual({ kind: 'ConflictError', message: 'You have already taken this action on.' });
    expect(await refusalOf(take(p.hvColleague, id, '2'))).toEqual({ kind: 'ConflictError', message: `Someone else took this action on first: ${p.hv.name} now owns it.` });
    expect(await taskRow(j, id)).toMatchObject({ version: 2, owner_professional_id: p.hv.professionalId });
    expect(await auditSince(j.db, mark, { action: 'task.take' })).toHaveLength(1);
  });

  it('takeTask: refuses one not given to the taker’s team, and a form opened before someone else changed it, saying why', async () => {
    const child = children[4];
    const sencos = await agree(j, p, child, { owner: person(p.senco) });
    const overdueTeam = await agree(j, p, child, { owner: team(p.hv), accountableProfessionalId: p.gp.professionalId, dueOn: addDays(today, -1) });
    const mark = await auditMark(j.db);
    expect(await refusalOf(take(p.hv, sencos, '1'))).toEqual({ kind: 'RefusedAccess', message: NOT_YOURS });
    // The GP may see it (accountable, and overdue) but is not of the team it was given to.
    expect(await refusalOf(take(p.gp, overdueTeam, '1'))).toEqual({ kind: 'RefusedAccess', message: 'Only a member of the team the action was given to can take it on.' });
    expect(await auditSince(j.db, mark)).toMatchObject([
      { actor: p.hv.professionalId, child, action: 'child.access-refused', what: 'Refused: an action', why: NOT_YOURS },
      { actor: p.gp.professionalId, child, action: 'child.access-refused', what: 'Refused: taking on an action', why: 'Only a member of the team the action was given to can take it on.' },
    ]);
    expect(await refusalOf(take(p.hv, overdueTeam, 'one'))).toEqual({ kind: 'ValidationError', message: 'Invalid input', fields: { version: 'Reload the action and try again' } });
    await move(p.hvColleague, overdueTeam, { to: 'in-progress', version: 1 });
    expect(await refusalOf(take(p.hv, overdueTeam, '1'))).toEqual({ kind: 'ConflictError', message: STALE });
    expect(await taskRow(j, overdueTeam)).toMatchObject({ status: 'in-progress', version: 2, owner_professional_id: null });
    expect(await auditSince(j.db, mark, { action: 'task.take' })).toEqual([]);
  });
});
