import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, BundleEntry, CapabilityStatement, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { fhirCall, startFhirTest, type FhirTest } from './test-setup.js';
import { freshNhsNumber, odsCodeOf, recordBundle } from './test-fixtures.js';

/**
 * Type-level and system `_history` (GET [base]/Type/_history, GET [base]/_history):
 * the versions of every versioned type, newest first, `_since`, `_count`,
 * paged by key to the last version; each version read through its child's
 * door and audited, so a client sees the history only of children it may read.
 */

describe('type-level and system _history', () => {
  let t: FhirTest;
  let engine: string;
  let childId: string;
  let conditionId: string;
  let practiceOds: string;
  let changedFrom: string;

  const call = (path: string, as = engine, opts: { method?: string; body?: unknown } = {}) => fhirCall(t, as, opts.method ?? 'GET', path, opts);
  const bundle = async (path: string, as = engine) => {
    const res = await call(path, as);
    expect(res.status, `${path}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
    return res.body as unknown as Bundle;
  };
  /** Every page from the first, following next links: the entries and each page's size. */
  const allPages = async (path: string, as = engine) => {
    const entries: BundleEntry[] = [];
    const sizes: number[] = [];
    let page = await bundle(path, as);
    for (;;) {
      entries.push(...(page.entry ?? []));
      sizes.push(page.entry?.length ?? 0);
      const next = page.link?.find((l) => l.relation === 'next')?.url;
      if (!next) break;
      page = await bundle(next, as);
    }
    return { entries, sizes };
  };
  const keyOf = (e: BundleEntry) => `${e.resource!.resourceType}/${e.resource!.id}/_history/${e.resource!.meta!.versionId}`;
  const newestFirst = (entries: BundleEntry[]) => entries.every((e, i) => i === 0 || Date.parse(entries[i - 1].response!.lastModified!) >= Date.parse(e.response!.lastModified!));
  /** The child a version belongs to: the Patient itself, or the one it refers to. */
  const childOf = (r: Resource) => {
    if (r.resourceType === 'Patient') return r.id;
    const ref = (r as { patient?: { reference?: string }; subject?: { reference?: string } });
    return /^Patient\/(.+)$/.exec(ref.patient?.reference ?? ref.subject?.reference ?? '')?.[1];
  };

  beforeAll(async () => {
    t = await startFhirTest('pglite', 40);
    engine = await t.token();
    practiceOds = await odsCodeOf(t, 'gp-practice');
    const res = await call('', engine, { method: 'POST', body: recordBundle({ tag: 'histfeed', nhsNumber: await freshNhsNumber(t), practiceOds, localAuthorityOds: await odsCodeOf(t, 'childrens-social-care') }) });
    expect(res.status).toBe(200);
    const locations = (res.body as unknown as Bundle).entry!.map((e) => e.response!.location!.split('/'));
    childId = locations.find(([type]) => type === 'Patient')![1];
    conditionId = locations.find(([type]) => type === 'Condition')![1];
    await new Promise((r) => setTimeout(r, 20));
    changedFrom = new Date().toISOString();
    // A second version of the child and of its condition.
    for (const [path, change] of [[`Patient/${childId}`, { name: [{ use: 'official', family: 'Okafor-Hale', given: ['Ada'] }] }], [`Condition/${conditionId}`, { onsetDateTime: '2019-04-03' }]] as const) {
      const { meta: _meta, ...current } = (await call(path)).body!;
      const put = await call(path, engine, { method: 'PUT', body: { ...current, ...change } });
      expect(put.status, path).toBe(200);
    }
  });
  afterAll(() => t?.close());

  it('Type/_history gives every version of the type, newest first, each as a history entry; _since keeps what was written since', async () => {
    const all = await allPages('Patient/_history?_count=100');
    expect(newestFirst(all.entries)).toBe(true);
    expect(all.entries.every((e) => e.resource!.resourceType === 'Patient')).toBe(true);
    const ours = all.entries.filter((e) => e.resource!.id === childId);
    expect(ours.map((e) => [e.resource!.meta!.versionId, e.request, e.response!.status, (e.resource as { name: { family: string }[] }).name[0].family])).toEqual([
      ['2', { method: 'PUT', url: `Patient/${childId}` }, '200 OK', 'Okafor-Hale'],
      ['1', { method: 'POST', url: 'Patient' }, '201 Created', 'Okafor'],
    ]);
    const since = await bundle(`Patient/_history?_since=${changedFrom}`);
    expect(since.type).toBe('history');
    expect(since.entry!.map(keyOf)).toEqual([`Patient/${childId}/_history/2`]);
    const system = await bundle(`_history?_since=${changedFrom}`);
    expect(system.entry!.map(keyOf)).toEqual([`Condition/${conditionId}/_history/2`, `Patient/${childId}/_history/2`]);
  });

  it('paging by _count never stops early: following next links gives every version once, every page full but the last', async () => {
    const expected = await t.one<{ n: number }>(sql`SELECT (SELECT count(*) FROM child WHERE ics_id = ${t.j.ics.icsId}::uuid)::int
      + (SELECT count(*) FROM row_version WHERE ics_id = ${t.j.ics.icsId}::uuid AND table_name = 'child')::int AS n`);
    const paged = await allPages('Patient/_history?_count=7');
    expect(paged.entries).toHaveLength(expected.n);
    expect(new Set(paged.entries.map(keyOf)).size).toBe(expected.n);
    expect(paged.sizes.slice(0, -1).every((n) => n === 7)).toBe(true);
    expect(newestFirst(paged.entries)).toBe(true);
    const system = await allPages('_history?_count=50');
    expect(new Set(system.entries.map((e) => e.resource!.resourceType))).toEqual(new Set(['Organization', 'Patient', 'RelatedPerson', 'Flag', 'Encounter', 'Condition', 'AllergyIntolerance', 'MedicationRequest', 'MedicationStatement', 'Immunization', 'Procedure', 'Observation']));
    expect(new Set(system.entries.map(keyOf)).size).toBe(system.entries.length);
    expect(newestFirst(system.entries)).toBe(true);
  });

  it('a client related to only some children gets the versions of exactly the children it may read, each audited in the same request', async () => {
    const registered = await t.register({ odsCode: practiceOds });
    const partial = await t.tokenFor(registered);
    const everyChild = new Set((await allPages('Patient/_history?_count=100')).entries.map((e) => e.resource!.id!));
    const seen = new Set((await allPages('Patient/_history?_count=100', partial)).entries.map((e) => e.resource!.id!));
    expect(seen.has(childId)).toBe(true);
    expect(seen.size).toBeLessThan(everyChild.size);
    for (const id of everyChild) {
      const read = await call(`Patient/${id}`, partial);
      expect(read.status, `Patient/${id}`).toBe(seen.has(id) ? 200 : 403);
    }
    // The system history: every child-bound version is of a child it may read, and each such child's read is audited for this client.
    const fresh = await t.register({ odsCode: practiceOds });
    const audited = await t.tokenFor(fresh);
    const system = await allPages('_history?_count=100', audited);
    const children = new Set(system.entries.map((e) => childOf(e.resource!)).filter((id): id is string => !!id));
    expect([...children].every((id) => seen.has(id))).toBe(true);
    expect(children.has(childId)).toBe(true);
    const auditedChildren = await t.all<{ child_id: string }>(sql`SELECT DISTINCT child_id FROM audit_event
      WHERE ics_id = ${t.j.ics.icsId}::uuid AND professional_id = ${fresh.clientId}::uuid AND child_id IS NOT NULL`);
    expect(new Set(auditedChildren.map((a) => a.child_id))).toEqual(children);
  });

  it('scopes narrow it: a Patient-only client’s system history has only Patient versions, and Condition/_history is 403', async () => {
    const patientsOnly = await t.token({ scopes: 'system/Patient.rs' });
    const system = await bundle('_history?_count=100', patientsOnly);
    expect(new Set(system.entry!.map((e) => e.resource!.resourceType))).toEqual(new Set(['Patient']));
    const refused = await call('Condition/_history', patientsOnly);
    expect(refused.status).toBe(403);
    expect((refused.body as unknown as OperationOutcome).issue[0]).toMatchObject({ severity: 'error', code: 'forbidden' });
  });

  it('listing versions across resources is a search in SMART’s scopes: a client that may read Conditions but not search them reads one Condition’s history, not the type’s or the system’s', async () => {
    const readOnly = await t.token({ scopes: 'system/Condition.r' });
    expect((await call(`Condition/${conditionId}/_history`, readOnly)).status).toBe(200);
    for (const path of ['Condition/_history', '_history']) {
      const refused = await call(path, readOnly);
      expect(refused.status, path).toBe(403);
      expect((refused.body as unknown as OperationOutcome).issue[0], path).toMatchObject({ severity: 'error', code: 'forbidden' });
    }
  });

  it('an entry now entered in error is in no type’s or system history, as search, $everything and export leave it out', async () => {
    const listed = async () => (await allPages('_history?_count=100')).entries.filter((e) => e.resource!.id === conditionId);
    expect((await listed()).length).toBe(2);
    // Withdrawn as a client would: entered in error, with no clinical status (FHIR's con-5).
    const { meta: _meta, clinicalStatus: _clinical, ...current } = (await call(`Condition/${conditionId}`)).body! as Record<string, unknown>;
    const put = await call(`Condition/${conditionId}`, engine, { method: 'PUT', body: { ...current, verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'entered-in-error' }] } } });
    expect(put.status, JSON.stringify(put.body).slice(0, 400)).toBe(200);
    expect(await t.one(sql`SELECT status FROM record_entry WHERE id = ${conditionId}::uuid`)).toEqual({ status: 'entered-in-error' });
    expect(await listed()).toEqual([]);
    expect((await allPages('Condition/_history?_count=100')).entries.filter((e) => e.resource!.id === conditionId)).toEqual([]);
  });

  it('bad parameters are 400 naming the parameter; a type without versions is 404', async () => {
    for (const [query, expression] of [['_count=0', '_count'], ['_count=101', '_count'], ['_since=yesterday', '_since'], ['_cursor=bm9uc2Vuc2U', '_cursor'], ['_sort=date', '_sort']]) {
      const res = await call(`Condition/_history?${query}`);
      expect(res.status, query).toBe(400);
      expect((res.body as unknown as OperationOutcome).issue[0].expression, query).toEqual([expression]);
    }
    const unversioned = await call('CarePlan/_history');
    expect(unversioned.status).toBe(404);
    expect((unversioned.body as unknown as OperationOutcome).issue[0]).toMatchObject({ severity: 'error', code: 'not-supported' });
  });

  it('the CapabilityStatement lists history-type for exactly the types whose Type/_history answers, and history-system', async () => {
    const cs = (await call('metadata')).body as unknown as CapabilityStatement;
    expect(cs.rest![0].interaction!.map((i) => i.code)).toContain('history-system');
    for (const r of cs.rest![0].resource!) {
      const claimed = r.interaction!.some((i) => i.code === 'history-type');
      const res = await call(`${r.type}/_history?_count=1`);
      expect(res.status, r.type).toBe(claimed ? 200 : 404);
    }
  });
});
