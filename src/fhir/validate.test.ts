import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Bundle, Observation, OperationOutcome, Patient, Practitioner, Resource } from '@medplum/fhirtypes';
import { startFhirTest, type FhirTest } from './test-setup.js';
import { freshNhsNumber, odsCodeOf, recordBundle } from './test-fixtures.js';
import { NHS_NUMBER_SYSTEM, ODS_SYSTEM, SNOMED } from './codes.js';

/**
 * UK Core over HTTP: $validate tells an integration engineer every issue a
 * resource has against FHIR R4 and the UK Core constraints Joinery relies
 * on; every resource served names its UK Core profile; SNOMED-coded flags
 * are read only by the checked concepts.
 */
describe('UK Core profiles and $validate', () => {
  let t: FhirTest;
  let token: string;

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${t.base}${path}`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as OperationOutcome };
  };
  const issues = (o: OperationOutcome) => o.issue.map((i) => ({ severity: i.severity, text: i.details?.text ?? '', at: i.expression?.[0] }));

  beforeAll(async () => {
    t = await startFhirTest('pglite', 20);
    token = await t.token();
  });
  afterAll(() => t?.close());

  const patient = (over: Partial<Patient> = {}): Patient => ({
    resourceType: 'Patient', identifier: [{ system: NHS_NUMBER_SYSTEM, value: '9990000018' }], name: [{ family: 'Valid', given: ['Vera'] }],
    birthDate: '2019-04-02', ...over,
  });

  it('a valid UK Core patient is answered 200 with one information issue saying so', async () => {
    const res = await post('/Patient/$validate', patient());
    expect(res.status).toBe(200);
    expect(issues(res.body)).toEqual([{ severity: 'information', text: expect.stringMatching(/^Valid against FHIR R4 and the UK Core constraints/), at: undefined }]);
  });

  it('an NHS number with a wrong check digit, a misformed GMC number and a wrong ethnic category system are each named with their path', async () => {
    const res = await post('/Patient/$validate', patient({
      identifier: [{ system: NHS_NUMBER_SYSTEM, value: '9990000019' }],
      generalPractitioner: [{ identifier: { system: 'https://fhir.hl7.org.uk/Id/gmc-number', value: 'G12' } }],
      extension: [{ url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory', valueCodeableConcept: { coding: [{ system: 'http://example.org/ethnicity', code: 'A' }] } }],
    }));
    expect(res.status).toBe(200);
    const found = issues(res.body);
    expect(found).toContainEqual({ severity: 'error', text: 'NHS number 9990000019 has a wrong check digit.', at: 'Patient.identifier[0].value' });
    expect(found).toContainEqual(expect.objectContaining({ severity: 'error', at: 'Patient.generalPractitioner[0].identifier.value', text: expect.stringMatching(/GMC number "G12"/) }));
    expect(found).toContainEqual(expect.objectContaining({ severity: 'error', at: 'Patient.extension[0].valueCodeableConcept', text: expect.stringMatching(/UKCore-EthnicCategoryEngland/) }));
  });

  it('a vital sign without LOINC, time or UCUM units breaks the R4 vital-signs profile; R4 structure errors are reported too', async () => {
    const res = await post('/Observation/$validate', {
      resourceType: 'Observation', status: 'final', subject: { reference: 'Patient/x' },
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
      code: { coding: [{ system: SNOMED, code: '364075005', display: 'Heart rate' }] },
      valueQuantity: { value: 120, unit: 'beats per minute' },
    });
    const texts = issues(res.body).map((i) => `${i.at}: ${i.text}`);
    expect(texts).toEqual(expect.arrayContaining([
      expect.stringMatching(/^Observation.code: A vital sign needs a LOINC code/),
      expect.stringMatching(/^Observation.effective\[x\]: A vital sign needs effectiveDateTime/),
      expect.stringMatching(/^Observation.valueQuantity: A vital sign's quantity needs a UCUM unit/),
    ]));
    const broken = await post('/Condition/$validate', { resourceType: 'Condition', subject: { reference: 'Patient/x' }, code: { text: 'Asthma' }, onsetDateTime: 'last spring' });
    expect(issues(broken.body).some((i) => i.severity === 'error' && /onset/.test(i.at ?? ''))).toBe(true);
  });

  it('takes the resource in Parameters and at instance level, and refuses what is not the type named', async () => {
    const wrapped = await post('/Organization/$validate', {
      resourceType: 'Parameters', parameter: [{ name: 'resource', resource: { resourceType: 'Organization', name: 'A school', identifier: [{ system: 'https://fhir.hl7.org.uk/Id/urn-school-number', value: '1234' }] } }],
    });
    expect(issues(wrapped.body)).toContainEqual(expect.objectContaining({ severity: 'error', text: expect.stringMatching(/DfE school URN "1234"/) }));
    const id = '0b7e2f4e-1d7a-4f55-9a39-6f3f1c4b2a10';
    expect((await post(`/Patient/${id}/$validate`, { ...patient(), id })).status).toBe(200);
    expect((await post(`/Patient/${id}/$validate`, { ...patient(), id: 'another' })).status).toBe(400);
    const wrongType = await post('/Patient/$validate', { resourceType: 'Condition' });
    expect(issues(wrongType.body)[0]).toMatchObject({ severity: 'error', text: 'Send a Patient resource (resourceType Patient).' });
    expect((await post('/Nonsense/$validate', { resourceType: 'Nonsense' })).status).toBe(404);
  });

  it('every resource served, read, searched or in $everything, names its UK Core profile in meta.profile, and passes $validate', async () => {
    const nhsNumber = await freshNhsNumber(t);
    const sent = recordBundle({ tag: 'ukcore', nhsNumber, practiceOds: await odsCodeOf(t, 'gp-practice'), localAuthorityOds: await odsCodeOf(t, 'childrens-social-care') });
    const written = await post('', sent);
    expect(written.status).toBe(200);
    const childId = (written.body as unknown as Bundle).entry!.map((e) => e.response!.location!).find((l) => l.startsWith('Patient/'))!.split('/')[1];
    const everything = (await (await fetch(`${t.base}/Patient/${childId}/$everything`, { headers: { authorization: `Bearer ${token}` } })).json()) as Bundle;
    const resources = everything.entry!.map((e) => e.resource as Resource);
    expect(resources.length).toBeGreaterThan(5);
    for (const r of resources) {
      expect(r.meta?.profile, `${r.resourceType}/${r.id}`).toContain(`https://fhir.hl7.org.uk/StructureDefinition/UKCore-${r.resourceType}`);
      const checked = await post(`/${r.resourceType}/$validate`, r);
      expect(issues(checked.body).filter((i) => i.severity === 'error'), `${r.resourceType}/${r.id}`).toEqual([]);
    }
    const read = (await (await fetch(`${t.base}/Patient/${childId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as Patient;
    expect(read.meta?.profile).toEqual(['https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient']);
  });

  it('everything Joinery serves of a generated demo child (the whole record, and the organisations and professionals it names) passes $validate with no errors', async () => {
    // The demo child with the most observations: vital signs, encounters, carers and the professionals who recorded them.
    const { id: childId } = await t.one<{ id: string }>(sql`SELECT child_id AS id FROM record_entry WHERE ics_id = ${t.j.ics.icsId}::uuid AND kind = 'observation'
      GROUP BY child_id ORDER BY count(*) DESC, child_id LIMIT 1`);
    const get = async (path: string) => (await (await fetch(`${t.base}/${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as Resource;
    const record = ((await get(`Patient/${childId}/$everything`)) as Bundle).entry!.map((e) => e.resource as Resource);
    const named = new Set(JSON.stringify(record).match(/"(Organization|Practitioner|PractitionerRole)\/[0-9a-f-]{36}"/g)?.map((m) => m.slice(1, -1)) ?? []);
    const served = [...record, ...(await Promise.all([...named].map(get)))];
    const types = new Set(served.map((r) => r.resourceType));
    expect([...types]).toEqual(expect.arrayContaining(['Patient', 'Observation', 'Organization', 'Practitioner']));
    // A growth measurement recorded in SNOMED CT is served as the R4 vital-signs profile asks: LOINC beside SNOMED, the category, UCUM units.
    const vitals = served.filter((r): r is Observation => r.resourceType === 'Observation' && !!r.category?.some((c) => c.coding?.some((x) => x.code === 'vital-signs')));
    const weight = vitals.find((o) => o.code.coding?.some((c) => c.system === SNOMED && c.code === '27113001'));
    expect(weight?.code.coding).toEqual(expect.arrayContaining([expect.objectContaining({ system: 'http://loinc.org', code: '29463-7' })]));
    expect(weight?.valueQuantity).toMatchObject({ unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' });
    // Doctors, nurses and CAMHS clinicians carry their register's number (GMC, NMC, HCPC) under the UK Core system for it.
    const registerOf: Record<string, string> = {
      gp: 'gmc', paediatrician: 'gmc', 'practice-nurse': 'nmc', 'health-visitor': 'nmc', 'school-nurse': 'nmc', 'care-coordinator': 'nmc', 'camhs-clinician': 'hcpc',
    };
    const practitioners = served.filter((r): r is Practitioner => r.resourceType === 'Practitioner');
    const roles = new Map((await t.all<{ id: string; role: string }>(sql`SELECT id, role FROM professional WHERE ics_id = ${t.j.ics.icsId}::uuid`)).map((p) => [p.id, p.role]));
    const registered = practitioners.filter((p) => registerOf[roles.get(p.id!)!]);
    expect(registered.length).toBeGreaterThan(0);
    for (const p of registered) {
      const system = `https://fhir.hl7.org.uk/Id/${registerOf[roles.get(p.id!)!]}-number`;
      expect(p.identifier, `Practitioner/${p.id}`).toEqual(expect.arrayContaining([expect.objectContaining({ system, value: expect.any(String) })]));
    }
    for (const r of served) {
      const checked = await post(`/${r.resourceType}/$validate`, r);
      expect(issues(checked.body).filter((i) => i.severity === 'error'), `${r.resourceType}/${r.id}`).toEqual([]);
    }
  });

  it('a flag coded 342191000000101 is read as a child protection plan; 302767002 (cares for a relative) is not taken as a young carer', async () => {
    const nhsNumber = await freshNhsNumber(t, 1);
    const la = await odsCodeOf(t, 'childrens-social-care');
    const practice = await odsCodeOf(t, 'gp-practice');
    const bundle = (code: string, tag: string): Bundle => ({
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { fullUrl: `urn:uuid:${tag}-0000-4000-8000-000000000001`, request: { method: 'POST', url: 'Patient' }, resource: {
          resourceType: 'Patient', identifier: [{ system: NHS_NUMBER_SYSTEM, value: nhsNumber }], name: [{ family: 'Flagged', given: ['Finn'] }], birthDate: '2016-05-01',
          generalPractitioner: [{ reference: `Organization?identifier=${ODS_SYSTEM}|${practice}` }],
        } },
        { fullUrl: `urn:uuid:${tag}-0000-4000-8000-000000000002`, request: { method: 'POST', url: 'Flag' }, resource: {
          resourceType: 'Flag', identifier: [{ system: 'https://la.example/Id/flag', value: `${tag}-${code}` }], status: 'active',
          code: { coding: [{ system: SNOMED, code }] }, subject: { reference: `urn:uuid:${tag}-0000-4000-8000-000000000001` },
          period: { start: '2026-03-01' }, author: { reference: `Organization?identifier=${ODS_SYSTEM}|${la}` },
        } },
      ],
    });
    const plan = await post('', bundle('342191000000101', 'aaaaaaaa'));
    expect(plan.status).toBe(200);
    const [flag] = await t.all<{ kind: string }>(sql`SELECT f.kind FROM child_flag f JOIN child c ON c.ics_id = f.ics_id AND c.id = f.child_id WHERE c.nhs_number = ${nhsNumber}`);
    expect(flag.kind).toBe('child-protection-plan');
    const carer = await post('', bundle('302767002', 'bbbbbbbb'));
    expect(carer.status).toBeGreaterThanOrEqual(400);
    const kinds = await t.all<{ kind: string }>(sql`SELECT f.kind FROM child_flag f JOIN child c ON c.ics_id = f.ics_id AND c.id = f.child_id WHERE c.nhs_number = ${nhsNumber}`);
    expect(kinds.map((k) => k.kind)).not.toContain('young-carer');
  });
});
