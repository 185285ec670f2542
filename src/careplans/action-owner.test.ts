import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { addMonths, londonToday } from '../platform/time/form-dates.js';
import { recordConsentDecision } from '../children/test-fixtures.js';

const kinds = await databaseKinds();

/**
 * A key worker gives one action of a child's plan to a SENCO from another
 * school, and one to a health visitor. Owning an action shows each their
 * action and the plan as their agency may see it under the family's
 * consent; it never makes them part of the care team, and it opens the
 * shared record only to health.
 */
describe.each(kinds)('what owning a care plan action lets someone see (%s)', (kind) => {
  let j: TestJoinery;
  let child: { id: string; given_name: string; family_name: string };
  let phone: string;
  const pros: Record<string, { id: string; organisation_id: string; name: string }> = {};
  const today = londonToday();
  const signIn = (role: string) => TestClient.signIn(j.app, `${role}@demo.joinery.test`);
  const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(j.db.owner, q))[0];
  const due = (() => {
    const [y, m, d] = addMonths(today, 1).split('-');
    return { 'dueOn-day': String(Number(d)), 'dueOn-month': String(Number(m)), 'dueOn-year': y };
  })();
  let form: string;
  const unconfirmed: { role: string; status: number; body: string; tasks: number }[] = [];
  const actionOf = async (role: string) => (await one<{ id: string; version: number }>(sql`SELECT id, version FROM task WHERE child_id = ${child.id}::uuid AND owner_professional_id = ${pros[role].id}::uuid`));

  beforeAll(async () => {
    j = await startJoinery(kind);
    for (const role of ['gp', 'care-coordinator', 'senco', 'health-visitor']) {
      pros[role] = await one(sql`SELECT id, organisation_id, name FROM professional WHERE email = ${`${role}@demo.joinery.test`}`);
    }
    // A child of the GP's practice at another school than the SENCO's, with no plan, in no one's care team, with a carer's phone number.
    child = await one(sql`SELECT c.id, c.given_name, c.family_name FROM child c WHERE c.registered_practice_id = ${pros.gp.organisation_id}::uuid
      AND c.school_id IS NOT NULL AND c.school_id <> ${pros.senco.organisation_id}::uuid
      AND NOT EXISTS (SELECT 1 FROM care_plan p WHERE p.child_id = c.id) AND NOT EXISTS (SELECT 1 FROM care_team_member m WHERE m.child_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM task t WHERE t.child_id = c.id)
      AND EXISTS (SELECT 1 FROM child_related_person r JOIN related_person p ON p.id = r.related_person_id WHERE r.child_id = c.id AND p.phone IS NOT NULL)
      ORDER BY c.id LIMIT 1`);
    phone = (await one<{ phone: string }>(sql`SELECT p.phone FROM child_related_person r JOIN related_person p ON p.id = r.related_person_id
      WHERE r.child_id = ${child.id}::uuid AND p.phone IS NOT NULL ORDER BY p.id LIMIT 1`)).phone;
    for (const [entryKind, display] of [['medication', 'Sodium valproate QV'], ['problem', 'Epilepsy QV'], ['immunisation', 'MMR dose QV']]) {
      await j.db.owner.execute(sql`INSERT INTO record_entry (ics_id, id, child_id, kind, display, status, details, recorded_by_name, recording_organisation_id, version)
        VALUES (${j.ics.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${child.id}::uuid, ${entryKind}, ${display}, ${entryKind === 'immunisation' ? 'completed' : 'active'},
                '{}'::jsonb, 'Seed', ${pros.gp.organisation_id}::uuid, 1)`);
    }

    // The GP starts the plan; the family agreed to share it with education only.
    const gp = await signIn('gp');
    await gp.get(`/children/${child.id}/care-plan/new`);
    const [y, m, d] = addMonths(today, 6).split('-');
    expect((await gp.post(`/children/${child.id}/care-plan/new`, {
      title: 'Epilepsy and school plan', whatMatters: 'Being with my friends at lunch.', strengths: 'Knows when a seizure is coming.',
      needs: 'Valproate twice a day; seizures at night.', atSchool: 'Rescue medicine kept in the school office.',
      contingencyWhatToDo: 'Time the seizure; give rescue medicine after 5 minutes.', contingencyWhoToCall: 'Call 999 if it lasts 10 minutes.',
      keyWorkerId: pros['care-coordinator'].id, 'reviewOn-day': String(Number(d)), 'reviewOn-month': String(Number(m)), 'reviewOn-year': y,
    })).statusCode).toBe(303);
    expect((await recordConsentDecision(gp, child.id, { agency: 'education', decision: 'given' })).statusCode).toBe(303);
    const kw = await signIn('care-coordinator');
    form = (await kw.get(`/children/${child.id}/care-plan/actions/new`)).body;
    for (const [role, description, version] of [['senco', 'Train lunchtime staff in the seizure plan', '1'], ['health-visitor', 'Visit the family about night-time seizures', '2']]) {
      await kw.get(`/children/${child.id}/care-plan/actions/new`);
      // Neither is in the child's care team: the form asks the key worker to confirm before the action is theirs.
      const asked = await kw.post(`/children/${child.id}/care-plan/actions/new`, { version, description, ownerKind: 'professional', personId: pros[role].id, ...due });
      unconfirmed.push({ role, status: asked.statusCode, body: asked.body, tasks: (await rows(j.db.owner, sql`SELECT 1 FROM task WHERE child_id = ${child.id}::uuid AND description = ${description}`)).length });
      expect((await kw.post(`/children/${child.id}/care-plan/actions/new`, { version, description, ownerKind: 'professional', personId: pros[role].id, confirmOwner: pros[role].id, ...due })).statusCode).toBe(303);
    }
  }, 300_000);
  afterAll(() => j?.close());

  it('who will do it: the care team is offered first, grouped; someone outside it is named, and given the action only once confirmed', async () => {
    // The care team (the key worker) under its own heading, before everyone else.
    const groups = [...form.matchAll(/<optgroup label="([^"]+)">/g)].map((m) => m[1]);
    expect(groups).toEqual(['This child’s care team', 'Everyone else']);
    const careTeam = /<optgroup label="This child’s care team">(.*?)<\/optgroup>/s.exec(form)![1];
    expect(careTeam).toContain(`value="${pros['care-coordinator'].id}"`);
    expect(careTeam).not.toContain(pros.senco.id);
    for (const u of unconfirmed) {
      expect([u.role, u.status, u.tasks]).toEqual([u.role, 400, 0]);
      const text = pageText(u.body);
      expect(text).toContain(`${pros[u.role].name} is not in this child’s care team. Choose someone who is, or confirm that ${pros[u.role].name} should do it.`);
      expect(u.body).toContain(`name="confirmOwner" type="checkbox" value="${pros[u.role].id}"`);
    }
  });

  it('an action owner does not join the care team', async () => {
    const members = await rows<{ professional_id: string }>(j.db.owner, sql`SELECT professional_id FROM care_team_member WHERE child_id = ${child.id}::uuid AND ended_at IS NULL`);
    expect(members.map((m) => m.professional_id)).toEqual([pros['care-coordinator'].id]);
  });

  it('a SENCO from another school who owns one action is refused the record and the summary, and sees their action and the plan’s education parts', async () => {
    const senco = await signIn('senco');
    for (const path of [`/children/${child.id}`, `/children/${child.id}/record`, `/children/${child.id}/record/reveal`]) {
      const res = await senco.get(path);
      expect(res.statusCode, path).toBe(403);
      const text = pageText(res.body);
      for (const health of ['Sodium valproate QV', 'Epilepsy QV', 'MMR dose QV', phone]) expect(text, path).not.toContain(health);
    }
    expect(pageText((await senco.get(`/children/${child.id}`)).body)).toContain('Owning an action for this child lets you see your action and the care plan as shared with your agency');

    const plan = pageText((await senco.get(`/children/${child.id}/care-plan`)).body);
    expect(plan).toContain('Rescue medicine kept in the school office.');
    expect(plan).toContain('Time the seizure; give rescue medicine after 5 minutes.');
    expect(plan).toContain('Train lunchtime staff in the seizure plan');
    expect(plan).not.toContain('Valproate twice a day');
    expect(plan).not.toContain('Visit the family about night-time seizures');
    const read = await one<{ why: string }>(sql`SELECT why FROM audit_event WHERE child_id = ${child.id}::uuid AND professional_id = ${pros.senco.id}::uuid AND action = 'careplan.read'`);
    expect(read.why).toBe('Care plan or MDT action owner: an open action for this child is yours');
    expect((await senco.get(`/children/${child.id}/care-plan/edit`)).statusCode).toBe(403);

    // They open and update their action.
    const action = await actionOf('senco');
    expect(pageText((await senco.get(`/tasks/${action.id}`)).body)).toContain('Train lunchtime staff in the seizure plan');
    expect((await senco.post(`/tasks/${action.id}`, { to: 'in-progress', note: '', version: String(action.version) })).statusCode).toBe(303);
    expect((await one<{ status: string }>(sql`SELECT status FROM task WHERE id = ${action.id}::uuid`)).status).toBe('in-progress');
  });

  it('a health visitor who owns an action sees what health may: the whole plan and the shared record', async () => {
    const hv = await signIn('health-visitor');
    const plan = pageText((await hv.get(`/children/${child.id}/care-plan`)).body);
    expect(plan).toContain('Valproate twice a day; seizures at night.');
    expect(plan).toContain('Train lunchtime staff in the seizure plan');
    const record = await hv.get(`/children/${child.id}/record`);
    expect(record.statusCode).toBe(200);
    expect(pageText(record.body)).toContain('Epilepsy QV');
    expect(pageText(record.body)).toContain('MMR dose QV');
    const summary = pageText((await hv.get(`/children/${child.id}`)).body);
    expect(summary).toContain('Epilepsy QV');
    expect(summary).toContain(phone);
    const read = await one<{ why: string }>(sql`SELECT why FROM audit_event WHERE child_id = ${child.id}::uuid AND professional_id = ${pros['health-visitor'].id}::uuid
      AND action = 'record.read' ORDER BY at DESC LIMIT 1`);
    expect(read.why).toBe('Care plan or MDT action owner: an open action for this child is yours');
  });

  it('the relationship lasts while the action is open: once done, the SENCO still opens their action but no longer the plan', async () => {
    const senco = await signIn('senco');
    const action = await actionOf('senco');
    expect((await senco.post(`/tasks/${action.id}`, { to: 'done', note: 'Lunchtime staff trained', version: String(action.version) })).statusCode).toBe(303);
    expect((await senco.get(`/tasks/${action.id}`)).statusCode).toBe(200);
    expect((await senco.get(`/children/${child.id}/care-plan`)).statusCode).toBe(403);
  });
});
