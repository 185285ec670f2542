import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { addMonths, londonToday } from '../platform/time/form-dates.js';
import { auditMark, auditSince } from '../../test/audit.js';
import { recordConsentDecision } from '../children/test-fixtures.js';

const kinds = await databaseKinds();

/** A care plan from start to sign-off, as the GP, the key worker, a SENCO and a social worker each meet it. */
describe.each(kinds)('care plans and their tasks (%s)', (kind) => {
  let j: TestJoinery;
  let childId: string;
  const pros: Record<string, { id: string; organisation_id: string; name: string }> = {};
  /** Why the GP may see and write the child's plan: the child is registered at their practice. */
  let gpWhy: string;
  const today = londonToday();
  const inMonths = (n: number) => addMonths(today, n);
  const boxes = (name: string, iso: string) => {
    const [y, m, d] = iso.split('-');
    return { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y };
  };
  const signIn = (role: string) => TestClient.signIn(j.app, `${role}@demo.joinery.test`);
  const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(j.db.owner, q))[0];
  const planForm = (over: Record<string, string | string[]> = {}) => ({
    title: 'Asthma and school plan',
    whatMatters: 'I want to play football with my friends.',
    strengths: 'Knows how to use the spacer.',
    needs: 'Preventer inhaler twice a day; night cough.',
    atSchool: 'Reliever inhaler kept in the classroom.',
    contingencyWhatToDo: 'Give 2 puffs of the blue reliever every 2 minutes, up to 10 puffs.',
    contingencyWhoToCall: 'Call 999 if no better after 10 puffs.',
    keyWorkerId: pros['care-coordinator'].id,
    ...boxes('reviewOn', inMonths(6)),
    ...over,
  });

  beforeAll(async () => {
    j = await startJoinery(kind);
    for (const role of ['gp', 'care-coordinator', 'senco', 'social-worker', 'paediatrician']) {
      pros[role] = await one(sql`SELECT id, organisation_id, name FROM professional WHERE email = ${`${role}@demo.joinery.test`}`);
    }
    // A child of the GP's practice with no plan yet, not in anyone's care team.
    ({ id: childId } = await one<{ id: string }>(sql`SELECT c.id FROM child c WHERE c.ics_id = ${j.ics.icsId}::uuid AND c.registered_practice_id = ${pros.gp.organisation_id}::uuid
      AND NOT EXISTS (SELECT 1 FROM care_plan p WHERE p.ics_id = ${j.ics.icsId}::uuid AND p.ics_id = c.ics_id AND p.child_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM care_team_member m WHERE m.ics_id = ${j.ics.icsId}::uuid AND m.ics_id = c.ics_id AND m.child_id = c.id) LIMIT 1`));
    const practice = await one<{ name: string }>(sql`SELECT name FROM organisation WHERE id = ${pros.gp.organisation_id}::uuid`);
    gpWhy = `Registered practice: ${practice.name}`;
  }, 120_000);
  afterAll(() => j?.close());

  it('refuses a plan with its field errors and saves nothing', async () => {
    const gp = await signIn('gp');
    expect((await gp.get(`/children/${childId}/care-plan`)).statusCode).toBe(200);
    await gp.get(`/children/${childId}/care-plan/new`);
    const res = await gp.post(`/children/${childId}/care-plan/new`, planForm({ keyWorkerId: '', whatMatters: '', ...boxes('reviewOn', addMonths(today, -1)) }));
    expect(res.statusCode).toBe(400);
    const text = pageText(res.body);
    expect(text).toContain('Select the key worker');
    expect(text).toContain('Enter what matters to the child and family, in their words');
    const stale = await gp.post(`/children/${childId}/care-plan/new`, planForm({ ...boxes('reviewOn', addMonths(today, -1)) }));
    expect(pageText(stale.body)).toContain('Review date must be in the future');
    const badDate = await gp.post(`/children/${childId}/care-plan/new`, planForm({ 'reviewOn-day': '31', 'reviewOn-month': '2', 'reviewOn-year': '2027' }));
    expect(pageText(badDate.body)).toContain('Review date must be a real date');
    expect((await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM care_plan WHERE child_id = ${childId}::uuid`)).n).toBe(0);
  });

  it('starts a plan: the key worker joins the care team and version 1 is kept', async () => {
    const gp = await signIn('gp');
    await gp.get(`/children/${childId}/care-plan/new`);
    const mark = await auditMark(j.db);
    const res = await gp.post(`/children/${childId}/care-plan/new`, planForm());
    expect(res.statusCode).toBe(303);
    // Starting it is audited against the child, as the GP, on the practice registration.
    expect(await auditSince(j.db, mark, { action: 'careplan.change' })).toMatchObject([
      { actor: pros.gp.id, role: 'gp', child: childId, what: 'Care plan version 1: Plan started', why: gpWhy },
    ]);
    const page = pageText((await gp.get(`/children/${childId}/care-plan`)).body);
    expect(page).toContain('Asthma and school plan');
    expect(page).toContain('Draft: not yet agreed with the family');
    expect(page).toContain(pros['care-coordinator'].name);
    const team = await one<{ role_in_team: string }>(sql`SELECT role_in_team FROM care_team_member WHERE child_id = ${childId}::uuid AND professional_id = ${pros['care-coordinator'].id}::uuid`);
    expect(team.role_in_team).toBe('Key worker (care plan)');
    expect((await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM care_plan_version v JOIN care_plan p ON p.ics_id = v.ics_id AND p.id = v.plan_id
      WHERE v.ics_id = ${j.ics.icsId}::uuid AND p.ics_id = ${j.ics.icsId}::uuid AND p.child_id = ${childId}::uuid`)).n).toBe(1);
    const audit = await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${childId}::uuid AND action = 'careplan.read'`);
    expect(audit.n).toBeGreaterThan(0);
    // Each read of it too: who read which child's plan, all of it, and why they could.
    const reads = await auditSince(j.db, mark, { action: 'careplan.read' });
    expect(reads.length).toBeGreaterThan(0);
    expect(reads).toMatchObject(reads.map(() => ({ actor: pros.gp.id, child: childId, what: 'Care plan', why: gpWhy })));
  });

  it('a goal needs a measure; an action needs an owner and a due date', async () => {
    const gp = await signIn('gp');
    await gp.get(`/children/${childId}/care-plan/goals/new`);
    const goal = await gp.post(`/children/${childId}/care-plan/goals/new`, { version: '1', agency: 'education', goal: 'Take part in PE every week', measure: '' });
    expect(goal.statusCode).toBe(400);
    expect(pageText(goal.body)).toContain('Enter how progress will be measured');
    const saved = await gp.post(`/children/${childId}/care-plan/goals/new`, { version: '1', agency: 'education', goal: 'Take part in PE every week', measure: 'PE lessons attended each half term' });
    expect(saved.statusCode).toBe(303);

    await gp.get(`/children/${childId}/care-plan/actions/new`);
    const noOwner = await gp.post(`/children/${childId}/care-plan/actions/new`, { version: '2', description: 'Train staff on the inhaler', ownerKind: '', 'dueOn-day': '', 'dueOn-month': '', 'dueOn-year': '' });
    expect(noOwner.statusCode).toBe(400);
    expect(pageText(noOwner.body)).toContain('Select who will do it');
    expect(pageText(noOwner.body)).toContain('Enter the date it is due by');
    const action = await gp.post(`/children/${childId}/care-plan/actions/new`, {
      version: '2', description: 'Train classroom staff on the inhaler and spacer', ownerKind: 'professional', personId: pros.senco.id, confirmOwner: pros.senco.id, ...boxes('dueOn', inMonths(1)),
    });
    expect(action.statusCode).toBe(303);
    // A health-only page for the social worker's action, due already yesterday: overdue at once.
    await j.db.owner.execute(sql`INSERT INTO task (ics_id, id, child_id, source, source_id, agency, description, owner_professional_id, accountable_professional_id, due_on, status, version, created_by)
      SELECT p.ics_id, gen_random_uuid(), p.child_id, 'care-plan', p.id, 'social-care', 'Home visit about housing', ${pros['social-worker'].id}::uuid, p.key_worker_id,
             ${addMonths(today, -1)}::date, 'ready', 1, ${pros.gp.id}::uuid FROM care_plan p WHERE p.child_id = ${childId}::uuid`);
  });

  it('education sees nothing until the family agrees to share, then only its parts', async () => {
    const senco = await signIn('senco');
    const before = await senco.get(`/children/${childId}/care-plan`);
    expect(before.statusCode).toBe(403);
    expect(pageText(before.body)).toContain('The family has not agreed to share this care plan with your agency');
    const refused = await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${childId}::uuid AND action = 'child.access-refused' AND professional_id = ${pros.senco.id}::uuid`);
    expect(refused.n).toBe(1);
    const [refusal] = await rows<{ why: string }>(j.db.owner, sql`SELECT why FROM audit_event WHERE child_id = ${childId}::uuid AND action = 'child.access-refused'
      AND professional_id = ${pros.senco.id}::uuid`);
    expect(refusal.why).toBe('The family has not agreed to share this care plan with your agency.');

    const gp = await signIn('gp');
    await gp.get(`/children/${childId}/care-plan/edit`);
    expect((await gp.post(`/children/${childId}/care-plan/edit`, { ...planForm(), version: '3' })).statusCode).toBe(303);
    // The family agrees to share with education: recorded as their consent, which the plan reads its audience from.
    expect((await recordConsentDecision(gp, childId, { agency: 'education', decision: 'given' })).statusCode).toBe(303);

    const mark = await auditMark(j.db);
    const page = pageText((await senco.get(`/children/${childId}/care-plan`)).body);
    // Audited as what education saw, on the action the SENCO owns.
    expect(await auditSince(j.db, mark, { child: childId })).toMatchObject([{
      actor: pros.senco.id, role: 'senco', action: 'careplan.read', what: 'Care plan (the parts shared with your agency)',
      why: 'Care plan or MDT action owner: an open action for this child is yours',
    }]);
    expect(page).toContain('I want to play football with my friends.');
    expect(page).toContain('Reliever inhaler kept in the classroom.');
    expect(page).toContain('Give 2 puffs of the blue reliever');
    expect(page).toContain('Take part in PE every week');
    expect(page).toContain('Train classroom staff on the inhaler and spacer');
    expect(page).not.toContain('Preventer inhaler twice a day');
    expect(page).not.toContain('Home visit about housing');
    expect((await senco.get(`/children/${childId}/care-plan/edit`)).statusCode).toBe(403);
  });

  it('two people editing at once: the second is told and nothing of theirs is saved', async () => {
    const gp = await signIn('gp');
    const paed = await signIn('care-coordinator');
    const { version } = await one<{ version: number }>(sql`SELECT version FROM care_plan WHERE child_id = ${childId}::uuid`);
    await gp.get(`/children/${childId}/care-plan/edit`);
    await paed.get(`/children/${childId}/care-plan/edit`);
    expect((await gp.post(`/children/${childId}/care-plan/edit`, { ...planForm({ strengths: 'Brave at the dentist.' }), version: String(version) })).statusCode).toBe(303);
    const second = await paed.post(`/children/${childId}/care-plan/edit`, { ...planForm({ strengths: 'Loves drawing.' }), version: String(version) });
    expect(second.statusCode).toBe(409);
    expect(pageText(second.body)).toContain('Someone else changed this care plan after you opened it, so your change has not been saved.');
    // What the second person typed is kept in the form, at the plan's new version, with a link to the plan as the first saved it.
    expect(pageText(second.body)).toContain('What you typed is kept below, not saved yet.');
    expect(second.body).toMatch(/<textarea[^>]*name="strengths"[^>]*>\s*Loves drawing\.<\/textarea>/);
    expect(second.body).toContain(`name="version" value="${version + 1}"`);
    expect(second.body).toContain(`href="/children/${childId}/care-plan" target="_blank"`);
    const plan = await one<{ strengths: string; version: number }>(sql`SELECT strengths, version FROM care_plan WHERE child_id = ${childId}::uuid`);
    expect(plan).toEqual({ strengths: 'Brave at the dentist.', version: version + 1 });
  });

  it('keeps every version readable, with what changed', async () => {
    const gp = await signIn('gp');
    const list = pageText((await gp.get(`/children/${childId}/care-plan/versions`)).body);
    expect(list).toContain('Plan started');
    expect(list).toContain('Goal added: Take part in PE every week');
    expect(list).toContain('Changed: Strengths');
    const { version } = await one<{ version: number }>(sql`SELECT version FROM care_plan WHERE child_id = ${childId}::uuid`);
    const latest = pageText((await gp.get(`/children/${childId}/care-plan/versions/${version}`)).body);
    expect(latest).toContain('Knows how to use the spacer.');
    expect(latest).toContain('Brave at the dentist.');
    const first = pageText((await gp.get(`/children/${childId}/care-plan/versions/1`)).body);
    expect(first).toContain('Knows how to use the spacer.');
    expect(first).not.toContain('Brave at the dentist.');
    expect((await gp.get(`/children/${childId}/care-plan/versions/999`)).statusCode).toBe(404);
  });

  it('only the key worker signs it off, with the family’s agreement recorded', async () => {
    const gp = await signIn('gp');
    expect((await gp.get(`/children/${childId}/care-plan/agree`)).statusCode).toBe(403);
    const kw = await signIn('care-coordinator');
    await kw.get(`/children/${childId}/care-plan/agree`);
    const { version } = await one<{ version: number }>(sql`SELECT version FROM care_plan WHERE child_id = ${childId}::uuid`);
    const empty = await kw.post(`/children/${childId}/care-plan/agree`, { familyAgreement: '', version: String(version) });
    expect(empty.statusCode).toBe(400);
    expect(pageText(empty.body)).toContain('Enter how the family agreed the plan');
    expect((await kw.post(`/children/${childId}/care-plan/agree`, { familyAgreement: 'Agreed with Mum at home visit', version: String(version) })).statusCode).toBe(303);
    const page = pageText((await kw.get(`/children/${childId}/care-plan`)).body);
    expect(page).toContain('Agreed');
    expect(page).toContain('Agreed with Mum at home visit');
    const print = pageText((await kw.get(`/children/${childId}/care-plan/print`)).body);
    expect(print).toContain('If things go wrong');
    expect(print).toContain(`will train classroom staff on the inhaler and spacer`);
  });

  it('puts each action on its owner’s task list, and an overdue one on the key worker’s', async () => {
    const senco = await signIn('senco');
    const list = pageText((await senco.get('/tasks')).body);
    expect(list).toContain('Train classroom staff on the inhaler and spacer');
    const kw = await signIn('care-coordinator');
    const mark = await auditMark(j.db);
    const kwList = pageText((await kw.get('/tasks?due=overdue')).body);
    // Naming the child on the key worker's list is audited, with the escalation as the reason.
    expect(await auditSince(j.db, mark, { child: childId })).toMatchObject([
      { actor: pros['care-coordinator'].id, action: 'task.list', what: 'Named in your task list', why: 'overdue action you are accountable for' },
    ]);
    expect(kwList).toContain('Home visit about housing');
    expect(kwList).toContain('Overdue: you are accountable');
    expect(kwList).not.toContain('Train classroom staff');
  });

  it('searches a task list by words of the action or the child’s name or NHS number, keeping the search in the filters; a refused search names nobody', async () => {
    const kw = await signIn('care-coordinator');
    const [child] = await rows<{ nhs_number: string; family_name: string }>(j.db.owner, sql`SELECT nhs_number, family_name FROM child WHERE id = ${childId}::uuid`);
    const found = await kw.get('/tasks?q=HOUSING+home');
    expect(found.statusCode).toBe(200);
    expect(pageText(found.body)).toContain('Home visit about housing');
    expect(found.body).toContain('value="HOUSING home"');
    expect(found.body).toContain('href="/tasks?due=overdue&amp;q=HOUSING+home"');
    expect(pageText((await kw.get(`/tasks?q=${encodeURIComponent(child.nhs_number.replace(/^(\d{3})(\d{3})/, '$1 $2 '))}`)).body)).toContain('Home visit about housing');
    expect(pageText((await kw.get(`/tasks?q=${encodeURIComponent(child.family_name.slice(0, 3))}+visit`)).body)).toContain('Home visit about housing');
    const none = pageText((await kw.get('/tasks?q=housing+Zzyzxq')).body);
    expect(none).toContain('No tasks match ‘housing Zzyzxq’');
    expect(none).not.toContain('Home visit about housing');

    const mark = await auditMark(j.db);
    const refused = await kw.get(`/tasks?q=${'h'.repeat(101)}`);
    expect(refused.statusCode).toBe(400);
    expect(pageText(refused.body)).toContain('Your search must be 100 characters or fewer');
    expect(pageText(refused.body)).not.toContain('Home visit about housing');
    expect(await auditSince(j.db, mark, { child: childId })).toEqual([]);
  });

  it('moves a task only as the state machine allows, with the outcome recorded', async () => {
    const senco = await signIn('senco');
    const { id, version } = await one<{ id: string; version: number }>(sql`SELECT id, version FROM task WHERE child_id = ${childId}::uuid AND owner_professional_id = ${pros.senco.id}::uuid`);
    await senco.get(`/tasks/${id}`);
    const noOutcome = await senco.post(`/tasks/${id}`, { to: 'done', note: '', version: String(version) });
    expect(noOutcome.statusCode).toBe(400);
    expect(pageText(noOutcome.body)).toContain('Enter the outcome');
    const mark = await auditMark(j.db);
    expect((await senco.post(`/tasks/${id}`, { to: 'done', note: 'Six staff trained on 1 December', version: String(version) })).statusCode).toBe(303);
    expect(await auditSince(j.db, mark, { action: 'task.move' })).toMatchObject([
      { actor: pros.senco.id, child: childId, what: 'Action: To do → Done', why: 'action owner', details: { taskId: id } },
    ]);
    const again = await senco.post(`/tasks/${id}`, { to: 'in-progress', note: '', version: String(version + 1) });
    expect(again.statusCode).toBe(409);
    expect(pageText(again.body)).toContain('A done action cannot change');
    const task = await one<{ status: string; outcome: string }>(sql`SELECT status, outcome FROM task WHERE id = ${id}::uuid`);
    expect(task).toEqual({ status: 'done', outcome: 'Six staff trained on 1 December' });
    const events = await rows<{ to_status: string }>(j.db.owner, sql`SELECT to_status FROM task_event WHERE task_id = ${id}::uuid ORDER BY changed_at`);
    expect(events.map((e) => e.to_status)).toEqual(['ready', 'done']);
    // Someone with no part in the action cannot move it, though as the hub's lead they may see the child.
    const paed = await signIn('paediatrician');
    const refused = await paed.post(`/tasks/${id}`, { to: 'ready', note: 'x', version: String(version + 1) });
    expect(refused.statusCode).toBe(403);
    expect(pageText(refused.body)).toContain('Only the action’s owner, their team or the professional accountable for it can change it.');
    expect(await auditSince(j.db, mark, { action: 'task.move' })).toHaveLength(1);
  });
});
