import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, CapabilityStatement, Condition, OperationOutcome, Organization, Patient } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { startFhirTest, type FhirTest } from './test-setup.js';
import { freshNhsNumber, odsCodeOf, recordBundle } from './test-fixtures.js';
import { NHS_NUMBER_SYSTEM, ODS_SYSTEM } from './codes.js';

/**
 * FHIR's RESTful protocol as an integration engineer's client relies on it:
 * every URL under the base answers FHIR, and versions make reads cheap
 * (304) and updates safe (412 instead of overwriting a newer version).
 */
type Answer = { status: number; headers: Headers; body: Record<string, unknown> | null };

describe('the FHIR server’s protocol', () => {
  let t: FhirTest;
  let token: string;
  let childId: string;
  let nhsNumber: string;
  let conditionId: string;
  let carePlanId: string | undefined;

  const call = async (method: string, path: string, opts: { headers?: Record<string, string>; body?: unknown; contentType?: string } = {}): Promise<Answer> => {
    const res = await fetch(`${t.base}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        authorization: `Bearer ${token}`,
        ...(opts.body !== undefined ? { 'content-type': opts.contentType ?? 'application/fhir+json' } : {}),
        ...opts.headers,
      },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
  };

  const storedCondition = () => t.one<{ version: number; started_on: string }>(
    sql`SELECT version, started_on::text FROM record_entry WHERE id = ${conditionId}::uuid`);

  beforeAll(async () => {
    t = await startFhirTest('pglite', 100);
    token = await t.token();
    nhsNumber = await freshNhsNumber(t);
    const sent = recordBundle({ tag: 'protocol', nhsNumber, practiceOds: await odsCodeOf(t, 'gp-practice'), localAuthorityOds: await odsCodeOf(t, 'childrens-social-care') });
    const res = await call('POST', '', { body: sent });
    const locations = ((res.body as unknown as Bundle).entry ?? []).map((e) => e.response!.location!);
    childId = locations.find((l) => l.startsWith('Patient/'))!.split('/')[1];
    conditionId = locations.find((l) => l.startsWith('Condition/'))!.split('/')[1];
    carePlanId = (await t.one<{ id: string } | undefined>(sql`SELECT id FROM care_plan LIMIT 1`))?.id;
  });
  afterAll(() => t?.close());

  describe('every FHIR path answers FHIR', () => {
    const expectOutcome = (res: Answer, status: number, what: string) => {
      expect(res.status, what).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      expect(res.headers.get('location')).toBeNull();
      expect((res.body as unknown as OperationOutcome).resourceType).toBe('OperationOutcome');
      expect((res.body as unknown as OperationOutcome).issue[0].severity).toBe('error');
    };

    it('URLs Joinery does not serve (history of unversioned types, a type outside the Patient compartment, an unknown operation) answer 404 with an OperationOutcome, not the sign-in page', async () => {
      const practitionerId = (await t.one<{ id: string }>(sql`SELECT id FROM professional WHERE ics_id = ${t.j.ics.icsId}::uuid ORDER BY id LIMIT 1`)).id;
      for (const [method, path] of [
        ['GET', `/Practitioner/${practitionerId}/_history/1`],
        ['GET', `/Practitioner/${practitionerId}/_history`],
        ['GET', '/CarePlan/_history'],
        ['GET', `/Patient/${childId}/Organization`],
        ['POST', '/Patient/$lookup'],
        ['DELETE', '/Nonsense/123'],
      ]) {
        const res = await call(method, path, method === 'POST' ? { body: { resourceType: 'Patient' } } : {});
        expectOutcome(res, 404, `${method} ${path}`);
      }
    });

    it('a method a served path does not take answers 405, with Allow naming the methods it does', async () => {
      const cases: [string, string, string][] = [
        ['DELETE', `/Condition/${conditionId}`, 'GET, PUT'],
        ['PATCH', `/Condition/${conditionId}`, 'GET, PUT'],
        ['POST', `/Patient/${childId}/$everything`, 'GET'],
        ['DELETE', '/Patient', 'GET, POST, PUT'],
        ['GET', '/', 'POST'],
      ];
      if (carePlanId) cases.push(['DELETE', `/CarePlan/${carePlanId}`, 'GET']);
      for (const [method, path, allow] of cases) {
        const res = await call(method, path, method === 'GET' || method === 'DELETE' ? {} : { body: { resourceType: 'Patient' } });
        expectOutcome(res, 405, `${method} ${path}`);
        expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
      }
      const patch = await call('PATCH', `/Condition/${conditionId}`, { body: [{ op: 'remove', path: '/onsetDateTime' }], contentType: 'application/json-patch+json' });
      expect([patch.status, patch.headers.get('allow')]).toEqual([405, 'GET, PUT']);
      expect((await storedCondition()).started_on).toBe('2019-04-02');
    });

    it('without a token or with a page’s session cookie, an unrouted FHIR URL is still FHIR; pages still send to sign-in', async () => {
      const res = await fetch(`${t.base}/Nonsense/${childId}/Observation/extra`, { redirect: 'manual', headers: { cookie: 'joinery_session=stale' } });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      const page = await fetch(`${t.origin}/children`, { redirect: 'manual' });
      expect(page.status).toBe(302);
      expect(page.headers.get('location')).toMatch(/^\/sign-in/);
    });
  });

  describe('versions and conditional requests', () => {
    it('a read carries ETag and Last-Modified; If-None-Match or If-Modified-Since for the current version answers 304 with no body', async () => {
      const read = await call('GET', `/Condition/${conditionId}`);
      const version = String((await storedCondition()).version);
      expect(read.headers.get('etag')).toBe(`W/"${version}"`);
      const lastModified = read.headers.get('last-modified')!;
      expect(new Date(lastModified).toUTCString()).toBe(new Date((read.body as unknown as Condition).meta!.lastUpdated!).toUTCString());

      const same = await call('GET', `/Condition/${conditionId}`, { headers: { 'if-none-match': `W/"${version}"` } });
      expect([same.status, same.body, same.headers.get('etag')]).toEqual([304, null, `W/"${version}"`]);
      const other = await call('GET', `/Condition/${conditionId}`, { headers: { 'if-none-match': `W/"${Number(version) + 7}"` } });
      expect(other.status).toBe(200);

      const unchanged = await call('GET', `/Condition/${conditionId}`, { headers: { 'if-modified-since': lastModified } });
      expect([unchanged.status, unchanged.body]).toEqual([304, null]);
      const earlier = new Date(Date.parse(lastModified) - 60_000).toUTCString();
      expect((await call('GET', `/Condition/${conditionId}`, { headers: { 'if-modified-since': earlier } })).status).toBe(200);
    });

    it('If-Match with a stale version is refused 412 and writes nothing; with the current one the update lands as the next version; the old version then is stale', async () => {
      const read = await call('GET', `/Condition/${conditionId}`);
      const before = await storedCondition();
      const current = read.headers.get('etag')!;
      const lastModified = read.headers.get('last-modified')!;
      const changed = { ...(read.body as unknown as Condition), onsetDateTime: '2019-05-01' };

      const stale = await call('PUT', `/Condition/${conditionId}`, { body: changed, headers: { 'if-match': `W/"${before.version - 1}"` } });
      expect(stale.status).toBe(412);
      expect((stale.body as unknown as OperationOutcome).issue[0].details?.text).toContain(`at version ${before.version}`);
      expect(await storedCondition()).toEqual(before);

      // Last-Modified has whole seconds: the update must fall in a later second to be seen as modified.
      await new Promise((r) => setTimeout(r, 1100));
      const landed = await call('PUT', `/Condition/${conditionId}`, { body: changed, headers: { 'if-match': current } });
      expect(landed.status).toBe(200);
      expect(landed.headers.get('etag')).toBe(`W/"${before.version + 1}"`);
      expect(await storedCondition()).toEqual({ version: before.version + 1, started_on: '2019-05-01' });

      const again = await call('PUT', `/Condition/${conditionId}`, { body: { ...changed, onsetDateTime: '2019-06-01' }, headers: { 'if-match': current } });
      expect(again.status).toBe(412);
      expect(await storedCondition()).toEqual({ version: before.version + 1, started_on: '2019-05-01' });
      // What changed since the client's copy is sent again in full.
      const since = await call('GET', `/Condition/${conditionId}`, { headers: { 'if-modified-since': lastModified } });
      expect(since.status).toBe(200);
      expect((since.body as unknown as Condition).onsetDateTime).toBe('2019-05-01');
    });
  });

  describe('conditional create (If-None-Exist)', () => {
    const organisations = async () => (await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM organisation`)).n;

    it('a match is answered 200 with the existing resource, and nothing is written', async () => {
      const child = () => t.one<Record<string, unknown>>(sql`SELECT * FROM child WHERE id = ${childId}::uuid`);
      const before = await child();
      const existing = (await call('GET', `/Patient/${childId}`)).body as unknown as Patient;
      const res = await call('POST', '/Patient', {
        body: { ...existing, id: undefined, meta: undefined, name: [{ family: 'Someone-Else', given: ['Changed'] }] },
        headers: { 'if-none-exist': `identifier=${NHS_NUMBER_SYSTEM}|${nhsNumber}` },
      });
      expect(res.status).toBe(200);
      expect((res.body as unknown as Patient).id).toBe(childId);
      expect(res.headers.get('location')).toBe(`${t.base}/Patient/${childId}`);
      expect(await child()).toEqual(before);
      expect((await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM child WHERE nhs_number = ${nhsNumber}`)).n).toBe(1);
    });

    it('no match creates the resource (201) once; the same request again finds it (200) instead of a duplicate', async () => {
      const count = await organisations();
      const [template] = ((await call('GET', '/Organization?_count=1')).body as unknown as Bundle<Organization>).entry!.map((e) => e.resource!);
      const body = { ...template, id: undefined, meta: undefined, identifier: [{ system: ODS_SYSTEM, value: 'ZZP01' }], name: 'Conditional Create Test Practice' };
      const ask = () => call('POST', '/Organization', { body, headers: { 'if-none-exist': `identifier=${ODS_SYSTEM}|ZZP01` } });
      const first = await ask();
      expect(first.status).toBe(201);
      const second = await ask();
      expect(second.status).toBe(200);
      expect((second.body as unknown as Organization).id).toBe((first.body as unknown as Organization).id);
      expect(await organisations()).toBe(count + 1);
    });

    it('several matches are refused 412 and nothing is created; criteria the type cannot be searched by are refused 400', async () => {
      const count = await organisations();
      const body = { resourceType: 'Organization', identifier: [{ system: ODS_SYSTEM, value: 'ZZP02' }], name: 'Ambiguous Criteria Practice' };
      const several = await call('POST', '/Organization', { body, headers: { 'if-none-exist': 'name=a' } });
      expect(several.status).toBe(412);
      expect((several.body as unknown as OperationOutcome).issue[0].code).toBe('multiple-matches');
      const unknown = await call('POST', '/Organization', { body, headers: { 'if-none-exist': 'colour=blue' } });
      expect(unknown.status).toBe(400);
      expect(await organisations()).toBe(count);
    });
  });

  describe('plain create', () => {
    it('a resource with neither identifier nor id is created with a server-assigned id each time it is sent; If-None-Exist then sees every copy', async () => {
      const criteria = `patient=Patient/${childId}&code=http://snomed.info/sct|195967001`;
      const { id, meta, identifier, ...asthma } = (await call('GET', `/Condition/${conditionId}`)).body as unknown as Condition;
      expect([id, meta, identifier].every(Boolean)).toBe(true);
      const found = await call('POST', '/Condition', { body: asthma, headers: { 'if-none-exist': criteria } });
      expect([found.status, (found.body as unknown as Condition).id]).toEqual([200, conditionId]);

      const first = await call('POST', '/Condition', { body: asthma });
      const second = await call('POST', '/Condition', { body: asthma });
      expect([first.status, second.status]).toEqual([201, 201]);
      const ids = [conditionId, (first.body as unknown as Condition).id, (second.body as unknown as Condition).id];
      expect(new Set(ids).size).toBe(3);
      expect(first.headers.get('location')).toBe(`${t.base}/Condition/${ids[1]}`);
      const stored = await t.all<{ source_system: string }>(sql`SELECT source_system FROM record_entry WHERE id IN (${ids[1]}::uuid, ${ids[2]}::uuid)`);
      expect(stored.map((r) => r.source_system)).toEqual(['urn:ietf:rfc:3986', 'urn:ietf:rfc:3986']);

      const several = await call('POST', '/Condition', { body: asthma, headers: { 'if-none-exist': criteria } });
      expect(several.status).toBe(412);
    });

    it('a Patient still needs an NHS number or a local identifier', async () => {
      const res = await call('POST', '/Patient', { body: { resourceType: 'Patient', name: [{ family: 'Nobody' }], birthDate: '2015-01-01' } });
      expect(res.status).toBe(422);
    });
  });

  it('the CapabilityStatement says exactly this: versioned updates, conditional reads, vread and instance and type history for every type written, conditional create and update for each', async () => {
    const cs = (await call('GET', '/metadata')).body as unknown as CapabilityStatement;
    const of = (type: string) => {
      const r = cs.rest![0].resource!.find((x) => x.type === type)!;
      return {
        versioning: r.versioning, conditionalRead: r.conditionalRead, conditionalCreate: r.conditionalCreate, conditionalUpdate: r.conditionalUpdate, readHistory: r.readHistory,
        interactions: r.interaction!.map((i) => i.code),
      };
    };
    const written = { versioning: 'versioned-update', conditionalRead: 'full-support', conditionalCreate: true, conditionalUpdate: true, readHistory: true, interactions: ['read', 'vread', 'history-instance', 'history-type', 'search-type', 'create', 'update'] };
    for (const type of ['Condition', 'Observation', 'Patient', 'Organization', 'RelatedPerson', 'Flag', 'Encounter']) expect(of(type), type).toEqual(written);
    expect(of('CarePlan')).toEqual({ versioning: 'no-version', conditionalRead: 'not-supported', conditionalCreate: false, conditionalUpdate: false, readHistory: false, interactions: ['read', 'search-type'] });
    expect(of('Practitioner')).toEqual({ versioning: 'no-version', conditionalRead: 'not-supported', conditionalCreate: false, conditionalUpdate: false, readHistory: false, interactions: ['read', 'search-type'] });
  });
});
