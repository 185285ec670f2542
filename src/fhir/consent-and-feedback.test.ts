import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, CapabilityStatement, Consent, QuestionnaireResponse } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { databaseKinds } from '../../test/database.js';
import { startFhirTest, type FhirTest } from './test-setup.js';
import { structureIssues } from './validation.js';
import { actorFor } from '../../test/actors.js';
import { openChild } from '../platform/access/door.js';
import { policy } from '../platform/access/policy.js';
import { answerFeedback, offerFeedbackAtChildsHub } from '../feedback/service.js';
import { londonToday } from '../platform/time/form-dates.js';

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

  it('an anonymous answer carries nothing a system client could join to the child or family: no subject, author, source, shared identifier or time of day', async () => {
    // A child of a practice in a hub, their GP, and the adults the record names for them.
    const child = await t.one<{ id: string; nhs_number: string; given_name: string; family_name: string; email: string }>(sql`SELECT c.id, c.nhs_number, c.given_name, c.family_name, p.email
      FROM child c JOIN professional p ON p.ics_id = c.ics_id AND p.organisation_id = c.registered_practice_id AND p.role = 'gp'
      WHERE c.ics_id = ${t.j.ics.icsId}::uuid AND EXISTS (SELECT 1 FROM cluster_practice cp WHERE cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id)
        AND EXISTS (SELECT 1 FROM child_related_person r WHERE r.ics_id = c.ics_id AND r.child_id = c.id)
      ORDER BY c.id, p.email LIMIT 1`);
    const adults = await t.all<{ id: string; given_name: string; family_name: string; nhs_number: string | null }>(sql`SELECT rp.id, rp.given_name, rp.family_name, rp.nhs_number
      FROM child_related_person r JOIN related_person rp ON rp.ics_id = r.ics_id AND rp.id = r.related_person_id WHERE r.child_id = ${child.id}::uuid`);
    // After a hub clinic the GP's letter carries a feedback link; the family answers it anonymously, in their own words.
    const gp = await actorFor(t.j.db, child.email);
    const clinicVisit = crypto.randomUUID();
    const token = await t.j.db.tenant(t.j.ics.icsId, async (tx) => offerFeedbackAtChildsHub(tx,
      await openChild(tx, gp, child.id, { rule: policy.viewChildSummary, refused: 'feedback offer' }),
      { serviceKind: 'hub-clinic', sourceId: clinicVisit, eventDate: londonToday() }));
    const words = `The waiting room was too hot ${crypto.randomUUID().slice(0, 8)}`;
    expect((await answerFeedback(t.j.db, token!, { answer: 'poor', comments: words, anonymous: 'yes' })).state).toBe('open');
    const link = await t.one<{ id: string }>(sql`SELECT id FROM feedback_link WHERE source_id = ${clinicVisit}::uuid`);

    const stored = await t.one<{ id: string; link_id: string | null }>(sql`SELECT id, link_id FROM feedback_response WHERE free_text = ${words}`);
    expect(stored.link_id).toBeNull();

    const fhir = t.client(await t.token({ scopes: 'system/QuestionnaireResponse.rs' }));
    const answer = (await fhir.read({ resourceType: 'QuestionnaireResponse', id: stored.id })) as unknown as QuestionnaireResponse;
    expect(structureIssues(answer)).toEqual([]);
    // Only the questionnaire's own fields: nothing points at a Patient, RelatedPerson, Encounter or request.
    expect(Object.keys(answer).sort()).toEqual(['authored', 'id', 'item', 'meta', 'questionnaire', 'resourceType', 'status']);
    expect(Object.keys(answer.meta!)).toEqual(['profile']);
    expect(answer.item!.map((i) => i.linkId)).toEqual(['service', 'hub', 'event-date', 'fft', 'why', 'anonymous']);
    expect(answer.item!.find((i) => i.linkId === 'why')!.answer).toEqual([{ valueString: words }]);
    expect(answer.item!.find((i) => i.linkId === 'anonymous')!.answer).toEqual([{ valueBoolean: true }]);
    // When it was given is the day only: an exact time could be matched with the family's sign-in or the audit trail.
    expect(answer.authored).toBe(londonToday());
    // Its id is its own; neither the child, the family nor the link and clinic visit it came from appear anywhere in it.
    const served = JSON.stringify(answer);
    const joinable = [child.id, child.nhs_number, `${child.given_name} ${child.family_name}`, link.id, clinicVisit,
      ...adults.flatMap((a) => [a.id, `${a.given_name} ${a.family_name}`, ...(a.nhs_number ? [a.nhs_number] : [])])];
    expect(joinable.filter((x) => served.includes(x))).toEqual([]);
  });
});
