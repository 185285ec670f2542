import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, Observation, OperationOutcome } from '@medplum/fhirtypes';
import type { Client } from 'fhir-kit-client';
import { sql } from 'drizzle-orm';
import { refusal, startFhirTest, type FhirTest } from './test-setup.js';
import { freshNhsNumber, odsCodeOf, recordBundle, sensitiveCondition } from './test-fixtures.js';
import { SNOMED } from './codes.js';
import { structureIssues } from './validation.js';

/**
 * Search, paging, vread and _history as a standard FHIR client (fhir-kit-client,
 * and plain HTTP where the client has no call for it) uses them.
 */
describe('searching, paging and history as a FHIR client does', () => {
  let t: FhirTest;
  let fhir: Client;
  let token: string;
  let childId: string;
  let weights: string[];

  const weight = (n: number, day: string): Observation => ({
    resourceType: 'Observation', identifier: [{ system: 'https://gp.example/obs', value: `w-${n}` }], status: 'final',
    code: { coding: [{ system: SNOMED, code: '27113001', display: 'Body weight' }] }, subject: { reference: `Patient/${childId}` },
    effectiveDateTime: day, valueQuantity: { value: 20 + n, unit: 'kg' },
  });
  /** What a search, read or refusal answers: read as whichever it is. */
  type Answer = Omit<Bundle, 'resourceType'> & Omit<Observation, 'resourceType' | 'id' | 'meta'> & { resourceType: string; issue: OperationOutcome['issue'] };
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const res = await fetch(url.startsWith('http') ? url : `${t.base}/${url}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Answer };
  };
  const ids = (b: Pick<Bundle, 'entry'>, mode = 'match') => (b.entry ?? []).filter((e) => e.search?.mode === mode).map((e) => e.resource!.id!);
  /** Every page from the first, by following next links as a client does. */
  const allPages = async (first: string, between?: (page: number) => Promise<void>) => {
    const pages: Bundle[] = [];
    let next: string | undefined = first;
    while (next) {
      const page = (await get(next)).body as unknown as Bundle;
      pages.push(page);
      await between?.(pages.length);
      next = page.link?.find((l) => l.relation === 'next')?.url;
    }
    return pages;
  };

  beforeAll(async () => {
    t = await startFhirTest('pglite', 60);
    token = await t.token();
    fhir = t.client(token);
    const sent = recordBundle({ tag: 'sh1', nhsNumber: await freshNhsNumber(t), practiceOds: await odsCodeOf(t, 'gp-practice'), localAuthorityOds: await odsCodeOf(t, 'childrens-social-care') });
    const res = (await fhir.transaction({ body: sent as never })) as unknown as Bundle;
    childId = res.entry![0].response!.location!.split('/')[1];
    weights = [];
    for (let n = 1; n <= 7; n++) {
      const made = await fetch(`${t.base}/Observation`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', prefer: 'return=representation' },
        body: JSON.stringify(weight(n, `2025-0${n}-10`)),
      });
      weights.push(((await made.json()) as Observation).id!);
    }
  });
  afterAll(() => t?.close());

  describe('paging by key', () => {
    it('an entry recorded while a client pages through is neither seen twice nor makes another skipped', async () => {
      // Newest first, three a page: the 2026 weight from the Bundle, then 2025-07 … 2025-01.
      const pages = await allPages(`Observation?patient=Patient/${childId}&_count=3`, async (page) => {
        // After the first page, a new weight dated before every one already given: with OFFSET, the next page would repeat the last one.
        if (page === 1) await fetch(`${t.base}/Observation`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(weight(8, '2026-11-30')) });
      });
      const seen = pages.flatMap((p) => ids(p));
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toHaveLength(8);
      expect(seen.slice(0, 3)).toEqual(ids(pages[0]));
      for (const id of weights) expect(seen).toContain(id);
      expect(pages.map((p) => p.link!.find((l) => l.relation === 'next')?.url ?? '')).toEqual([expect.stringContaining('_cursor='), expect.stringContaining('_cursor='), '']);
    });

    it('pages through every Patient a search finds to the end, each once, as many as the total says', async () => {
      const pages = await allPages('Patient?_count=7');
      const seen = pages.flatMap((p) => ids(p));
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe(pages[0].total);
      expect(seen.length).toBeGreaterThan(21);
    });

    it('sorts oldest first by date, or by when last updated, and refuses a sort it cannot keep', async () => {
      const oldest = (await get(`Observation?patient=Patient/${childId}&code=${SNOMED}|27113001&_sort=date&_count=2`)).body;
      expect(oldest.entry!.map((e) => (e.resource as Observation).effectiveDateTime)).toEqual(['2025-01-10', '2025-02-10']);
      const updated = (await allPages(`Observation?patient=Patient/${childId}&_sort=-_lastUpdated&_count=4`)).flatMap((p) => p.entry!.map((e) => e.resource!.meta!.lastUpdated!));
      expect(updated).toEqual([...updated].sort().reverse());
      const refused = await get(`Observation?patient=Patient/${childId}&_sort=value`);
      expect(refused.status).toBe(400);
      expect(refused.body.issue[0].details!.text).toMatch(/can be sorted by one of: -date, date/);
    });

    it('a cursor that was not given by the server is refused, never a server error', async () => {
      for (const cursor of ['nonsense', Buffer.from(JSON.stringify(['-date', "2025-13-45", 'x'])).toString('base64url'), Buffer.from(JSON.stringify(['date', '2025-01-01', weights[0]])).toString('base64url')]) {
        const res = await get(`Observation?patient=Patient/${childId}&_cursor=${cursor}`);
        expect(res.status, cursor).toBe(400);
        expect(res.body.issue[0].expression).toEqual(['_cursor']);
      }
    });
  });

  describe('search parameters', () => {
    const count = async (q: string) => {
      const res = await get(`Observation?patient=Patient/${childId}&${q}`);
      expect(res.status, `${q}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body.total;
    };

    it('code as system|code with comma alternatives, date prefixes, status and _id', async () => {
      expect(await count(`code=${SNOMED}|27113001`)).toBe(9);
      expect(await count(`code=http://loinc.org|29463-7`)).toBe(0);
      expect(await count(`code=http://loinc.org|29463-7,${SNOMED}|27113001`)).toBe(9);
      expect(await count('date=ge2025-03-01&date=lt2025-06-01')).toBe(3);
      expect(await count('date=gt2025-07-10')).toBe(2);
      expect(await count('date=le2025-01-10')).toBe(1);
      expect(await count('status=final,amended')).toBe(9);
      expect(await count('status=preliminary')).toBe(0);
      expect(await count(`_id=${weights[0]},${weights[1]}`)).toBe(2);
    });

    it('_lastUpdated by instant or day, _summary=count and _total=none', async () => {
      expect(await count('_lastUpdated=ge2000-01-01')).toBe(9);
      expect(await count(`_lastUpdated=gt${new Date(Date.now() + 60_000).toISOString()}`)).toBe(0);
      const summary = (await get(`Observation?patient=Patient/${childId}&_summary=count`)).body;
      expect(summary.total).toBe(9);
      expect(summary.entry).toEqual([]);
      const noTotal = (await get(`Observation?patient=Patient/${childId}&_total=none&_count=2`)).body;
      expect(noTotal.total).toBeUndefined();
      expect(noTotal.entry).toHaveLength(2);
    });

    it('_include brings the child, and _revinclude on Patient the child’s conditions, marked as included', async () => {
      const withPatient = (await get(`Observation?patient=Patient/${childId}&_count=2&_include=Observation:patient`)).body;
      expect(ids(withPatient)).toHaveLength(2);
      expect(ids(withPatient, 'include')).toEqual([childId]);
      expect(structureIssues(withPatient)).toEqual([]);
      const withConditions = (await get(`Patient?_id=${childId}&_revinclude=Condition:patient&_revinclude=AllergyIntolerance:patient`)).body;
      expect(withConditions.entry!.map((e) => [e.resource!.resourceType, e.search!.mode])).toEqual([['Patient', 'match'], ['Condition', 'include'], ['AllergyIntolerance', 'include']]);
      const refused = await get(`Observation?patient=Patient/${childId}&_include=Observation:specimen`);
      expect(refused.status).toBe(400);
    });

    it('an unknown parameter is refused; under Prefer: handling=lenient it is ignored and the Bundle says so', async () => {
      const strict = await get(`Observation?patient=Patient/${childId}&colour=red`);
      expect(strict.status).toBe(400);
      expect(strict.body.issue[0]).toMatchObject({ severity: 'error', expression: ['colour'] });
      const lenient = await get(`Observation?patient=Patient/${childId}&colour=red`, { prefer: 'handling=lenient' });
      expect(lenient.status).toBe(200);
      expect(lenient.body.total).toBe(9);
      const outcome = lenient.body.entry!.find((e) => e.search?.mode === 'outcome')!.resource as OperationOutcome;
      expect(outcome.issue).toEqual([expect.objectContaining({ severity: 'warning', expression: ['colour'] })]);
      expect(lenient.body.link![0].url).not.toContain('colour');
    });

    it('every search is audited against the child in its own transaction; a client not related to the child is refused, audited', async () => {
      const n = async () => (await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${childId}::uuid AND action = 'record.read'`)).n;
      const before = await n();
      await get(`Observation?patient=Patient/${childId}&_include=Observation:patient`);
      expect(await n()).toBe(before + 1);
      const other = await t.one<{ ods_code: string }>(sql`SELECT o.ods_code FROM organisation o WHERE o.ics_id = ${t.j.ics.icsId}::uuid AND o.kind = 'gp-practice'
        AND NOT EXISTS (SELECT 1 FROM child c WHERE c.ics_id = o.ics_id AND c.id = ${childId}::uuid AND c.registered_practice_id = o.id) ORDER BY o.ods_code LIMIT 1`);
      const stranger = t.client(await t.token({ odsCode: other.ods_code }));
      expect((await refusal(stranger.search({ resourceType: 'Observation', searchParams: { patient: `Patient/${childId}` } }))).status).toBe(403);
      expect((await refusal(stranger.request(`Observation/${weights[0]}/_history`))).status).toBe(403);
      const refusals = await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${childId}::uuid AND action = 'child.access-refused'`);
      expect(refusals.n).toBeGreaterThanOrEqual(2);
    });
  });

  describe('vread and _history', () => {
    let id: string;
    beforeAll(async () => {
      id = weights[0];
      const current = (await fhir.read({ resourceType: 'Observation', id })) as unknown as Observation;
      await fhir.update({ resourceType: 'Observation', id, body: { ...current, valueQuantity: { value: 21.5, unit: 'kg' } } as never });
    });

    it('_history lists every kept version, newest first, each as it was', async () => {
      const history = (await fhir.history({ resourceType: 'Observation', id })) as unknown as Bundle;
      expect(history.type).toBe('history');
      expect(history.entry!.map((e) => [e.resource!.meta!.versionId, (e.resource as Observation).valueQuantity!.value, e.request!.method])).toEqual([['2', 21.5, 'PUT'], ['1', 21, 'POST']]);
      expect(structureIssues(history)).toEqual([]);
    });

    it('vread gives an earlier version with its ETag; a version never kept is 404 as FHIR', async () => {
      const first = await get(`Observation/${id}/_history/1`);
      expect(first.status).toBe(200);
      expect(first.headers.get('etag')).toBe('W/"1"');
      expect((first.body as Observation).valueQuantity!.value).toBe(21);
      const viaClient = (await fhir.vread({ resourceType: 'Observation', id, version: '2' })) as unknown as Observation;
      expect(viaClient.valueQuantity!.value).toBe(21.5);
      const missing = await get(`Observation/${id}/_history/9`);
      expect(missing.status).toBe(404);
      expect(missing.body.resourceType).toBe('OperationOutcome');
    });

    it('a sensitive entry has no history to serve, and a type without kept versions says so', async () => {
      await fhir.create({ resourceType: 'Condition', body: sensitiveCondition('sh', `Patient/${childId}`) as never });
      const hidden = await t.one<{ id: string }>(sql`SELECT id FROM record_entry WHERE source_id = 'sh-sensitive'`);
      expect((await get(`Condition/${hidden.id}/_history`)).status).toBe(404);
      expect((await get(`Condition/${hidden.id}/_history/1`)).status).toBe(404);
      const practitioner = (await t.one<{ id: string }>(sql`SELECT id FROM professional WHERE ics_id = ${t.j.ics.icsId}::uuid LIMIT 1`)).id;
      const unversioned = await get(`Practitioner/${practitioner}/_history`);
      expect(unversioned.status).toBe(404);
      expect(unversioned.body.issue[0].details!.text).toMatch(/keeps no earlier versions of Practitioner/);
    });
  });
});
