import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, CapabilityStatement, CarePlan, CareTeam } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { startFhirTest, refusal, type FhirTest } from './test-setup.js';
import { structureIssues } from './validation.js';

/**
 * CarePlan?care-team, as a client finds a plan from the care team it already
 * holds: a plan names the child's own care team (whose id is the child's),
 * so the search finds that child's plan through the same door as patient=.
 */
describe('CarePlan search by care team', { timeout: 600_000 }, () => {
  let t: FhirTest;
  let plan: { id: string; child_id: string };

  beforeAll(async () => {
    t = await startFhirTest('pglite', 300);
    plan = await t.one(sql`SELECT id, child_id FROM care_plan WHERE ics_id = ${t.j.ics.icsId}::uuid ORDER BY id LIMIT 1`);
  });
  afterAll(() => t?.close());

  const bundle = (b: unknown) => b as Bundle;

  it('finds the child’s plan from the care team the plan names, and that team is the child’s', async () => {
    const fhir = t.client(await t.token({ scopes: 'system/*.rs' }));
    const found = bundle(await fhir.search({ resourceType: 'CarePlan', searchParams: { 'care-team': `CareTeam/${plan.child_id}` } }));
    expect(found.entry!.map((e) => e.resource!.id)).toEqual([plan.id]);
    const cp = found.entry![0].resource as CarePlan;
    expect(cp.careTeam).toEqual([{ reference: `CareTeam/${plan.child_id}`, display: 'Care team' }]);
    expect(structureIssues(cp)).toEqual([]);
    const team = (await fhir.read({ resourceType: 'CareTeam', id: plan.child_id })) as unknown as CareTeam;
    expect(team.subject!.reference).toBe(`Patient/${plan.child_id}`);
    // With the same child as patient too, the same plan; with another child, none.
    const both = bundle(await fhir.search({ resourceType: 'CarePlan', searchParams: { 'care-team': `CareTeam/${plan.child_id}`, patient: `Patient/${plan.child_id}` } }));
    expect(both.entry!.map((e) => e.resource!.id)).toEqual([plan.id]);
    const [other] = await t.all<{ id: string }>(sql`SELECT id FROM child WHERE ics_id = ${t.j.ics.icsId}::uuid AND id <> ${plan.child_id}::uuid ORDER BY id LIMIT 1`);
    const mixed = bundle(await fhir.search({ resourceType: 'CarePlan', searchParams: { 'care-team': `CareTeam/${plan.child_id}`, patient: `Patient/${other.id}` } }));
    expect(mixed.total).toBe(0);
  });

  it('an MDT case’s team names no plan, a malformed care-team is a 400, and a client with no relationship to the child is refused', async () => {
    const fhir = t.client(await t.token({ scopes: 'system/*.rs' }));
    const [mdt] = await t.all<{ id: string }>(sql`SELECT id FROM mdt_case WHERE ics_id = ${t.j.ics.icsId}::uuid ORDER BY id LIMIT 1`);
    expect(bundle(await fhir.search({ resourceType: 'CarePlan', searchParams: { 'care-team': `CareTeam/${mdt.id}` } })).total).toBe(0);
    const bad = await refusal(fhir.search({ resourceType: 'CarePlan', searchParams: { 'care-team': 'Patient/x' } }));
    expect(bad.status).toBe(400);
    expect(bad.outcome.issue[0].details!.text).toBe('care-team must be CareTeam/<id>.');
    const [stranger] = await t.all<{ ods_code: string }>(sql`SELECT o.ods_code FROM organisation o WHERE o.ics_id = ${t.j.ics.icsId}::uuid AND o.kind = 'gp-practice'
      AND NOT EXISTS (SELECT 1 FROM child c WHERE c.id = ${plan.child_id}::uuid AND c.registered_practice_id = o.id) ORDER BY o.ods_code LIMIT 1`);
    const other = t.client(await t.token({ scopes: 'system/*.rs', odsCode: stranger.ods_code }));
    expect((await refusal(other.search({ resourceType: 'CarePlan', searchParams: { 'care-team': `CareTeam/${plan.child_id}` } }))).status).toBe(403);
  });

  it('the CapabilityStatement lists care-team for CarePlan, and not Patient’s organization, which Joinery cannot search', async () => {
    const fhir = t.client(await t.token({ scopes: 'system/*.rs' }));
    const cs = (await fhir.capabilityStatement()) as unknown as CapabilityStatement;
    const params = (type: string) => cs.rest![0].resource!.find((r) => r.type === type)!.searchParam!.map((p) => p.name);
    expect(params('CarePlan')).toContain('care-team');
    expect(params('Patient')).not.toContain('organization');
    // Patient.managingOrganization is not served, so a search by it is refused as unknown rather than answered wrongly.
    const refused = await refusal(fhir.search({ resourceType: 'Patient', searchParams: { organization: 'Organization/x' } }));
    expect(refused.status).toBe(400);
    expect(refused.outcome.issue[0].details!.text).toMatch(/cannot be searched by/);
  });
});
