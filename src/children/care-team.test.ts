import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { actorFor } from '../../test/actors.js';
import { addMonths, londonToday } from '../platform/time/form-dates.js';
import { startPlan } from '../careplans/service.js';

const kinds = await databaseKinds();

/** Ending someone's care team membership ends their access to the child, and is audited. */
describe.each(kinds)('ending care team membership (%s)', (kind) => {
  let j: TestJoinery;
  let child: { id: string; social_worker: string };
  const signIn = (role: string) => TestClient.signIn(j.app, `${role}@demo.joinery.test`);

  beforeAll(async () => {
    j = await startJoinery(kind);
    [child] = await rows(j.db.owner, sql`SELECT c.id, m.professional_id AS social_worker FROM child c
      JOIN care_team_member m ON m.child_id = c.id AND m.ended_at IS NULL
      JOIN professional p ON p.id = m.professional_id AND p.email = 'social-worker@demo.joinery.test'
      WHERE NOT EXISTS (SELECT 1 FROM mdt_case mc WHERE mc.child_id = c.id) ORDER BY c.id LIMIT 1`);
  }, 120_000);
  afterAll(() => j?.close());

  it('refuses someone without a relationship; a social worker who leaves the team loses access with it', async () => {
    const sw = await signIn('social-worker');
    expect((await sw.get(`/children/${child.id}`)).statusCode).toBe(200);
    const youth = await signIn('youth-justice-worker');
    await youth.get('/');
    expect((await youth.post(`/children/${child.id}/care-team/${child.social_worker}/end`, {})).statusCode).toBe(403);

    const summary = await sw.get(`/children/${child.id}`);
    expect(summary.body).toContain(`/children/${child.id}/care-team/${child.social_worker}/end`);
    const ended = await sw.post(`/children/${child.id}/care-team/${child.social_worker}/end`, {});
    expect(ended.statusCode).toBe(303);
    expect((await sw.get(`/children/${child.id}`)).statusCode).toBe(403);
    const [audit] = await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${child.id}::uuid AND action = 'care-team.end'`);
    expect(audit.n).toBe(1);
    const [ending] = await rows(j.db.owner, sql`SELECT professional_id, role, why, details->>'professionalId' AS ended FROM audit_event WHERE child_id = ${child.id}::uuid AND action = 'care-team.end'`);
    expect(ending).toEqual({ professional_id: child.social_worker, role: 'social-worker', why: 'leaving the care team', ended: child.social_worker });
    expect((await sw.post(`/children/${child.id}/care-team/${child.social_worker}/end`, {})).statusCode).toBe(403);
  });

  it('lets only the member, the key worker or a care coordinator end a membership, with the reason audited', async () => {
    const gp = await actorFor(j.db, 'gp@demo.joinery.test');
    const ids: Record<string, string> = {};
    for (const role of ['school-nurse', 'health-visitor', 'paediatrician', 'care-coordinator']) ids[role] = (await actorFor(j.db, `${role}@demo.joinery.test`)).professionalId;
    const [{ id }] = await rows<{ id: string }>(j.db.owner, sql`SELECT c.id FROM child c WHERE c.registered_practice_id = ${gp.organisationId}::uuid
      AND NOT EXISTS (SELECT 1 FROM care_plan p WHERE p.child_id = c.id) AND NOT EXISTS (SELECT 1 FROM care_team_member m WHERE m.child_id = c.id) ORDER BY c.id LIMIT 1`);
    for (const role of ['school-nurse', 'health-visitor', 'care-coordinator']) {
      await j.db.owner.execute(sql`INSERT INTO care_team_member (ics_id, id, child_id, professional_id, role_in_team)
        VALUES (${j.ics.icsId}::uuid, gen_random_uuid(), ${id}::uuid, ${ids[role]}::uuid, ${role === 'school-nurse' ? 'School nurse' : role === 'health-visitor' ? 'Health visitor' : 'Care coordinator'})`);
    }
    // The paediatrician is the key worker of the child's care plan.
    const today = londonToday();
    await j.db.tenant(gp.icsId, (tx) => startPlan(tx, gp, id, {
      title: 'Feeding plan', whatMatters: 'Eating with the family.', strengths: 'Good appetite.', needs: 'Weight checks.', atSchool: 'Snack at break.',
      contingencyWhatToDo: 'Call the GP.', contingencyWhoToCall: 'GP', keyWorkerId: ids.paediatrician, reviewOn: addMonths(today, 6), sharedWith: [],
    }, today));
    const member = (who: string) => rows<{ ended: boolean }>(j.db.owner, sql`SELECT bool_and(ended_at IS NOT NULL) AS ended FROM care_team_member WHERE child_id = ${id}::uuid AND professional_id = ${ids[who]}::uuid`);
    const endOf = (who: string) => `/children/${id}/care-team/${ids[who]}/end`;

    const nurse = await signIn('school-nurse');
    expect((await nurse.get(`/children/${id}`)).body).not.toContain(endOf('health-visitor'));
    const refused = await nurse.post(endOf('health-visitor'), { reason: 'Tidying up the team list' });
    expect(refused.statusCode).toBe(403);
    expect(pageText(refused.body)).toContain('Only the member themselves, the child’s key worker or a care coordinator caring for the child can end someone’s care team membership.');
    expect(await member('health-visitor')).toEqual([{ ended: false }]);

    const keyWorker = await signIn('paediatrician');
    expect((await keyWorker.get(`/children/${id}`)).body).toContain(endOf('health-visitor'));
    expect(pageText((await keyWorker.get(endOf('health-visitor'))).body)).toContain('Why is this membership ending?');
    const noReason = await keyWorker.post(endOf('health-visitor'), { reason: '' });
    expect(noReason.statusCode).toBe(400);
    expect(pageText(noReason.body)).toContain('Enter why this membership is ending');
    expect(await member('health-visitor')).toEqual([{ ended: false }]);
    expect((await keyWorker.post(endOf('health-visitor'), { reason: 'Discharged from the health visiting service at 5' })).statusCode).toBe(303);
    expect(await member('health-visitor')).toEqual([{ ended: true }]);

    const coordinator = await signIn('care-coordinator');
    await coordinator.get(endOf('school-nurse'));
    expect((await coordinator.post(endOf('school-nurse'), { reason: 'Moved to a school outside the ICS' })).statusCode).toBe(303);

    const audit = await rows<{ who: string; why: string; member: string }>(j.db.owner, sql`SELECT professional_id AS who, why, details->>'professionalId' AS member
      FROM audit_event WHERE child_id = ${id}::uuid AND action = 'care-team.end' ORDER BY id`);
    expect(audit).toEqual([
      { who: ids.paediatrician, member: ids['health-visitor'], why: 'key worker for the child’s care plan; reason: Discharged from the health visiting service at 5' },
      { who: ids['care-coordinator'], member: ids['school-nurse'], why: 'care coordinator (lead professional) for the child; reason: Moved to a school outside the ICS' },
    ]);
  });
});
