import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { databaseError, FROZEN_RECORD_SQLSTATE, rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { TestClient, pageText } from '../../test/http.js';
import { actorFor } from '../../test/actors.js';
import { startFhirTest, type FhirTest } from '../fhir/test-setup.js';
import { CONDITION_CLINICAL, NHS_NUMBER_SYSTEM, ROLE_CODE, SNOMED } from '../fhir/codes.js';
import { startPlan } from '../careplans/service.js';
import { moveTask } from '../tasks/service.js';
import { addMonths, londonToday } from '../platform/time/form-dates.js';

const kinds = await databaseKinds();

/**
 * While a privacy officer's freeze stands, nothing changes the child's data:
 * not the ICS's own integration engine (which records for the privacy
 * officer's organisation), not the practice's feed, not the key worker's
 * care plan edit, not an action on the plan. Each is told why, and lifting
 * the freeze lets each through again.
 */
describe.each(kinds)('a frozen record (%s)', (kind) => {
  let t: FhirTest;
  let child: { id: string; nhs_number: string; given_name: string; family_name: string; date_of_birth: string; sex: string; ods_code: string };
  let keyWorker: TestClient;
  let privacyOfficer: TestClient;
  let planVersion: number;
  const today = londonToday();
  const FROZEN = 'This record is frozen during a safeguarding investigation';

  const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(t.j.db.owner, q))[0];
  const count = async (q: ReturnType<typeof sql>) => (await one<{ n: number }>(q)).n;

  /** POSTs or PUTs a FHIR resource with a client's token: the status and the OperationOutcome's words. */
  async function send(token: string, method: 'POST' | 'PUT', path: string, body: Resource | Bundle) {
    const res = await fetch(`${t.base}/${path}`, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', accept: 'application/fhir+json' }, body: JSON.stringify(body),
    });
    const answer = (await res.json()) as OperationOutcome | Bundle;
    const words = answer.resourceType === 'OperationOutcome' ? (answer.issue ?? []).map((i) => i.details?.text ?? i.diagnostics ?? '').join(' ') : '';
    return { status: res.status, words };
  }

  let conditions = 0;
  const condition = (code: string): Resource => ({
    resourceType: 'Condition', identifier: [{ system: 'https://gp-system.example/Id/record', value: `frozen-test-${++conditions}` }], subject: { reference: `Patient/${child.id}` },
    code: { coding: [{ system: SNOMED, code, display: 'Asthma' }] }, clinicalStatus: { coding: [{ system: CONDITION_CLINICAL, code: 'active' }] }, onsetDateTime: '2024-01-01',
  } as Resource);
  const renamed = (): Resource => ({
    resourceType: 'Patient', id: child.id, identifier: [{ system: NHS_NUMBER_SYSTEM, value: child.nhs_number }],
    name: [{ use: 'official', family: 'Renamed', given: [child.given_name] }], gender: child.sex as 'male', birthDate: child.date_of_birth,
  } as Resource);
  const carer = (given: string): Resource => ({
    resourceType: 'RelatedPerson', patient: { reference: `Patient/${child.id}` },
    relationship: [{ coding: [{ system: ROLE_CODE, code: 'MTH', display: 'mother' }], text: 'mother' }], name: [{ family: 'Tester', given: [given] }],
  } as Resource);
  const editPlan = (strengths: string) => keyWorker.post(`/children/${child.id}/care-plan/edit`, {
    title: 'Asthma plan', whatMatters: 'Playing football.', strengths, needs: 'Preventer twice a day.', atSchool: 'Reliever in class.',
    contingencyWhatToDo: 'Reliever, then 999.', contingencyWhoToCall: '999', keyWorkerId: keyWorkerId, sharedWith: [],
    'reviewOn-day': String(Number(addMonths(today, 6).slice(8))), 'reviewOn-month': String(Number(addMonths(today, 6).slice(5, 7))), 'reviewOn-year': addMonths(today, 6).slice(0, 4),
    version: String(planVersion),
  });
  let keyWorkerId: string;

  beforeAll(async () => {
    t = await startFhirTest(kind);
    const gp = await actorFor(t.j.db, 'gp@demo.joinery.test');
    child = await one(sql`SELECT c.id, c.nhs_number, c.given_name, c.family_name, c.date_of_birth::text, c.sex, o.ods_code FROM child c
      JOIN organisation o ON o.ics_id = c.ics_id AND o.id = c.registered_practice_id
      WHERE c.ics_id = ${gp.icsId}::uuid AND c.registered_practice_id = ${gp.organisationId}::uuid AND c.nhs_number IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM care_plan p WHERE p.ics_id = c.ics_id AND p.child_id = c.id)
        AND c.date_of_birth < '2024-01-01' -- born before the condition's onset below
      ORDER BY c.id LIMIT 1`);
    keyWorkerId = (await actorFor(t.j.db, 'care-coordinator@demo.joinery.test')).professionalId;
    await t.j.db.tenant(gp.icsId, (tx) => startPlan(tx, gp, child.id, {
      title: 'Asthma plan', whatMatters: 'Playing football.', strengths: 'Uses the spacer.', needs: 'Preventer twice a day.', atSchool: 'Reliever in class.',
      contingencyWhatToDo: 'Reliever, then 999.', contingencyWhoToCall: '999', keyWorkerId, reviewOn: addMonths(today, 6), sharedWith: [],
    }, today));
    planVersion = 1;
    keyWorker = await TestClient.signIn(t.j.app, 'care-coordinator@demo.joinery.test');
    privacyOfficer = await TestClient.signIn(t.j.app, 'privacy-officer@demo.joinery.test');
    await privacyOfficer.get(`/children/${child.id}/record/freeze`);
    expect((await privacyOfficer.post(`/children/${child.id}/record/freeze`, { reason: 'Section 47 enquiry: preserve the record as it stands' })).statusCode).toBe(303);
  }, 300_000);
  afterAll(() => t?.close());

  it('refuses the ICS integration engine, though it records for the privacy officer’s own organisation', async () => {
    const po = await actorFor(t.j.db, 'privacy-officer@demo.joinery.test');
    const engine = await t.token();
    expect(await one<{ frozen_by_organisation_id: string }>(sql`SELECT frozen_by_organisation_id FROM record_freeze WHERE child_id = ${child.id}::uuid AND lifted_at IS NULL`))
      .toEqual({ frozen_by_organisation_id: po.organisationId });
    const before = await count(sql`SELECT count(*)::int AS n FROM record_entry WHERE child_id = ${child.id}::uuid`);
    const created = await send(engine, 'POST', 'Condition', condition('195967001'));
    expect(created.status).toBe(403);
    expect(created.words).toContain(`${FROZEN}: no system can change it`);
    const bundle = await send(engine, 'POST', '', { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: condition('195967001'), request: { method: 'POST', url: 'Condition' } }] });
    expect(bundle.status).toBe(403);
    expect(bundle.words).toContain(FROZEN);
    expect(await count(sql`SELECT count(*)::int AS n FROM record_entry WHERE child_id = ${child.id}::uuid`)).toBe(before);
  });

  it('refuses the practice’s feed renaming the Patient or adding a RelatedPerson', async () => {
    const practice = await t.token({ odsCode: child.ods_code });
    const rename = await send(practice, 'PUT', `Patient/${child.id}`, renamed());
    expect(rename.status).toBe(403);
    expect(rename.words).toContain(FROZEN);
    const added = await send(practice, 'POST', 'RelatedPerson', carer('Frozenout'));
    expect(added.status).toBe(403);
    expect(added.words).toContain(FROZEN);
    expect(await one(sql`SELECT family_name FROM child WHERE id = ${child.id}::uuid`)).toEqual({ family_name: child.family_name });
    expect(await count(sql`SELECT count(*)::int AS n FROM related_person WHERE given_name = 'Frozenout'`)).toBe(0);
  });

  it('refuses the key worker’s care plan edit, with the reason, and audits the refusal', async () => {
    const form = await keyWorker.get(`/children/${child.id}/care-plan/edit`);
    expect(form.statusCode).toBe(403);
    expect(pageText(form.body)).toContain(`${FROZEN}: only the team that froze it can change it.`);
    await keyWorker.get(`/children/${child.id}/care-plan`);
    const res = await editPlan('Edited while frozen');
    expect(res.statusCode).toBe(403);
    expect(pageText(res.body)).toContain(`${FROZEN}: only the team that froze it can change it.`);
    expect(await one(sql`SELECT strengths, version FROM care_plan WHERE child_id = ${child.id}::uuid`)).toEqual({ strengths: 'Uses the spacer.', version: 1 });
    const refusal = await one<{ why: string }>(sql`SELECT why FROM audit_event WHERE child_id = ${child.id}::uuid AND action = 'child.access-refused' ORDER BY id DESC LIMIT 1`);
    expect(refusal.why).toContain(FROZEN);
  });

  it('refuses moving an action of the frozen child’s plan', async () => {
    const kw = await actorFor(t.j.db, 'care-coordinator@demo.joinery.test');
    await t.j.db.owner.execute(sql`INSERT INTO task (ics_id, id, child_id, source, source_id, agency, description, owner_professional_id, accountable_professional_id, due_on, status, version, created_by)
      SELECT p.ics_id, gen_random_uuid(), p.child_id, 'care-plan', p.id, 'health', 'Check inhaler technique', ${kw.professionalId}::uuid, ${kw.professionalId}::uuid,
             ${addMonths(today, 1)}::date, 'ready', 1, ${kw.professionalId}::uuid FROM care_plan p WHERE p.child_id = ${child.id}::uuid`);
    const task = await one<{ id: string }>(sql`SELECT id FROM task WHERE child_id = ${child.id}::uuid AND description = 'Check inhaler technique'`);
    const refused = await t.j.db.tenant(kw.icsId, (tx) => moveTask(tx, kw, task.id, { to: 'in-progress', version: 1 }, today)).catch((e: Error) => e);
    expect((refused as Error).message).toContain(FROZEN);
    expect(await one(sql`SELECT status FROM task WHERE id = ${task.id}::uuid`)).toEqual({ status: 'ready' });
  });

  it('has the database refuse a change to the frozen child that skipped the freeze check', async () => {
    const failed = await t.j.db.tenant(t.j.ics.icsId, (tx) => tx.execute(sql`UPDATE child SET family_name = 'Bypass' WHERE id = ${child.id}::uuid`)).catch((e: unknown) => e);
    expect(databaseError(failed)).toMatchObject({ code: FROZEN_RECORD_SQLSTATE });
    expect(databaseError(failed).message).toContain(FROZEN);
    const plan = await t.j.db.tenant(t.j.ics.icsId, (tx) => tx.execute(sql`UPDATE care_plan SET strengths = 'Bypass' WHERE child_id = ${child.id}::uuid`)).catch((e: unknown) => e);
    expect(databaseError(plan).code).toBe(FROZEN_RECORD_SQLSTATE);
    expect(await one(sql`SELECT family_name FROM child WHERE id = ${child.id}::uuid`)).toEqual({ family_name: child.family_name });
  });

  it('lets every one of them through once the privacy officer lifts the freeze', async () => {
    await privacyOfficer.get(`/children/${child.id}/record/freeze`);
    expect((await privacyOfficer.post(`/children/${child.id}/record/lift`, {})).statusCode).toBe(303);
    expect((await send(await t.token(), 'POST', 'Condition', condition('195967001'))).status).toBe(201);
    const practice = await t.token({ odsCode: child.ods_code });
    expect((await send(practice, 'PUT', `Patient/${child.id}`, renamed())).status).toBe(200);
    expect((await send(practice, 'POST', 'RelatedPerson', carer('Welcome'))).status).toBe(201);
    await keyWorker.get(`/children/${child.id}/care-plan`);
    expect((await editPlan('Edited after the freeze')).statusCode).toBe(303);
    expect(await one(sql`SELECT c.family_name, p.strengths FROM child c JOIN care_plan p ON p.ics_id = c.ics_id AND p.child_id = c.id WHERE c.id = ${child.id}::uuid`))
      .toEqual({ family_name: 'Renamed', strengths: 'Edited after the freeze' });
  });
});
