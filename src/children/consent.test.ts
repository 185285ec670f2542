import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { actorFor } from '../../test/actors.js';
import { addMonths, londonToday } from '../platform/time/form-dates.js';
import { startPlan } from '../careplans/service.js';
import { dateBoxes, recordConsentDecision } from './test-fixtures.js';

const kinds = await databaseKinds();

/** The family's consent to share, per agency: recorded by the child's professionals, kept as history, and read by care plans at once. */
describe.each(kinds)('consent to share (%s)', (kind) => {
  let j: TestJoinery;
  let child: { id: string; given_name: string };
  let gpId: string;
  let gpName: string;
  const today = londonToday();
  const signIn = (role: string) => TestClient.signIn(j.app, `${role}@demo.joinery.test`);
  const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(j.db.owner, q))[0];
  const decisions = (scope: string) => rows<{ decision: string }>(j.db.owner, sql`SELECT decision FROM consent_record
    WHERE child_id = ${child.id}::uuid AND scope = ${scope} ORDER BY decided_at, recorded_at`);

  beforeAll(async () => {
    j = await startJoinery(kind);
    const gp = await actorFor(j.db, 'gp@demo.joinery.test');
    gpId = gp.professionalId;
    gpName = gp.name;
    const senco = await actorFor(j.db, 'senco@demo.joinery.test');
    // A child of 12 to 15 at the GP's practice, with a parent, no plan, no care team and no consent recorded yet.
    child = await one(sql`SELECT c.id, c.given_name FROM child c WHERE c.registered_practice_id = ${gp.organisationId}::uuid
      AND c.date_of_birth BETWEEN ${addMonths(today, -15 * 12 + 1)}::date AND ${addMonths(today, -12 * 12)}::date
      AND EXISTS (SELECT 1 FROM child_related_person r WHERE r.child_id = c.id AND r.parental_responsibility)
      AND NOT EXISTS (SELECT 1 FROM care_plan p WHERE p.child_id = c.id) AND NOT EXISTS (SELECT 1 FROM care_team_member m WHERE m.child_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM consent_record r WHERE r.child_id = c.id) ORDER BY c.id LIMIT 1`);
    await j.db.tenant(gp.icsId, (tx) => startPlan(tx, gp, child.id, {
      title: 'Asthma plan', whatMatters: 'Playing football.', strengths: 'Uses the spacer well.', needs: 'Preventer twice a day.', atSchool: 'Reliever in class.',
      contingencyWhatToDo: 'Two puffs of the reliever.', contingencyWhoToCall: '999 if no better.', keyWorkerId: gp.professionalId, reviewOn: addMonths(today, 6),
    }, today));
    // The SENCO is in the child's care team: a relationship, but the plan still needs the family's consent to share with education.
    await j.db.owner.execute(sql`INSERT INTO care_team_member (ics_id, id, child_id, professional_id, role_in_team)
      VALUES (${j.ics.icsId}::uuid, gen_random_uuid(), ${child.id}::uuid, ${senco.professionalId}::uuid, 'SENCO')`);
  }, 300_000);
  afterAll(() => j?.close());

  it('an education professional sees the plan while consent stands and loses sight of it the moment the family withdraws', async () => {
    const senco = await signIn('senco');
    const gp = await signIn('gp');
    expect((await senco.get(`/children/${child.id}/care-plan`)).statusCode).toBe(403);

    expect((await recordConsentDecision(gp, child.id, { agency: 'education', decision: 'given' })).statusCode).toBe(303);
    const shared = await senco.get(`/children/${child.id}/care-plan`);
    expect(shared.statusCode).toBe(200);
    expect(pageText(shared.body)).toContain('Playing football.');

    expect((await recordConsentDecision(gp, child.id, { agency: 'education', decision: 'withdrawn' })).statusCode).toBe(303);
    const withdrawn = await senco.get(`/children/${child.id}/care-plan`);
    expect(withdrawn.statusCode).toBe(403);
    expect(pageText(withdrawn.body)).toContain('The family has not agreed to share this care plan with your agency');

    // The care team is told, on the plan and on the child's page.
    const plan = pageText((await gp.get(`/children/${child.id}/care-plan`)).body);
    expect(plan).toContain('Consent to share with education withdrawn');
    expect(plan).toContain('Education professionals no longer see this plan.');
    const summary = pageText((await gp.get(`/children/${child.id}`)).body);
    expect(summary).toContain('The care plan is no longer shared with education.');
  });

  it('keeps every decision as history: a withdrawal is a new row, and no row can be changed or removed', async () => {
    expect((await decisions('share-with-education')).map((d) => d.decision)).toEqual(['given', 'withdrawn']);
    const audits = await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${child.id}::uuid AND action = 'consent.record'`);
    expect(audits.n).toBe(2);
    const history = pageText((await (await signIn('gp')).get(`/children/${child.id}/consent`)).body);
    expect(history).toMatch(/Withdrawn.*Given/s);
    // Each decision says who recorded it and when.
    const table = history.split('Every decision, newest first')[1];
    expect(table.match(new RegExp(`${gpName}, \\d+ \\w+ \\d{4}`, 'g'))).toHaveLength(2);
    const refusal = (q: ReturnType<typeof sql>) => j.db.tenant(j.ics.icsId, (tx) => tx.execute(q)).then(() => 'changed', (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message));
    expect(await refusal(sql`UPDATE consent_record SET decision = 'given' WHERE child_id = ${child.id}::uuid`)).toMatch(/permission denied/);
    expect(await refusal(sql`DELETE FROM consent_record WHERE child_id = ${child.id}::uuid`)).toMatch(/permission denied/);
  });

  it('lets health and social care record consent, but not education, who see the decisions without the form', async () => {
    const senco = await signIn('senco');
    const page = await senco.get(`/children/${child.id}/consent`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Record the decision');
    const refused = await recordConsentDecision(senco, child.id, { agency: 'education', decision: 'given' });
    expect(refused.statusCode).toBe(403);
    expect(pageText(refused.body)).toContain('recorded by the health and social care professionals caring for the child');
    expect((await decisions('share-with-education')).map((d) => d.decision)).toEqual(['given', 'withdrawn']);
  });

  it('a young person under 16 decides for themselves only when the professional records why they judge them competent', async () => {
    const gp = await signIn('gp');
    const unexplained = await recordConsentDecision(gp, child.id, { agency: 'social-care', decision: 'given', givenBy: 'young-person' });
    expect(unexplained.statusCode).toBe(400);
    expect(pageText(unexplained.body)).toContain('There is a problem');
    expect(pageText(unexplained.body)).toContain('Enter what the young person understood: under 16');
    expect(await decisions('share-with-social-care')).toEqual([]);

    const note = 'Understands who would see the plan and why, and that they can change their mind.';
    expect((await recordConsentDecision(gp, child.id, { agency: 'social-care', decision: 'given', givenBy: 'young-person', competenceNote: note })).statusCode).toBe(303);
    const row = await one(sql`SELECT given_by, given_by_related_person_id, competence_judged_by, competence_note, recorded_by FROM consent_record
      WHERE child_id = ${child.id}::uuid AND scope = 'share-with-social-care'`);
    expect(row).toEqual({ given_by: 'young-person', given_by_related_person_id: null, competence_judged_by: gpId, competence_note: note, recorded_by: gpId });
    expect(pageText((await gp.get(`/children/${child.id}/consent`)).body)).toContain(`The young person, judged competent by ${gpName}`);
  });

  it('refuses a withdrawal of consent never given, a date to come, and a page someone else has recorded on since', async () => {
    const gp = await signIn('gp');
    const never = await recordConsentDecision(gp, child.id, { agency: 'youth-justice', decision: 'withdrawn' });
    expect(never.statusCode).toBe(400);
    expect(pageText(never.body)).toContain('has not been given, so it cannot be withdrawn');
    const future = await recordConsentDecision(gp, child.id, { agency: 'youth-justice', decision: 'refused', on: addMonths(today, 1) });
    expect(future.statusCode).toBe(400);
    expect(pageText(future.body)).toContain('The date of the decision must be today or in the past');
    const bad = await gp.post(`/children/${child.id}/consent`, { agency: 'nowhere', decision: 'maybe', givenBy: '', seen: 'x', 'decidedOn[day]': '31', 'decidedOn[month]': '2', 'decidedOn[year]': '2026' });
    expect(bad.statusCode).toBe(400);
    expect(pageText(bad.body)).toContain('The date of the decision must be a real date');

    // Opened before someone else recorded a decision: told, and nothing of theirs is saved.
    await gp.get(`/children/${child.id}/consent`);
    const seen = /name="seen" value="(\d+)"/.exec((await gp.get(`/children/${child.id}/consent`)).body)![1];
    await recordConsentDecision(gp, child.id, { agency: 'health', decision: 'given' });
    const stale = await gp.post(`/children/${child.id}/consent`, { agency: 'youth-justice', decision: 'refused', givenBy: 'young-person', seen, competenceNote: 'Understands.', ...dateBoxes('decidedOn') });
    expect(stale.statusCode).toBe(409);
    expect(await decisions('share-with-youth-justice')).toEqual([]);
  });
});
