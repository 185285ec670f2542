import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, Organization } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { HL7_ORGANIZATION_TYPE, ODS_SYSTEM, SCHOOL_URN_SYSTEM } from './codes.js';
import { startFhirTest, type FhirTest } from './test-setup.js';

type Outcome = { issue: { severity: string; expression?: string[]; diagnostics?: string; details?: { text?: string } }[] };

/**
 * Schools are known by the Department for Education's Unique Reference
 * Number, which UK Core names under its school-number system: never passed
 * off as an ODS code, and taken from a feed that names a school by it.
 */
describe('schools carry their DfE URN under UK Core’s school-number system', () => {
  let t: FhirTest;
  let token: string;
  let school: { id: string; ods_code: string; dfe_urn: string | null };

  const get = async (path: string) => fetch(`${t.base}/${path}`, { headers: { authorization: `Bearer ${token}` } });
  const post = async (body: unknown) => fetch(`${t.base}/Organization`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(body),
  });
  const edu = [{ coding: [{ system: HL7_ORGANIZATION_TYPE, code: 'edu' }] }];

  beforeAll(async () => {
    t = await startFhirTest('pglite');
    token = await t.token();
    school = await t.one(sql`SELECT id, ods_code, dfe_urn FROM organisation WHERE ics_id = ${t.j.ics.icsId}::uuid AND kind = 'school' ORDER BY ods_code LIMIT 1`);
  }, 300_000);
  afterAll(() => t?.close());

  it('every demo school has a six-digit URN', async () => {
    const schools = await t.all<{ dfe_urn: string | null }>(sql`SELECT dfe_urn FROM organisation WHERE kind = 'school'`);
    expect(schools.length).toBeGreaterThan(0);
    for (const s of schools) expect(s.dfe_urn).toMatch(/^\d{6}$/);
  });

  it('a demo school is served with its URN under the school-number system and no ODS code; a practice keeps its ODS code', async () => {
    const res = await get(`Organization/${school.id}`);
    expect(res.status).toBe(200);
    const served = (await res.json()) as Organization;
    expect(served.identifier).toEqual([{ system: SCHOOL_URN_SYSTEM, value: school.dfe_urn }]);
    const practice = await t.one<{ id: string; ods_code: string }>(sql`SELECT id, ods_code FROM organisation WHERE ics_id = ${t.j.ics.icsId}::uuid AND kind = 'gp-practice' LIMIT 1`);
    expect(((await (await get(`Organization/${practice.id}`)).json()) as Organization).identifier).toEqual([{ system: ODS_SYSTEM, value: practice.ods_code }]);
  });

  it('a search by URN finds the school; the same digits under the ODS system find nothing', async () => {
    const byUrn = (await (await get(`Organization?identifier=${encodeURIComponent(`${SCHOOL_URN_SYSTEM}|${school.dfe_urn}`)}`)).json()) as Bundle;
    expect(byUrn.entry?.map((e) => e.resource!.id)).toEqual([school.id]);
    const asOds = (await (await get(`Organization?identifier=${encodeURIComponent(`${ODS_SYSTEM}|${school.dfe_urn}`)}`)).json()) as Bundle;
    expect(asOds.total).toBe(0);
  });

  it('a school sent by its URN alone is created, served back by it with no warning, and found by it again rather than duplicated', async () => {
    const sent = { resourceType: 'Organization', identifier: [{ system: SCHOOL_URN_SYSTEM, value: '149999' }], type: edu, name: 'Feed Lane Primary School' };
    const res = await post(sent);
    expect(res.status).toBe(201);
    // With nothing to warn about, the answer is the resource itself rather than an OperationOutcome.
    expect(((await res.json()) as { resourceType: string }).resourceType).toBe('Organization');
    const id = res.headers.get('location')!.split('/').at(-1)!;
    const served = (await (await get(`Organization/${id}`)).json()) as Organization;
    expect(served).toMatchObject({ identifier: [{ system: SCHOOL_URN_SYSTEM, value: '149999' }], name: 'Feed Lane Primary School' });
    expect(served.type).toEqual(expect.arrayContaining([{ coding: [expect.objectContaining({ code: 'school' })] }, ...edu]));
    const again = await post({ ...sent, name: 'Feed Lane Primary Academy' });
    expect(again.status).toBe(200);
    expect(again.headers.get('location')!.split('/').at(-1)).toBe(id);
    expect(await t.one(sql`SELECT count(*)::int AS n, min(name) AS name FROM organisation WHERE dfe_urn = '149999'`)).toEqual({ n: 1, name: 'Feed Lane Primary Academy' });
  });

  it('a school with both an ODS code and a URN is served with both', async () => {
    const res = await post({
      resourceType: 'Organization', identifier: [{ system: ODS_SYSTEM, value: 'ZS901' }, { system: SCHOOL_URN_SYSTEM, value: '148888' }], type: edu, name: 'Both Codes High School',
    });
    expect(res.status).toBe(201);
    const served = (await (await get(`Organization/${res.headers.get('location')!.split('/').at(-1)}`)).json()) as Organization;
    expect(served.identifier).toEqual([{ system: ODS_SYSTEM, value: 'ZS901' }, { system: SCHOOL_URN_SYSTEM, value: '148888' }]);
  });

  it.each([
    ['a URN that is not six digits', { identifier: [{ system: SCHOOL_URN_SYSTEM, value: '1234' }], type: edu, name: 'Short URN School' }, 'Organization.identifier[0]', /6 digits/],
    ['a URN alone on an organisation that is not a school', {
      identifier: [{ system: SCHOOL_URN_SYSTEM, value: '147777' }], type: [{ coding: [{ system: HL7_ORGANIZATION_TYPE, code: 'cg' }] }], name: 'Charity',
    }, 'Organization.identifier', /only a school is known by its DfE URN/],
    ['another school’s URN under a new ODS code', { identifier: [{ system: ODS_SYSTEM, value: 'ZS902' }, { system: SCHOOL_URN_SYSTEM, value: '148888' }], type: edu, name: 'Copycat School' },
      'Organization.identifier[1]', /belongs to another school/],
  ])('%s is refused 422 naming the identifier, and nothing is written', async (_what, body, expression, text) => {
    const before = await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM organisation`);
    const res = await post({ resourceType: 'Organization', ...body });
    expect(res.status).toBe(422);
    const outcome = (await res.json()) as Outcome;
    expect(outcome.issue[0].expression).toEqual([expression]);
    expect(outcome.issue[0].details?.text ?? outcome.issue[0].diagnostics).toMatch(text);
    expect(await t.one(sql`SELECT count(*)::int AS n FROM organisation`)).toEqual(before);
  });
});
