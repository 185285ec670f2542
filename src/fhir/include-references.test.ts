import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, CapabilityStatement, OperationOutcome } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { fhirCall, startFhirTest, type FhirTest } from './test-setup.js';
import { freshNhsNumber, odsCodeOf, recordBundle } from './test-fixtures.js';
import { handlerFor } from './registry.js';

/**
 * `_include` and `_revinclude` follow every reference the served types carry
 * (include-paths.ts), one level (`:iterate` refused). Included resources are
 * marked `search.mode = include`; a child's data is read through the door and
 * audited; organisations and professionals are shared data. The
 * CapabilityStatement lists exactly the values the search answers.
 */

describe('_include and _revinclude along every served reference', () => {
  let t: FhirTest;
  let token: string;
  let childId: string;
  let encounterId: string;
  let observationId: string;
  let practitionerId: string;

  const get = (path: string, as = token) => fhirCall(t, as, 'GET', path);
  const search = async (path: string, as = token) => {
    const res = await get(path, as);
    expect(res.status, `${path}: ${JSON.stringify(res.body).slice(0, 400)}`).toBe(200);
    return res.body as unknown as Bundle;
  };
  const includedOf = (b: Bundle) => b.entry!.filter((e) => e.search?.mode === 'include').map((e) => `${e.resource!.resourceType}/${e.resource!.id}`);

  beforeAll(async () => {
    t = await startFhirTest('pglite', 40);
    token = await t.token();
    const sent = recordBundle({ tag: 'incref', nhsNumber: await freshNhsNumber(t), practiceOds: await odsCodeOf(t, 'gp-practice'), localAuthorityOds: await odsCodeOf(t, 'childrens-social-care') });
    const res = await fhirCall(t, token, 'POST', '', { body: sent });
    expect(res.status).toBe(200);
    const locations = (res.body as unknown as Bundle).entry!.map((e) => e.response!.location!.split('/'));
    childId = locations.find(([type]) => type === 'Patient')![1];
    encounterId = locations.find(([type]) => type === 'Encounter')![1];
    practitionerId = (await t.one<{ id: string }>(sql`SELECT id FROM professional WHERE ics_id = ${t.j.ics.icsId}::uuid ORDER BY id LIMIT 1`)).id;
    // An observation made in the encounter, by a professional: both references kept and served.
    const obs = await fhirCall(t, token, 'POST', 'Observation', {
      body: {
        resourceType: 'Observation', identifier: [{ system: 'https://gp-system.example/Id/record', value: 'incref-temp' }], status: 'final',
        code: { coding: [{ system: 'http://snomed.info/sct', code: '386725007', display: 'Body temperature' }] }, subject: { reference: `Patient/${childId}` },
        encounter: { reference: `Encounter/${encounterId}` }, performer: [{ reference: `Practitioner/${practitionerId}` }],
        effectiveDateTime: '2026-10-02T22:00:00Z', valueQuantity: { value: 38.2, unit: 'degrees C', system: 'http://unitsofmeasure.org', code: 'Cel' },
      },
    });
    expect(obs.status).toBe(201);
    observationId = obs.headers.get('location')!.split('/').pop()!;
  });
  afterAll(() => t?.close());

  it('Observation:encounter brings the encounter through the child’s door (audited), Observation:performer the professional as shared data', async () => {
    const audits = async () => (await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${childId}::uuid AND action = 'fhir.read'`)).n;
    const before = await audits();
    const b = await search(`Observation?patient=Patient/${childId}&_id=${observationId}&_include=Observation:encounter&_include=Observation:performer`);
    expect(b.entry!.filter((e) => e.search?.mode === 'match').map((e) => e.resource!.id)).toEqual([observationId]);
    expect(includedOf(b).sort()).toEqual([`Encounter/${encounterId}`, `Practitioner/${practitionerId}`].sort());
    expect(await audits()).toBe(before + 1);
    const targeted = await search(`Observation?patient=Patient/${childId}&_id=${observationId}&_include=Observation:performer:Organization`);
    expect(includedOf(targeted)).toEqual([]);
  });

  it('Encounter:service-provider, Flag:author, Patient:general-practitioner bring organisations; RelatedPerson:patient brings the child', async () => {
    const [provider, author, practice] = await Promise.all([
      t.one<{ id: string }>(sql`SELECT organisation_id AS id FROM contact WHERE id = ${encounterId}::uuid`),
      t.one<{ id: string }>(sql`SELECT local_authority_id AS id FROM child_flag WHERE child_id = ${childId}::uuid`),
      t.one<{ id: string }>(sql`SELECT registered_practice_id AS id FROM child WHERE id = ${childId}::uuid`),
    ]);
    expect(includedOf(await search(`Encounter?patient=Patient/${childId}&_include=Encounter:service-provider`))).toEqual(provider.id ? [`Organization/${provider.id}`] : []);
    expect(includedOf(await search(`Flag?patient=Patient/${childId}&_include=Flag:author`))).toEqual([`Organization/${author.id}`]);
    expect(includedOf(await search(`Patient?_id=${childId}&_include=Patient:general-practitioner`))).toEqual([`Organization/${practice.id}`]);
    expect(includedOf(await search(`RelatedPerson?patient=Patient/${childId}&_include=RelatedPerson:patient`))).toEqual([`Patient/${childId}`]);
    const rev = await search(`Patient?_id=${childId}&_revinclude=Observation:patient&_revinclude=RelatedPerson:patient`);
    expect(new Set(rev.entry!.map((e) => `${e.resource!.resourceType}:${e.search!.mode}`))).toEqual(new Set(['Patient:match', 'Observation:include', 'RelatedPerson:include']));
    expect(includedOf(rev)).toContain(`Observation/${observationId}`);
  });

  it('a client that may not read the child gets no included child data: the search of that child is refused 403', async () => {
    const other = await t.one<{ ods_code: string }>(sql`SELECT o.ods_code FROM organisation o WHERE o.ics_id = ${t.j.ics.icsId}::uuid AND o.kind = 'gp-practice'
      AND NOT EXISTS (SELECT 1 FROM child c WHERE c.ics_id = o.ics_id AND c.id = ${childId}::uuid AND c.registered_practice_id = o.id) ORDER BY o.ods_code LIMIT 1`);
    const stranger = await t.token({ odsCode: other.ods_code });
    const res = await get(`Observation?patient=Patient/${childId}&_include=Observation:encounter`, stranger);
    expect(res.status).toBe(403);
    expect((res.body as unknown as OperationOutcome).issue[0]).toMatchObject({ severity: 'error', code: 'forbidden' });
  });

  it('a resource of a type outside the client’s scopes is left out of the includes with a note, and the search still answers', async () => {
    const observationsOnly = await t.token({ scopes: 'system/Observation.rs' });
    const b = await search(`Observation?patient=Patient/${childId}&_id=${observationId}&_include=Observation:encounter&_include=Observation:performer`, observationsOnly);
    expect(b.entry!.filter((e) => e.search?.mode === 'match').map((e) => e.resource!.id)).toEqual([observationId]);
    expect(includedOf(b)).toEqual([]);
    const notes = b.entry!.filter((e) => e.search?.mode === 'outcome').flatMap((e) => (e.resource as OperationOutcome).issue.map((i) => i.details?.text ?? i.diagnostics));
    expect(notes).toEqual(expect.arrayContaining([
      `Encounter/${encounterId} is referred to but not included: this client may not read it.`,
      `Practitioner/${practitionerId} is referred to but not included: this client may not read it.`,
    ]));
  });

  it(':iterate, wildcards and references not served are refused 400 naming the parameter', async () => {
    for (const [query, expression] of [
      ['_include:iterate=Observation:encounter', '_include:iterate'],
      ['_revinclude:iterate=Observation:patient', '_revinclude:iterate'],
      ['_include=*', '_include'],
      ['_include=Observation:specimen', '_include'],
      ['_include=Encounter:service-provider', '_include'],
      ['_revinclude=Observation:encounter', '_revinclude'],
    ]) {
      const res = await get(`Observation?patient=Patient/${childId}&${query}`);
      expect(res.status, query).toBe(400);
      expect((res.body as unknown as OperationOutcome).issue[0].expression, query).toEqual([expression]);
    }
  });

  it('the CapabilityStatement’s searchInclude and searchRevInclude are exactly what each type’s search answers', async () => {
    const cs = (await get('metadata')).body as unknown as CapabilityStatement;
    for (const r of cs.rest![0].resource!) {
      const handler = handlerFor(r.type)!;
      const base = handler.searchParams.some((p) => p.name === 'patient') ? `patient=Patient/${childId}` : r.type === 'Patient' ? `_id=${childId}` : r.type === 'QuestionnaireResponse' ? 'authored=ge2020-01-01' : '_count=1';
      for (const value of r.searchInclude ?? []) expect((await get(`${r.type}?${base}&_include=${value}`)).status, `${r.type} _include=${value}`).toBe(200);
      for (const value of r.searchRevInclude ?? []) expect((await get(`${r.type}?${base}&_revinclude=${value}`)).status, `${r.type} _revinclude=${value}`).toBe(200);
      expect((await get(`${r.type}?${base}&_include=${r.type}:not-a-reference`)).status, r.type).toBe(400);
      expect((await get(`${r.type}?${base}&_revinclude=Observation:not-a-reference`)).status, r.type).toBe(400);
    }
    const of = (type: string) => cs.rest![0].resource!.find((x) => x.type === type)!;
    expect(of('Encounter').searchInclude).toEqual(expect.arrayContaining(['Encounter:service-provider', 'Encounter:participant', 'Encounter:patient']));
    expect(of('Observation').searchInclude).toEqual(expect.arrayContaining(['Observation:encounter', 'Observation:performer']));
    expect(of('Patient').searchRevInclude).toEqual(expect.arrayContaining(['Observation:patient', 'RelatedPerson:patient', 'Condition:patient']));
    expect(of('ServiceRequest').searchRevInclude).toEqual(['Appointment:based-on', 'Communication:based-on']);
  });
});
