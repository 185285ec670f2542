import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, RelatedPerson } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { startFhirTest, type FhirTest } from './test-setup.js';
import { structureIssues } from './validation.js';
import { PROXY_ACCESS_URL } from './codes.js';

/**
 * The proxy relationship on FHIR RelatedPerson (issue 16): a system client
 * that may read the child's carers sees each carer's proxy access (status,
 * evidence checked, what it covers, end), read only, and never the reasons a
 * professional gave or a refusal.
 */
describe('RelatedPerson shows the proxy relationship over FHIR', () => {
  let t: FhirTest;
  let grant: { child_id: string; related_person_id: string; status: string; basis: string; may_see: string[] };

  const proxyOf = (p: RelatedPerson) => p.extension?.find((e) => e.url === PROXY_ACCESS_URL);

  beforeAll(async () => {
    t = await startFhirTest('pglite', 600);
    grant = await t.one(sql`SELECT g.child_id, g.related_person_id, g.status, g.basis, g.may_see FROM family_access_grant g
      WHERE g.ics_id = ${t.j.ics.icsId}::uuid AND g.kind = 'proxy' AND g.status = 'active' ORDER BY g.granted_at LIMIT 1`);
    // A reason in the grant's history, which FHIR must never carry.
    await t.j.db.owner.execute(sql`UPDATE family_access_grant SET status_reason = 'Confidential reason: court hearing on Friday' WHERE child_id = ${grant.child_id}::uuid
      AND related_person_id = ${grant.related_person_id}::uuid AND status = 'active'`);
  });
  afterAll(() => t?.close());

  it('serves each carer with their proxy access as valid FHIR, and a carer without one with none', async () => {
    const fhir = t.client(await t.token({ scopes: 'system/*.rs' }));
    const found = (await fhir.search({ resourceType: 'RelatedPerson', searchParams: { patient: `Patient/${grant.child_id}` } })) as unknown as Bundle;
    const people = found.entry!.map((e) => e.resource as RelatedPerson);
    for (const p of people) expect(structureIssues(p)).toEqual([]);
    const proxy = people.find((p) => p.id!.endsWith(grant.related_person_id.replace(/-/g, '')))!;
    const ext = proxyOf(proxy)!.extension!;
    expect(ext.find((e) => e.url === 'status')?.valueCode).toBe('active');
    expect(ext.find((e) => e.url === 'basis')?.valueCoding?.code).toBe(grant.basis);
    expect(ext.filter((e) => e.url === 'maySee').map((e) => e.valueCode).sort()).toEqual([...grant.may_see].sort());
    const [{ n }] = await t.all<{ n: number }>(sql`SELECT count(*)::int AS n FROM family_access_grant WHERE child_id = ${grant.child_id}::uuid AND kind = 'proxy'`);
    expect(people.filter((p) => proxyOf(p)).length).toBe(Math.min(n, people.length));
    expect(JSON.stringify(found)).not.toContain('court hearing');
    // The same on a read by id.
    const read = (await fhir.read({ resourceType: 'RelatedPerson', id: proxy.id! })) as unknown as RelatedPerson;
    expect(proxyOf(read)).toEqual(proxyOf(proxy));
  });

  it('refuses a client without the scope, and an import never changes proxy access', async () => {
    const noScope = t.client(await t.token({ scopes: 'system/Patient.rs' }));
    await expect(noScope.search({ resourceType: 'RelatedPerson', searchParams: { patient: `Patient/${grant.child_id}` } })).rejects.toMatchObject({ response: { status: 403 } });
    const fhir = t.client(await t.token({ scopes: 'system/*.cruds' }));
    const found = (await fhir.search({ resourceType: 'RelatedPerson', searchParams: { patient: `Patient/${grant.child_id}` } })) as unknown as Bundle;
    const proxy = found.entry!.map((e) => e.resource as RelatedPerson).find((p) => proxyOf(p))!;
    const ended = { ...proxy, extension: [...proxy.extension!.filter((e) => e.url !== PROXY_ACCESS_URL), { url: PROXY_ACCESS_URL, extension: [{ url: 'status', valueCode: 'ended' }] }] };
    await fhir.update({ resourceType: 'RelatedPerson', id: proxy.id!, body: ended as never });
    const [still] = await t.all<{ status: string }>(sql`SELECT status FROM family_access_grant WHERE child_id = ${grant.child_id}::uuid
      AND related_person_id = ${grant.related_person_id}::uuid ORDER BY (status <> 'ended') DESC, granted_at DESC LIMIT 1`);
    expect(still.status).toBe('active');
  });
});
