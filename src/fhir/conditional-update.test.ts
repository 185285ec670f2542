import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, CapabilityStatement, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { fhirCall, startFhirTest, type FhirAnswer, type FhirTest } from './test-setup.js';
import { freshNhsNumber, odsCodeOf, recordBundle } from './test-fixtures.js';
import { CONTACT_TYPE_SYSTEM, NHS_NUMBER_SYSTEM, ODS_SYSTEM } from './codes.js';
import { HANDLERS } from './registry.js';

/**
 * Top-level conditional update, PUT [base]/Type?criteria (FHIR R4 3.1.0.4.3):
 * no match creates, one match is updated as the instance PUT would be
 * (If-Match honoured), several are 412, a body id that is not the match's is
 * 400. The criteria are searched through the door and audited in the write's
 * transaction, so a client can never update a child it may not see.
 */
const SENDER = 'https://gp-system.example/Id/record';

describe('conditional update (PUT Type?criteria)', () => {
  let t: FhirTest;
  // The engine's token; the child the bundle registered, its NHS number and practice.
  let token: string, childId: string, nhsNumber: string, practiceOds: string;

  const call = (method: string, path: string, opts: { headers?: Record<string, string>; body?: unknown; as?: string } = {}) => fhirCall(t, opts.as ?? token, method, path, opts);
  const outcome = (a: FhirAnswer) => a.body as unknown as OperationOutcome;
  const storedChild = () => t.one<{ family_name: string; version: number }>(sql`SELECT family_name, version FROM child WHERE id = ${childId}::uuid`);
  const children = async () => (await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM child WHERE ics_id = ${t.j.ics.icsId}::uuid`)).n;
  const read = async (path: string) => {
    const res = await call('GET', path);
    expect(res.status, path).toBe(200);
    const { meta: _meta, ...resource } = res.body!;
    return resource as Resource;
  };

  beforeAll(async () => {
    t = await startFhirTest('pglite', 40);
    token = await t.token();
    nhsNumber = await freshNhsNumber(t);
    practiceOds = await odsCodeOf(t, 'gp-practice');
    const res = await call('POST', '', { body: recordBundle({ tag: 'condput', nhsNumber, practiceOds, localAuthorityOds: await odsCodeOf(t, 'childrens-social-care') }) });
    expect(res.status).toBe(200);
    childId = (res.body as unknown as Bundle).entry![0].response!.location!.split('/')[1];
  });
  afterAll(() => t?.close());

  it('one match is updated, at the id the criteria found: 200, the Location and ETag of its next version', async () => {
    const before = await storedChild();
    const patient = await read(`Patient/${childId}`);
    const res = await call('PUT', `Patient?identifier=${NHS_NUMBER_SYSTEM}|${nhsNumber}`, {
      body: { ...patient, id: undefined, name: [{ use: 'official', family: 'Okafor-Reid', given: ['Ada'] }] }, headers: { prefer: 'return=representation' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBe(`${t.base}/Patient/${childId}`);
    expect(res.headers.get('etag')).toBe(`W/"${before.version + 1}"`);
    expect(await storedChild()).toEqual({ family_name: 'Okafor-Reid', version: before.version + 1 });
  });

  it('the body may carry the matched resource’s own id; another id is refused 400 naming Patient.id, and nothing is written', async () => {
    const patient = await read(`Patient/${childId}`);
    const same = await call('PUT', `Patient?identifier=${NHS_NUMBER_SYSTEM}|${nhsNumber}`, { body: { ...patient, name: [{ use: 'official', family: 'Okafor', given: ['Ada'] }] } });
    expect(same.status).toBe(200);
    const before = await storedChild();
    const other = await call('PUT', `Patient?identifier=${NHS_NUMBER_SYSTEM}|${nhsNumber}`, {
      body: { ...patient, id: '0f0f0f0f-0000-4000-8000-000000000001', name: [{ use: 'official', family: 'Wrong', given: ['Ada'] }] },
    });
    expect(other.status).toBe(400);
    expect(outcome(other).issue[0]).toMatchObject({ severity: 'error', code: 'invalid', expression: ['Patient.id'] });
    expect(outcome(other).issue[0].diagnostics ?? outcome(other).issue[0].details?.text).toContain(childId);
    expect(await storedChild()).toEqual(before);
  });

  it('If-Match is honoured on the match as on the instance PUT: a stale version is 412 conflict and nothing is written; the current one updates', async () => {
    const before = await storedChild();
    const patient = await read(`Patient/${childId}`);
    const body = { ...patient, name: [{ use: 'official', family: 'Stale-Write', given: ['Ada'] }] };
    const stale = await call('PUT', `Patient?identifier=${NHS_NUMBER_SYSTEM}|${nhsNumber}`, { body, headers: { 'if-match': `W/"${before.version - 1}"` } });
    expect(stale.status).toBe(412);
    expect(outcome(stale).issue[0]).toMatchObject({ severity: 'error', code: 'conflict' });
    expect(await storedChild()).toEqual(before);
    const current = await call('PUT', `Patient?identifier=${NHS_NUMBER_SYSTEM}|${nhsNumber}`, { body, headers: { 'if-match': `W/"${before.version}"` } });
    expect(current.status).toBe(200);
    expect(await storedChild()).toEqual({ family_name: 'Stale-Write', version: before.version + 1 });
  });

  it('several matches are 412 multiple-matches, and none of them is changed', async () => {
    // A second asthma problem for the same child, sent by another identifier.
    const asthma = { system: 'http://snomed.info/sct', code: '195967001', display: 'Asthma' };
    const second = await call('POST', 'Condition', {
      body: {
        resourceType: 'Condition', identifier: [{ system: SENDER, value: 'condput-asthma-again' }], code: { coding: [asthma] }, subject: { reference: `Patient/${childId}` },
        clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] }, onsetDateTime: '2019-05-01',
      },
    });
    expect(second.status).toBe(201);
    const stored = () => t.all<{ id: string; version: number; status: string }>(sql`SELECT id, version, status FROM record_entry
      WHERE child_id = ${childId}::uuid AND kind = 'problem' ORDER BY id`);
    const before = await stored();
    expect(before).toHaveLength(2);
    const res = await call('PUT', `Condition?patient=Patient/${childId}&code=http://snomed.info/sct|195967001`, {
      body: {
        resourceType: 'Condition', code: { coding: [asthma] }, subject: { reference: `Patient/${childId}` }, onsetDateTime: '2019-04-02', abatementDateTime: '2026-01-01',
        clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] },
      },
    });
    expect(res.status).toBe(412);
    expect(outcome(res).issue[0]).toMatchObject({ severity: 'error', code: 'multiple-matches' });
    expect(outcome(res).issue[0].details?.text ?? outcome(res).issue[0].diagnostics).toMatch(/matches 2 Condition resources/);
    expect(await stored()).toEqual(before);
  });

  it('no match creates: 201 with a server-assigned id, even when the body carries an id of the sender’s', async () => {
    const res = await call('PUT', `Condition?patient=Patient/${childId}&identifier=${SENDER}|condput-new-eczema`, {
      body: {
        resourceType: 'Condition', id: 'sender-eczema-1', identifier: [{ system: SENDER, value: 'condput-new-eczema' }],
        clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
        code: { coding: [{ system: 'http://snomed.info/sct', code: '43116000', display: 'Eczema' }] }, subject: { reference: `Patient/${childId}` }, onsetDateTime: '2020-02-01',
      },
      headers: { prefer: 'return=representation' },
    });
    expect(res.status).toBe(201);
    const id = res.headers.get('location')!.split('/').pop()!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(id).not.toBe('sender-eczema-1');
    expect(res.body).toMatchObject({ resourceType: 'Condition', id, code: { coding: [expect.objectContaining({ code: '43116000' })] } });
    // The same PUT again now finds it: an update, not a second condition.
    const again = await call('PUT', `Condition?patient=Patient/${childId}&identifier=${SENDER}|condput-new-eczema`, { body: { ...(await read(`Condition/${id}`)), onsetDateTime: '2020-03-01' } });
    expect([again.status, again.headers.get('location')]).toEqual([200, `${t.base}/Condition/${id}`]);
    expect((await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM record_entry WHERE child_id = ${childId}::uuid AND kind = 'problem' AND started_on = '2020-03-01'`)).n).toBe(1);
  });

  it('no match, but the body names a child Joinery already holds (by NHS number): 409, and that child is not changed', async () => {
    const before = await storedChild();
    const count = await children();
    const patient = await read(`Patient/${childId}`);
    const res = await call('PUT', 'Patient?family=Nobody-Called-This', { body: { ...patient, id: undefined, name: [{ use: 'official', family: 'Overwritten', given: ['Ada'] }] } });
    expect(res.status).toBe(409);
    expect(outcome(res).issue[0]).toMatchObject({ severity: 'error', code: 'conflict' });
    expect(outcome(res).issue[0].details?.text ?? outcome(res).issue[0].diagnostics).toContain(`Patient/${childId}`);
    expect(await storedChild()).toEqual(before);
    expect(await children()).toBe(count);
  });

  it('a client that may not see the child cannot reach it through the criteria: nothing matches, the create is refused, and the child is unchanged', async () => {
    const other = await t.one<{ ods_code: string }>(sql`SELECT o.ods_code FROM organisation o WHERE o.ics_id = ${t.j.ics.icsId}::uuid AND o.kind = 'gp-practice'
      AND o.ods_code <> ${practiceOds} ORDER BY o.ods_code LIMIT 1`);
    const stranger = await t.token({ odsCode: other.ods_code });
    const before = await storedChild();
    const patient = await read(`Patient/${childId}`);
    const res = await call('PUT', `Patient?identifier=${NHS_NUMBER_SYSTEM}|${nhsNumber}`, { as: stranger, body: { ...patient, id: undefined, name: [{ use: 'official', family: 'Stranger', given: ['Ada'] }] } });
    expect(res.status).toBe(403);
    expect(outcome(res).issue[0]).toMatchObject({ severity: 'error', code: 'forbidden' });
    expect(await storedChild()).toEqual(before);
  });

  it('the match is found through the door: the child’s read is audited against the client in the update’s transaction', async () => {
    const registered = await t.register();
    const client = await t.tokenFor(registered);
    const audits = () => t.all<{ action: string }>(sql`SELECT action FROM audit_event WHERE child_id = ${childId}::uuid AND professional_id = ${registered.clientId}::uuid ORDER BY id`);
    expect(await audits()).toEqual([]);
    const patient = await read(`Patient/${childId}`);
    const res = await call('PUT', `Patient?identifier=${NHS_NUMBER_SYSTEM}|${nhsNumber}`, { as: client, body: { ...patient, name: [{ use: 'official', family: 'Audited', given: ['Ada'] }] } });
    expect(res.status).toBe(200);
    const actions = (await audits()).map((a) => a.action);
    // The criteria's match, read through the door, then the change: both against this client.
    expect(actions[0]).toBe('fhir.search-result');
    expect(actions.length).toBeGreaterThan(1);
  });

  it('_has criteria are resolved as a search resolves them: one that finds no child matches nothing, so no child is changed and the body is created', async () => {
    const before = await storedChild();
    const count = await children();
    const patient = await read(`Patient/${childId}`);
    const res = await call('PUT', 'Patient?_has:Condition:patient:code=http://snomed.info/sct|1000000000001', {
      body: { ...patient, id: undefined, identifier: [{ system: NHS_NUMBER_SYSTEM, value: await freshNhsNumber(t) }], name: [{ use: 'official', family: 'Hasnone', given: ['Bo'] }], birthDate: '2018-03-03' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).not.toBe(`${t.base}/Patient/${childId}`);
    expect(await storedChild()).toEqual(before);
    expect(await children()).toBe(count + 1);
  });

  it('If-Match with criteria that find nothing is 412: there is no version to meet, so nothing is created', async () => {
    const count = await children();
    const patient = await read(`Patient/${childId}`);
    const res = await call('PUT', 'Patient?family=Nobody-Called-This', {
      body: { ...patient, id: undefined, identifier: [{ system: NHS_NUMBER_SYSTEM, value: await freshNhsNumber(t) }], name: [{ use: 'official', family: 'Ifmatch', given: ['Bo'] }] },
      headers: { 'if-match': 'W/"1"' },
    });
    expect(res.status).toBe(412);
    expect(outcome(res).issue[0]).toMatchObject({ severity: 'error', code: 'conflict' });
    expect(await children()).toBe(count);
  });

  it('a body id that is not a string is 400 naming Patient.id, and nothing is written', async () => {
    const before = await storedChild();
    const patient = await read(`Patient/${childId}`);
    const res = await call('PUT', `Patient?identifier=${NHS_NUMBER_SYSTEM}|${nhsNumber}`, { body: { ...patient, id: 5, name: [{ use: 'official', family: 'Numbered', given: ['Ada'] }] } });
    expect(res.status).toBe(400);
    expect(outcome(res).issue[0]).toMatchObject({ severity: 'error', expression: ['Patient.id'] });
    expect(await storedChild()).toEqual(before);
  });

  it('criteria are required and must be the type’s search parameters: 400 otherwise; a read-only type is 405', async () => {
    const patient = await read(`Patient/${childId}`);
    const none = await call('PUT', 'Patient', { body: patient });
    expect(none.status).toBe(400);
    expect(outcome(none).issue[0].details?.text ?? outcome(none).issue[0].diagnostics).toMatch(/needs search criteria/);
    const unknown = await call('PUT', 'Patient?shoe-size=9', { body: patient });
    expect(unknown.status).toBe(400);
    expect(outcome(unknown).issue[0].expression).toEqual(['shoe-size']);
    const readOnly = await call('PUT', `CarePlan?patient=Patient/${childId}`, { body: { resourceType: 'CarePlan', status: 'active', intent: 'plan', subject: { reference: `Patient/${childId}` } } });
    expect([readOnly.status, readOnly.headers.get('allow')]).toEqual([405, 'GET']);
    expect(outcome(readOnly).issue[0]).toMatchObject({ severity: 'error', code: 'not-supported' });
  });

  it('every type Joinery writes takes a conditional update that finds its one resource, and the CapabilityStatement says conditionalUpdate for exactly those', async () => {
    const sent = (what: string) => `patient=Patient/${childId}&identifier=${SENDER}|condput-${what}`;
    const criteria: Record<string, string> = {
      Organization: `identifier=${ODS_SYSTEM}|${practiceOds}`,
      Patient: `identifier=${NHS_NUMBER_SYSTEM}|${nhsNumber}`,
      RelatedPerson: `patient=Patient/${childId}`,
      Flag: `patient=Patient/${childId}&status=active`,
      Encounter: `patient=Patient/${childId}&type=${CONTACT_TYPE_SYSTEM}|ed`,
      Condition: sent('asthma'),
      AllergyIntolerance: sent('peanut'),
      MedicationRequest: sent('salbutamol'),
      MedicationStatement: sent('amoxicillin'),
      Immunization: sent('mmr1'),
      Procedure: sent('grommets'),
      Observation: sent('weight'),
    };
    const writable = HANDLERS.filter((h) => h.writable).map((h) => h.type);
    expect(Object.keys(criteria).sort()).toEqual([...writable].sort());
    for (const type of writable) {
      const query = criteria[type];
      const found = (await call('GET', `${type}?${query}`)).body as unknown as Bundle;
      const matches = found.entry?.filter((e) => e.search?.mode === 'match') ?? [];
      expect(matches, type).toHaveLength(1);
      const { meta: _meta, ...resource } = matches[0].resource!;
      const res = await call('PUT', `${type}?${query}`, { body: resource });
      expect([res.status, res.headers.get('location')], type).toEqual([200, `${t.base}/${type}/${resource.id}`]);
    }
    const cs = (await call('GET', 'metadata')).body as unknown as CapabilityStatement;
    const conditional = cs.rest![0].resource!.filter((r) => r.conditionalUpdate).map((r) => r.type);
    expect(conditional.sort()).toEqual([...writable].sort());
  });
});
