import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, Condition, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { startFhirTest, type FhirTest } from './test-setup.js';
import { freshNhsNumber, odsCodeOf, recordBundle } from './test-fixtures.js';
import { CONDITION_CLINICAL, SNOMED } from './codes.js';

/**
 * Patient/$everything as a Bulk Data or GP system client asks it: only some
 * types (_type), only what changed since its last call (_since), and with
 * the organisations and professionals the record names, so no reference in
 * the Bundle points at something the client was not given.
 */
describe('Patient/$everything with _type and _since', () => {
  let t: FhirTest;
  let token: string;
  let childId: string;

  const get = async (path: string) => {
    const res = await fetch(`${t.base}/${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as Bundle & Pick<OperationOutcome, 'issue'> };
  };
  const typesOf = (b: Bundle) => [...new Set(b.entry!.map((e) => e.resource!.resourceType))].sort();

  beforeAll(async () => {
    t = await startFhirTest('pglite', 20);
    token = await t.token();
    const sent = recordBundle({ tag: 'every', nhsNumber: await freshNhsNumber(t), practiceOds: await odsCodeOf(t, 'gp-practice'), localAuthorityOds: await odsCodeOf(t, 'childrens-social-care') });
    const res = await fetch(t.base, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(sent) });
    childId = ((await res.json()) as Bundle).entry![0].response!.location!.split('/')[1];
  });
  afterAll(() => t?.close());

  it('gives every organisation and professional the record refers to, so no reference in the Bundle dangles', async () => {
    const { status, body } = await get(`Patient/${childId}/$everything`);
    expect(status).toBe(200);
    const given = new Set(body.entry!.map((e) => `${e.resource!.resourceType}/${e.resource!.id}`));
    const named = JSON.stringify(body.entry!.map((e) => e.resource)).match(/"(Organization|Practitioner)\/[0-9a-f-]{36}"/g)!.map((m) => m.slice(1, -1));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((ref) => !given.has(ref))).toEqual([]);
    expect(body.total).toBe(body.entry!.length);
  });

  it('_type gives only the types asked for (the Patient only when asked), comma-separated or repeated', async () => {
    const conditions = await get(`Patient/${childId}/$everything?_type=Condition,Observation`);
    expect(typesOf(conditions.body)).toEqual(['Condition', 'Observation']);
    const repeated = await get(`Patient/${childId}/$everything?_type=Patient&_type=Flag`);
    expect(typesOf(repeated.body)).toEqual(['Flag', 'Patient']);
  });

  it('_since gives only what changed since then: a condition recorded afterwards, and nothing recorded before', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const condition: Condition = {
      resourceType: 'Condition', clinicalStatus: { coding: [{ system: CONDITION_CLINICAL, code: 'active' }] },
      code: { coding: [{ system: SNOMED, code: '43116000', display: 'Eczema' }] }, subject: { reference: `Patient/${childId}` }, onsetDateTime: '2024-02-01',
    };
    const made = await fetch(`${t.base}/Condition`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', prefer: 'return=representation' }, body: JSON.stringify(condition),
    });
    expect(made.status).toBe(201);
    const newId = ((await made.json()) as Resource).id;
    const changed = await get(`Patient/${childId}/$everything?_type=Condition&_since=${encodeURIComponent(since)}`);
    expect(changed.body.entry!.map((e) => e.resource!.id)).toEqual([newId]);
    const all = await get(`Patient/${childId}/$everything?_type=Condition`);
    expect(all.body.entry!.length).toBeGreaterThan(1);
  });

  it('a type Joinery does not serve, a _since that is not an instant, or a parameter it does not take is refused 400 as FHIR', async () => {
    for (const [query, at] of [['_type=Nonsense', '_type'], ['_since=yesterday', '_since'], ['start=2020-01-01', 'start']]) {
      const { status, body } = await get(`Patient/${childId}/$everything?${query}`);
      expect(status, query).toBe(400);
      expect(body.resourceType as string).toBe('OperationOutcome');
      expect(body.issue[0].expression, query).toEqual([at]);
    }
  });
});
