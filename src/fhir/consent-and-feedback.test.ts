import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, CapabilityStatement, Consent, QuestionnaireResponse } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { databaseKinds } from '../../test/database.js';
import { startFhirTest, type FhirTest } from './test-setup.js';
import { structureIssues } from './validation.js';

const kinds = await databaseKinds();

/** The family's consent to share and their feedback, read by a FHIR client under the same scopes as the rest. */
describe.each(kinds)('Consent and QuestionnaireResponse over FHIR on %s', (kind) => {
  let t: FhirTest;
  let child: { child_id: string; decisions: number };

  beforeAll(async () => {
    t = await startFhirTest(kind, 600);
    // A child whose family gave consent to share and later withdrew it.
    child = await t.one(sql`SELECT r.child_id, (SELECT count(*)::int FROM consent_record a WHERE a.child_id = r.child_id AND a.scope LIKE 'share-with-%') AS decisions
      FROM consent_record r WHERE r.ics_id = ${t.j.ics.icsId}::uuid AND r.decision = 'withdrawn' AND r.scope LIKE 'share-with-%' ORDER BY r.child_id LIMIT 1`);
  });
  afterAll(() => t?.close());

  it('serves every consent decision of a child as valid FHIR: given active, withdrawn inactive', async () => {
    const fhir = t.client(await t.tokenFor(await t.register({ scopes: 'system/*.rs', name: 'Consent reader' })));
    const found = (await fhir.search({ resourceType: 'Consent', searchParams: { patient: `Patient/${child.child_id}` } })) as unknown as Bundle;
    expect(found.total).toBe(child.decisions);
    const consents = found.entry!.map((e) => e.resource as Consent);
    for (const c of consents) expect(structureIssues(c)).toEqual([]);
    expect(consents.map((c) => c.status)).toEqual(expect.arrayContaining(['active', 'inactive']));
    const withdrawn = consents.find((c) => c.status === 'inactive')!;
    expect(withdrawn).toMatchObject({ patient: { reference: `Patient/${child.child_id}` }, provision: { type: 'deny' } });
    expect(((await fhir.read({ resourceType: 'Consent', id: withdrawn.id! })) as unknown as Consent).status).toBe('inactive');
    const cs = (await fhir.capabilityStatement()) as unknown as CapabilityStatement;
    const types = cs.rest![0].resource!.map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining(['Consent', 'QuestionnaireResponse']));
  });

  it('refuses a client without the scope, and never accepts a Consent written to it', async () => {
    const noScope = t.client(await t.token({ scopes: 'system/Patient.rs' }));
    await expect(noScope.search({ resourceType: 'Consent', searchParams: { patient: `Patient/${child.child_id}` } })).rejects.toMatchObject({ response: { status: 403 } });
    await expect(noScope.search({ resourceType: 'QuestionnaireResponse' })).rejects.toMatchObject({ response: { status: 403 } });
    const writer = t.client(await t.token({ scopes: 'system/*.cruds' }));
    const attempt = writer.create({ resourceType: 'Consent', body: { resourceType: 'Consent', status: 'active', scope: { text: 'x' }, category: [{ text: 'x' }], patient: { reference: `Patient/${child.child_id}` } } as never });
    // Consent is recorded with the family on the child's page, never written by a system.
    await expect(attempt).rejects.toMatchObject({ response: { status: 400 } });
    expect((await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM consent_record WHERE child_id = ${child.child_id}::uuid AND scope LIKE 'share-with-%'`)).n).toBe(child.decisions);
  });

  it('serves families’ answers as valid QuestionnaireResponses that name no child', async () => {
    const fhir = t.client(await t.token({ scopes: 'system/QuestionnaireResponse.rs' }));
    const found = (await fhir.search({ resourceType: 'QuestionnaireResponse', searchParams: { _count: '20' } })) as unknown as Bundle;
    const [{ n }] = await t.all<{ n: number }>(sql`SELECT count(*)::int AS n FROM feedback_response WHERE ics_id = ${t.j.ics.icsId}::uuid`);
    expect(n).toBeGreaterThan(100);
    expect(found.total).toBe(n);
    const answers = found.entry!.map((e) => e.resource as QuestionnaireResponse);
    expect(answers).toHaveLength(20);
    for (const a of answers) {
      expect(structureIssues(a)).toEqual([]);
      expect(a.subject).toBeUndefined();
      expect(JSON.stringify(a)).not.toContain('Patient/');
      expect(a.item!.find((i) => i.linkId === 'fft')!.text).toBe('Overall, how was your experience of our service?');
    }
    expect(((await fhir.read({ resourceType: 'QuestionnaireResponse', id: answers[0].id! })) as unknown as QuestionnaireResponse).id).toBe(answers[0].id);
  });
});
