import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { addMonths, londonToday } from '../platform/time/form-dates.js';

const kinds = await databaseKinds();

/** Hazard H009: a care plan past its review, or changed since the family agreed it, must not read as the agreed, current plan. */
describe.each(kinds)('whether a care plan is current (%s)', (kind) => {
  let j: TestJoinery;
  let child: { id: string; family_name: string };
  const today = londonToday();
  const signIn = (role: string) => TestClient.signIn(j.app, `${role}@demo.joinery.test`);
  const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(j.db.owner, q))[0];
  const plan = () => one<{ version: number; agreed_version: number | null; status: string }>(sql`SELECT version, agreed_version, status FROM care_plan WHERE child_id = ${child.id}::uuid`);

  beforeAll(async () => {
    j = await startJoinery(kind);
    const gpPractice = sql`(SELECT organisation_id FROM professional WHERE email = 'gp@demo.joinery.test')`;
    child = await one(sql`SELECT c.id, c.family_name FROM child c WHERE c.registered_practice_id = ${gpPractice}
      AND NOT EXISTS (SELECT 1 FROM care_plan p WHERE p.child_id = c.id) ORDER BY c.id LIMIT 1`);
    const keyWorker = await one<{ id: string }>(sql`SELECT id FROM professional WHERE email = 'care-coordinator@demo.joinery.test'`);
    // The GP starts a plan with the care coordinator as key worker, who signs it off with the family.
    const gp = await signIn('gp');
    await gp.get(`/children/${child.id}/care-plan/new`);
    const [y, m, d] = addMonths(today, 3).split('-');
    const started = await gp.post(`/children/${child.id}/care-plan/new`, {
      title: 'Epilepsy plan QZ', whatMatters: 'Going to Scouts.', strengths: 'Takes medicines on time.', needs: 'Rescue medicine at school.',
      atSchool: 'Staff trained in buccal midazolam.', contingencyWhatToDo: 'Give rescue medicine after 5 minutes.', contingencyWhoToCall: 'Call 999.',
      keyWorkerId: keyWorker.id, 'reviewOn-day': String(Number(d)), 'reviewOn-month': String(Number(m)), 'reviewOn-year': y,
    });
    expect(started.statusCode).toBe(303);
    const kw = await signIn('care-coordinator');
    await kw.get(`/children/${child.id}/care-plan/agree`);
    const signedOff = await kw.post(`/children/${child.id}/care-plan/agree`, { familyAgreement: 'Agreed with Dad by phone', version: String((await plan()).version) });
    expect(signedOff.statusCode).toBe(303);
  });
  afterAll(() => j?.close());

  it('marks a plan past its review date as overdue, on the plan and on the reviews page', async () => {
    const kw = await signIn('care-coordinator');
    const reviews = (await kw.get('/care-plans/reviews')).body;
    expect(pageText(reviews.split('Due in the next 4 weeks')[0])).not.toContain('Epilepsy plan QZ');
    expect(pageText((await kw.get(`/children/${child.id}/care-plan`)).body)).not.toContain('(overdue)');

    // Time passes: the review date goes by with no review.
    await j.db.owner.execute(sql`UPDATE care_plan SET review_on = ${addMonths(today, -1)}::date WHERE child_id = ${child.id}::uuid`);
    expect(pageText((await kw.get(`/children/${child.id}/care-plan`)).body)).toMatch(/Review date \d{1,2} \w+ \d{4} \(overdue\)/);
    const overdue = pageText((await kw.get('/care-plans/reviews')).body).split('Due in the next 4 weeks')[0];
    expect(overdue).toMatch(/Overdue \(\d+\)/);
    expect(overdue).toContain('Epilepsy plan QZ');
    expect(overdue).toContain(child.family_name.toUpperCase());
  });

  it('shows a plan changed since sign-off as a draft, naming the version that was agreed', async () => {
    const agreed = await plan();
    expect(agreed.status).toBe('agreed');
    const kw = await signIn('care-coordinator');
    expect(pageText((await kw.get(`/children/${child.id}/care-plan`)).body)).toContain(`Version ${agreed.agreed_version} signed off by`);

    await kw.get(`/children/${child.id}/care-plan/goals/new`);
    const goal = await kw.post(`/children/${child.id}/care-plan/goals/new`, { version: String(agreed.version), agency: 'health', goal: 'No seizures at school', measure: 'Seizures logged by school each term' });
    expect(goal.statusCode).toBe(303);
    const page = pageText((await kw.get(`/children/${child.id}/care-plan`)).body);
    expect(page).toContain('Draft: not yet agreed with the family');
    expect(page).toContain(`Changed since version ${agreed.agreed_version} was signed off`);
    expect(page).not.toContain(`Version ${agreed.agreed_version} signed off by`);
    expect(await plan()).toMatchObject({ status: 'draft', agreed_version: agreed.agreed_version });

    // The key worker finds it in their list of plans waiting for sign-off, saying why; signing it off takes it out.
    const waiting = () => kw.get('/care-plans/reviews').then((r) => pageText(r.body).split('Waiting for your sign-off')[1].split('Overdue')[0]);
    const listed = await waiting();
    expect(listed).toContain(child.family_name.toUpperCase());
    expect(listed).toContain('Epilepsy plan QZ');
    expect(listed).toContain(`Changed since version ${agreed.agreed_version} was agreed`);
    const [audit] = await rows<{ why: string }>(j.db.owner, sql`SELECT a.why FROM audit_event a JOIN professional p ON p.id = a.professional_id
      WHERE a.child_id = ${child.id}::uuid AND a.action = 'careplan.list-sign-off' AND p.email = 'care-coordinator@demo.joinery.test'`);
    expect(audit.why).toBe('key worker for their care plan');
    const gp = await signIn('gp');
    expect(pageText((await gp.get('/care-plans/reviews')).body).split('Waiting for your sign-off')[1]).not.toContain(child.family_name.toUpperCase());
    await kw.get(`/children/${child.id}/care-plan/agree`);
    expect((await kw.post(`/children/${child.id}/care-plan/agree`, { familyAgreement: 'Agreed with Dad at clinic', version: String((await plan()).version) })).statusCode).toBe(303);
    const after = await waiting();
    expect(after).not.toContain(child.family_name.toUpperCase());
  });
});
