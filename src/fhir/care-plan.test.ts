import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, CarePlan, CareTeam, Goal } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { databaseKinds } from '../../test/database.js';
import { startFhirTest, type FhirTest } from './test-setup.js';
import { structureIssues } from './validation.js';
import { auditMark, auditSince } from '../../test/audit.js';

const kinds = await databaseKinds();

/** Care plans, goals and care teams read by a FHIR client, under the pages' access rules. */
describe.each(kinds)('CarePlan, Goal and CareTeam over FHIR on %s', (kind) => {
  let t: FhirTest;
  let plan: { id: string; child_id: string; title: string; key_worker_id: string; version: number; goals: number };

  beforeAll(async () => {
    t = await startFhirTest(kind, 600);
    plan = await t.one(sql`SELECT p.id, p.child_id, p.title, p.key_worker_id, p.version,
        (SELECT count(*)::int FROM care_plan_goal g WHERE g.plan_id = p.id AND g.removed_at IS NULL) AS goals
      FROM care_plan p WHERE p.ics_id = ${t.j.ics.icsId}::uuid AND EXISTS (SELECT 1 FROM task k WHERE k.source_id = p.id) ORDER BY p.id LIMIT 1`);
  });
  afterAll(() => t?.close());

  it('serves the child’s plan with its goals and actions, as valid FHIR', async () => {
    const engine = await t.register({ scopes: 'system/*.rs', name: 'Care plan reader' });
    const fhir = t.client(await t.tokenFor(engine));
    const mark = await auditMark(t.j.db);
    const found = (await fhir.search({ resourceType: 'CarePlan', searchParams: { patient: `Patient/${plan.child_id}` } })) as unknown as Bundle;
    expect(found.total).toBe(1);
    const cp = found.entry![0].resource as CarePlan;
    expect(structureIssues(cp)).toEqual([]);
    expect(cp).toMatchObject({ id: plan.id, title: plan.title, intent: 'plan', subject: { reference: `Patient/${plan.child_id}` }, meta: { versionId: String(plan.version) } });
    expect(cp.author?.reference).toBe(`Practitioner/${plan.key_worker_id}`);
    expect(cp.goal).toHaveLength(plan.goals);
    expect(cp.activity!.length).toBeGreaterThan(0);
    expect(cp.note!.some((n) => n.text.startsWith('If things go wrong, what to do:'))).toBe(true);

    const goalId = cp.goal![0].reference!.split('/')[1];
    const goal = (await fhir.read({ resourceType: 'Goal', id: goalId })) as unknown as Goal;
    expect(structureIssues(goal)).toEqual([]);
    expect(goal.target![0].measure!.text).toBeTruthy();
    expect(((await fhir.read({ resourceType: 'CarePlan', id: plan.id })) as unknown as CarePlan).id).toBe(plan.id);

    const team = (await fhir.read({ resourceType: 'CareTeam', id: plan.child_id })) as unknown as CareTeam;
    expect(structureIssues(team)).toEqual([]);
    expect(team.participant!.map((p) => p.member!.reference)).toContain(`Practitioner/${plan.key_worker_id}`);

    const everything = (await fhir.request(`Patient/${plan.child_id}/$everything`)) as unknown as Bundle;
    expect(everything.entry!.map((e) => e.resource!.resourceType)).toEqual(expect.arrayContaining(['CarePlan', 'Goal', 'CareTeam']));
    const audit = await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${plan.child_id}::uuid AND action = 'careplan.read'`);
    expect(audit.n).toBeGreaterThan(0);
    // Every read of the plan, whichever resource carried it, names the client, the child and why: the ICS's engine sees every child.
    const reads = await auditSince(t.j.db, mark, { action: 'careplan.read' });
    expect(reads.length).toBeGreaterThan(0);
    expect(reads).toMatchObject(reads.map(() => ({
      actor: engine.clientId, role: 'system', child: plan.child_id, what: 'Care plan', why: 'ICS integration engine: Care plan reader', details: { planId: plan.id },
    })));
  });

  it('serves each MDT case a child is listed for as a CareTeam of the meeting’s members', async () => {
    const fhir = t.client(await t.token({ scopes: 'system/*.rs' }));
    const listed = await t.one<{ id: string; child_id: string; chair_id: string }>(sql`SELECT c.id, c.child_id, m.chair_id FROM mdt_case c JOIN mdt_meeting m ON m.id = c.meeting_id
      WHERE c.ics_id = ${t.j.ics.icsId}::uuid ORDER BY c.id LIMIT 1`);
    const found = (await fhir.search({ resourceType: 'CareTeam', searchParams: { patient: `Patient/${listed.child_id}` } })) as unknown as Bundle;
    const teams = found.entry!.map((e) => e.resource as CareTeam);
    for (const team of teams) expect(structureIssues(team)).toEqual([]);
    const mdt = teams.find((x) => x.id === listed.id)!;
    expect(mdt.category![0].text).toBe('MDT case discussion');
    expect(mdt.participant!.find((p) => p.role![0].text === 'Chair')!.member!.reference).toBe(`Practitioner/${listed.chair_id}`);
    expect(((await fhir.read({ resourceType: 'CareTeam', id: listed.id })) as unknown as CareTeam).id).toBe(listed.id);
  });

  it('refuses a client without the scope, and one whose organisation has no relationship with the child', async () => {
    const noScope = t.client(await t.token({ scopes: 'system/Patient.rs' }));
    await expect(noScope.read({ resourceType: 'CarePlan', id: plan.id })).rejects.toMatchObject({ response: { status: 403 } });
    const [stranger] = await t.all<{ ods_code: string }>(sql`SELECT o.ods_code FROM organisation o WHERE o.ics_id = ${t.j.ics.icsId}::uuid AND o.kind = 'gp-practice'
      AND NOT EXISTS (SELECT 1 FROM child c WHERE c.id = ${plan.child_id}::uuid AND c.registered_practice_id = o.id) LIMIT 1`);
    const other = t.client(await t.token({ scopes: 'system/*.rs', odsCode: stranger.ods_code }));
    await expect(other.read({ resourceType: 'CarePlan', id: plan.id })).rejects.toMatchObject({ response: { status: 403 } });
    await expect(other.search({ resourceType: 'Goal', searchParams: { patient: `Patient/${plan.child_id}` } })).rejects.toMatchObject({ response: { status: 403 } });
  });
});
