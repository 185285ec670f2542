import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import type { Client } from 'fhir-kit-client';
import { sql } from 'drizzle-orm';
import { databaseKinds } from '../../test/database.js';
import { startFhirTest, type FhirTest } from './test-setup.js';
import { freshNhsNumber, odsCodeOf, recordBundle } from './test-fixtures.js';
import { structureIssues } from './validation.js';

const kinds = await databaseKinds();

/** The parts of a resource that carry its meaning (not ids, versions or timestamps Joinery assigns). */
function meaning(r: Resource & Record<string, unknown>): Record<string, unknown> {
  const { id: _id, meta: _meta, recordedDate: _rd, recorded: _r, dateAsserted: _da, issued: _i, ...rest } = r;
  return JSON.parse(JSON.stringify(rest, (k, v) => (k === 'reference' && typeof v === 'string' && v.startsWith('urn:uuid:') ? 'LOCAL' : v)));
}

describe.each(kinds)('FHIR import → export on %s', (kind) => {
  let t: FhirTest;
  let fhir: Client;
  let sent: Bundle;
  let response: Bundle;
  const exported = new Map<string, Resource>();

  beforeAll(async () => {
    t = await startFhirTest(kind);
    fhir = t.client(await t.token());
    sent = recordBundle({
      tag: 'rt1', nhsNumber: await freshNhsNumber(t), practiceOds: await odsCodeOf(t, 'gp-practice'), localAuthorityOds: await odsCodeOf(t, 'childrens-social-care'),
    });
    response = (await fhir.transaction({ body: sent as never })) as unknown as Bundle;
    for (const e of response.entry ?? []) {
      const [type, id] = e.response!.location!.split('/');
      exported.set(type, (await fhir.read({ resourceType: type, id })) as unknown as Resource);
    }
  });
  afterAll(() => t?.close());

  const sentOf = (type: string) => sent.entry!.find((e) => e.resource!.resourceType === type)!.resource as Resource & Record<string, unknown>;

  it('creates every resource in a transaction and answers for each entry in order', () => {
    expect(response.type).toBe('transaction-response');
    expect(response.entry).toHaveLength(sent.entry!.length);
    response.entry!.forEach((e: BundleEntry, i) => {
      expect(e.response!.status).toBe('201 Created');
      expect(e.response!.location!.split('/')[0]).toBe(sent.entry![i].resource!.resourceType);
    });
  });

  it.each([
    'Patient', 'RelatedPerson', 'Flag', 'Encounter', 'Condition', 'AllergyIntolerance', 'MedicationRequest', 'MedicationStatement', 'Immunization',
    'Procedure', 'Observation',
  ])('%s comes back valid against the FHIR R4 definitions with its meaning intact', (type) => {
    const out = exported.get(type)! as Resource & Record<string, unknown>;
    expect(structureIssues(out)).toEqual([]);
    const inn = meaning(sentOf(type));
    const back = meaning(out);
    const patientId = exported.get('Patient')!.id;
    const local = (v: unknown) => JSON.parse(JSON.stringify(v).replaceAll(`Patient/${patientId}`, 'LOCAL'));
    // Every element the sender gave comes back meaning the same; Joinery may add to it (displays, category, verification status).
    switch (type) {
      case 'Patient':
        expect(back).toMatchObject({
          identifier: expect.arrayContaining([(inn.identifier as unknown[])[0]]), name: inn.name, gender: 'female', birthDate: '2015-06-14',
          address: [{ postalCode: 'LS6' }],
          extension: [{ url: expect.any(String), valueCodeableConcept: { coding: [expect.objectContaining({ code: 'H' })] } }],
          generalPractitioner: [expect.objectContaining({ identifier: expect.objectContaining({ value: expect.any(String) }) })],
        });
        break;
      case 'RelatedPerson':
        expect(local(back)).toMatchObject({ ...inn, patient: { reference: 'LOCAL' } });
        break;
      case 'Flag':
        expect(local(back)).toMatchObject({
          status: 'active', subject: { reference: 'LOCAL' }, period: { start: '2026-03-01' },
          code: { coding: expect.arrayContaining([expect.objectContaining({ code: 'child-protection-plan' })]) }, author: { reference: expect.stringMatching(/^Organization\//) },
        });
        break;
      case 'Encounter':
        expect(local(back)).toMatchObject({
          identifier: inn.identifier, status: 'finished', class: inn.class, priority: inn.priority, subject: { reference: 'LOCAL' },
          type: [{ coding: [expect.objectContaining({ code: 'ed' })] }], period: { start: '2026-10-02T21:15:00.000Z', end: '2026-10-03T01:40:00.000Z' },
          reasonCode: [{ coding: [expect.objectContaining({ code: '195967001' })], text: 'Asthma' }],
        });
        break;
      case 'Observation': {
        // A weight sent in SNOMED CT comes back as sent, with what the R4 vital-signs profile asks added beside it: LOINC, the category, UCUM.
        const { subject: _s, code, valueQuantity, ...restIn } = inn as Record<string, unknown>;
        expect(local(back)).toMatchObject({ ...restIn, subject: { reference: 'LOCAL' } });
        expect(back.code).toEqual({ coding: [...(code as { coding: unknown[] }).coding, { system: 'http://loinc.org', code: '29463-7', display: 'Body weight' }] });
        expect(back.category).toEqual([expect.objectContaining({ coding: [expect.objectContaining({ code: 'vital-signs' })] })]);
        expect(back.valueQuantity).toEqual({ ...(valueQuantity as object), system: 'http://unitsofmeasure.org', code: 'kg' });
        break;
      }
      default: {
        // Clinical entries: everything sent comes back, with the subject now Joinery's patient.
        const { subject, patient, ...restIn } = inn as Record<string, unknown>;
        expect(local(back)).toMatchObject({ ...restIn, ...(subject ? { subject: { reference: 'LOCAL' } } : {}), ...(patient ? { patient: { reference: 'LOCAL' } } : {}) });
      }
    }
  });

  it('an Organization comes back with its ODS code, name and every type it was sent; what Joinery does not keep is named in a warning, an inactive one refused', async () => {
    const ods = `RT${kind === 'pglite' ? 'P' : 'S'}01`;
    const rich = {
      resourceType: 'Organization',
      identifier: [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: ods }, { system: 'https://gp-system.example/Id/org', value: 'org-7' }],
      active: true,
      type: [{ coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/organisation-role', code: 'RO76', display: 'GP practice' }] }],
      name: 'Round Trip Surgery',
      telecom: [{ system: 'phone', value: '0113 496 0000' }],
      address: [{ line: ['1 Example Street'], city: 'Leeds', postalCode: 'LS1 1AA' }],
    };
    const res = await fetch(`${t.base}/Organization`, { method: 'POST', headers: { authorization: `Bearer ${await t.token()}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(rich) });
    expect(res.status).toBe(201);
    const outcome = (await res.json()) as { issue: { severity: string; expression?: string[] }[] };
    expect(outcome.issue.filter((i) => i.severity === 'warning').map((i) => i.expression?.[0]).sort()).toEqual(['Organization.address', 'Organization.identifier[1]', 'Organization.telecom']);
    const back = (await fhir.read({ resourceType: 'Organization', id: res.headers.get('location')!.split('/').at(-1)! })) as unknown as Record<string, unknown>;
    expect(structureIssues(back as unknown as Resource)).toEqual([]);
    expect(back).toMatchObject({ identifier: [rich.identifier[0]], active: true, name: rich.name });
    expect(back.type).toEqual(expect.arrayContaining(rich.type));
    const closed = await fetch(`${t.base}/Organization`, {
      method: 'POST', headers: { authorization: `Bearer ${await t.token()}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify({ ...rich, identifier: [{ ...rich.identifier[0], value: `${ods}X` }], active: false }),
    });
    expect(closed.status).toBe(422);
  });

  it('importing the same Bundle again changes nothing', async () => {
    const count = async () => (await t.one<{ n: number }>(sql`SELECT (SELECT count(*) FROM record_entry) + (SELECT count(*) FROM contact) + (SELECT count(*) FROM child)
      + (SELECT count(*) FROM related_person) + (SELECT count(*) FROM child_flag) + (SELECT count(*) FROM record_entry_history) AS n`)).n;
    const before = await count();
    const again = (await fhir.transaction({ body: sent as never })) as unknown as Bundle;
    expect(again.entry!.map((e) => e.response!.status)).toEqual(sent.entry!.map(() => '200 OK'));
    expect(again.entry!.map((e) => e.response!.outcome?.issue?.[0].details?.text)).toEqual(sent.entry!.map(() => 'unchanged'));
    expect(again.entry!.map((e) => e.response!.location)).toEqual(response.entry!.map((e) => e.response!.location));
    expect(await count()).toBe(before);
  });

  it('what Joinery exports imports back as the same records, unchanged', async () => {
    const batch: Bundle = {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [...exported.values()].map((r) => ({ resource: r, request: { method: 'PUT' as const, url: `${r.resourceType}/${r.id}` } })),
    };
    const result = (await fhir.batch({ body: batch as never })) as unknown as Bundle;
    for (const e of result.entry!) {
      expect(e.response!.status, JSON.stringify(e.response!.outcome)).toMatch(/^200/);
    }
    const outcomes = result.entry!.map((e) => e.response!.outcome?.issue?.[0].details?.text);
    // An Encounter cannot be changed once recorded, so a PUT of one is refused; every other type comes back unchanged.
    expect(outcomes.filter((o) => o !== 'unchanged')).toEqual([]);
  });
});
