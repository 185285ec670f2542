import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, MedicationRequest, MedicationStatement, OperationOutcome } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { startFhirTest, type FhirTest } from './test-setup.js';
import { freshNhsNumber } from './test-fixtures.js';
import { DMD, NHS_NUMBER_SYSTEM } from './codes.js';

/**
 * A GP system sends the medicine as its own Medication entry and refers to
 * it from the course, by urn:uuid or by Medication/<id>: the course is
 * recorded with the medicine's dm+d code, and reads back with the Medication
 * contained, whole.
 */
describe('a Medication sent as its own Bundle entry', () => {
  let t: FhirTest;
  let token: string;
  let response: Bundle;
  let sent: Bundle;
  const salbutamol = { coding: [{ system: DMD, code: '39113611000001102', display: 'Salbutamol 100micrograms/dose inhaler' }] };
  const amoxicillin = { coding: [{ system: DMD, code: '39732411000001106', display: 'Amoxicillin 250mg/5ml oral suspension' }] };

  const get = async <R>(p: string) => (await (await fetch(`${t.base}/${p}`, { headers: { authorization: `Bearer ${token}` } })).json()) as R;

  beforeAll(async () => {
    t = await startFhirTest('pglite', 50);
    token = await t.token();
    const nhs = await freshNhsNumber(t);
    const patient = 'urn:uuid:5b0d8a52-2f55-4c1e-9d59-4f3c1a9e0001';
    const subject = { reference: patient };
    sent = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        // The courses come before the medicines they name: order in the Bundle does not matter.
        { fullUrl: 'urn:uuid:5b0d8a52-2f55-4c1e-9d59-4f3c1a9e0003', request: { method: 'POST', url: 'MedicationStatement' }, resource: {
          resourceType: 'MedicationStatement', identifier: [{ system: 'https://gp.example/med', value: 'ms-1' }], status: 'active', subject,
          medicationReference: { reference: 'urn:uuid:5b0d8a52-2f55-4c1e-9d59-4f3c1a9e0002' }, effectivePeriod: { start: '2025-01-05' },
        } },
        { fullUrl: 'urn:uuid:5b0d8a52-2f55-4c1e-9d59-4f3c1a9e0004', request: { method: 'POST', url: 'MedicationRequest' }, resource: {
          resourceType: 'MedicationRequest', identifier: [{ system: 'https://gp.example/med', value: 'mr-1' }], status: 'active', intent: 'order', subject,
          medicationReference: { reference: 'Medication/amox' }, authoredOn: '2025-02-01',
        } },
        { fullUrl: patient, request: { method: 'POST', url: 'Patient' }, resource: {
          resourceType: 'Patient', identifier: [{ system: NHS_NUMBER_SYSTEM, value: nhs }], name: [{ family: 'Medina', given: ['Rosa'] }], gender: 'female', birthDate: '2016-03-02',
        } },
        { fullUrl: 'urn:uuid:5b0d8a52-2f55-4c1e-9d59-4f3c1a9e0002', request: { method: 'POST', url: 'Medication' }, resource: {
          resourceType: 'Medication', code: salbutamol, form: { text: 'Inhaler' },
        } },
        { fullUrl: 'https://gp.example/fhir/Medication/amox', request: { method: 'POST', url: 'Medication' }, resource: {
          resourceType: 'Medication', id: 'amox', code: amoxicillin,
        } },
        { fullUrl: 'urn:uuid:5b0d8a52-2f55-4c1e-9d59-4f3c1a9e0009', request: { method: 'POST', url: 'Medication' }, resource: {
          resourceType: 'Medication', code: { text: 'Paracetamol' },
        } },
      ],
    };
    const res = await fetch(t.base, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(sent) });
    expect(res.status).toBe(200);
    response = (await res.json()) as Bundle;
  });
  afterAll(() => t?.close());

  it('accepts the whole transaction: the courses and the patient created, each Medication answered with where it was kept', () => {
    const statuses = response.entry!.map((e) => e.response!.status);
    expect(statuses).toEqual(['201 Created', '201 Created', '201 Created', '200 OK', '200 OK', '200 OK']);
    const said = (n: number) => (response.entry![n].response!.outcome as OperationOutcome).issue.map((i) => [i.severity, i.details?.text]);
    expect(said(3)).toEqual([['information', expect.stringMatching(/^Kept as a contained Medication of MedicationStatement \(entry 0\)/)]]);
    expect(said(4)).toEqual([['information', expect.stringMatching(/^Kept as a contained Medication of MedicationRequest \(entry 1\)/)]]);
  });

  it('a Medication nothing refers to is not saved, and the answer warns so at its entry', () => {
    const issues = (response.entry![5].response!.outcome as OperationOutcome).issue;
    expect(issues).toEqual([expect.objectContaining({ severity: 'warning', code: 'not-supported', expression: ['Bundle.entry[5].resource'] })]);
    expect(issues[0].details!.text).toMatch(/none in this Bundle does: it was not saved/);
  });

  it('the courses are recorded with the medicine’s dm+d code and read back with the Medication contained, whole', async () => {
    const stored = await t.all<{ code: string; display: string }>(sql`SELECT code, display FROM record_entry WHERE source_id IN ('ms-1', 'mr-1') ORDER BY source_id DESC`);
    expect(stored).toEqual([
      { code: '39113611000001102', display: 'Salbutamol 100micrograms/dose inhaler' },
      { code: '39732411000001106', display: 'Amoxicillin 250mg/5ml oral suspension' },
    ]);
    const statement = await get<MedicationStatement>(response.entry![0].response!.location!);
    const contained = statement.contained!.find((c) => `#${c.id}` === statement.medicationReference!.reference);
    expect(contained).toEqual({ resourceType: 'Medication', id: expect.any(String), code: salbutamol, form: { text: 'Inhaler' } });
    const request = await get<MedicationRequest>(response.entry![1].response!.location!);
    expect(request.medicationReference).toEqual({ reference: '#amox' });
    expect(request.contained).toEqual([{ resourceType: 'Medication', id: 'amox', code: amoxicillin }]);
  });

  it('sending the same Bundle again changes nothing', async () => {
    const res = await fetch(t.base, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(sent) });
    const again = (await res.json()) as Bundle;
    expect(again.entry!.slice(0, 3).map((e) => e.response!.outcome!.issue[0].details!.text)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });
});
