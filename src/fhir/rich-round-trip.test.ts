import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { Client } from 'fhir-kit-client';
import { sql } from 'drizzle-orm';
import { NHS_NUMBER_SYSTEM } from './codes.js';
import { refusal, startFhirTest, type FhirTest } from './test-setup.js';
import { freshNhsNumber, odsCodeOf } from './test-fixtures.js';
import { richRecord } from './rich-fixtures.js';
import { notGivenBack } from './given-back.js';
import { structureIssues } from './validation.js';

type Json = Record<string, unknown>;

/**
 * The rich round trip: a resource of every type Joinery accepts, each with
 * the elements its UK Core profile uses, sent in one transaction. Every
 * element sent comes back when read, or the answer for its entry warned,
 * naming it, that it was not kept. Nothing is dropped without a word.
 */
describe('a rich resource of every type Joinery accepts comes back whole, or what is not kept is named', () => {
  let t: FhirTest;
  let fhir: Client;
  let sent: Bundle;
  let response: Bundle;

  beforeAll(async () => {
    t = await startFhirTest('pglite');
    fhir = t.client(await t.token());
    sent = richRecord({
      tag: 'rich1', nhsNumber: await freshNhsNumber(t), practiceOds: await odsCodeOf(t, 'gp-practice'), localAuthorityOds: await odsCodeOf(t, 'childrens-social-care'), schoolUrn: '139999',
    });
    response = (await fhir.transaction({ body: sent as never })) as unknown as Bundle;
  }, 300_000);
  afterAll(() => t?.close());

  it('takes the whole record in one transaction', () => {
    expect(response.entry!.map((e) => e.response!.status)).toEqual(sent.entry!.map(() => '201 Created'));
  });

  it.each([
    'Organization', 'Patient', 'RelatedPerson', 'Flag', 'Encounter', 'Condition', 'AllergyIntolerance', 'MedicationRequest', 'MedicationStatement', 'Immunization',
    'Procedure', 'Observation',
  ])('%s: every element sent comes back, or its entry’s answer names it as not kept', async (type) => {
    const n = sent.entry!.findIndex((e) => e.resource!.resourceType === type);
    const answer = response.entry![n].response!;
    const [, id] = answer.location!.split('/');
    const back = (await fhir.read({ resourceType: type, id })) as unknown as Resource;
    expect(structureIssues(back)).toEqual([]);
    // A Bundle's answer names an element under its entry (Bundle.entry[3].resource.telecom): read as the type's own path.
    const warned = (answer.outcome?.issue ?? []).filter((i) => i.severity === 'warning').flatMap((i) => i.expression ?? [])
      .map((path) => path.replace(/^Bundle\.entry\[\d+\]\.resource/, type));
    expect(notGivenBack(sent.entry![n].resource as unknown as Json, back as unknown as Json, warned)).toEqual([]);
  });

  it('an inactive patient or carer is refused 422 naming active, and nothing is written', async () => {
    const count = async () => (await t.one<{ n: number }>(sql`SELECT (SELECT count(*) FROM child) + (SELECT count(*) FROM related_person) AS n`)).n;
    const before = await count();
    const patientId = response.entry![sent.entry!.findIndex((e) => e.resource!.resourceType === 'Patient')].response!.location!.split('/')[1];
    const inactive = [
      { resourceType: 'Patient', identifier: [{ system: NHS_NUMBER_SYSTEM, value: await freshNhsNumber(t, 1) }], active: false, name: [{ family: 'Closed', given: ['Record'] }], birthDate: '2015-01-01' },
      { resourceType: 'RelatedPerson', active: false, patient: { reference: `Patient/${patientId}` }, relationship: [{ text: 'father' }], name: [{ family: 'Richards', given: ['Sam'] }] },
    ];
    for (const resource of inactive) {
      const { status, outcome } = await refusal(fhir.create({ resourceType: resource.resourceType, body: resource as never }));
      expect(status).toBe(422);
      expect(outcome.issue[0].expression).toEqual([`${resource.resourceType}.active`]);
    }
    expect(await count()).toBe(before);
  });
});
