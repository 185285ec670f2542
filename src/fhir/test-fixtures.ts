import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { testNhsNumbers } from '../platform/identity/nhs-number.js';
import {
  ACT_CODE, ACT_PRIORITY, ALLERGY_CLINICAL, CONDITION_CLINICAL, CONTACT_TYPE_SYSTEM, DMD, ETHNIC_CATEGORY_SYSTEM, ETHNIC_CATEGORY_URL,
  FLAG_KIND_SYSTEM, MEDICATION_REQUEST_COURSE, NHS_NUMBER_SYSTEM, ODS_SYSTEM, PARENTAL_RESPONSIBILITY_URL, ROLE_CODE, SENSITIVE_SYSTEM, SNOMED,
} from './codes.js';
import type { FhirTest } from './test-setup.js';

const SENDER = 'https://gp-system.example/Id/record';

/** A valid test-range NHS number that no child in the database has. */
export async function freshNhsNumber(t: FhirTest, skip = 0): Promise<string> {
  const used = new Set((await t.all<{ n: string }>(sql`SELECT nhs_number AS n FROM child WHERE nhs_number IS NOT NULL`)).map((r) => r.n));
  let skipped = 0;
  for (const n of testNhsNumbers(950_000)) {
    if (used.has(n)) continue;
    if (skipped++ < skip) continue;
    return n;
  }
  throw new Error('no free NHS number');
}

export async function odsCodeOf(t: FhirTest, kind: string): Promise<string> {
  return (await t.one<{ ods_code: string }>(sql`SELECT ods_code FROM organisation WHERE ics_id = ${t.j.ics.icsId}::uuid AND kind = ${kind} ORDER BY ods_code LIMIT 1`)).ods_code;
}

const post = (fullUrl: string, resource: Resource): BundleEntry => ({ fullUrl, resource, request: { method: 'POST', url: resource.resourceType } });
const id = (tag: string, what: string) => [{ system: SENDER, value: `${tag}-${what}` }];

/**
 * A child's record as a GP system would send it: one resource of every type
 * Joinery accepts, linked by urn:uuid fullUrls. `tag` keeps identifiers apart.
 */
export function recordBundle(o: { tag: string; nhsNumber: string; practiceOds: string; localAuthorityOds: string; type?: 'transaction' | 'batch' }): Bundle {
  const patient = `urn:uuid:00000000-0000-4000-8000-${o.tag.padStart(12, '0').slice(-12)}`;
  const subject = { reference: patient };
  return {
    resourceType: 'Bundle',
    type: o.type ?? 'transaction',
    entry: [
      post(patient, {
        resourceType: 'Patient',
        identifier: [{ system: NHS_NUMBER_SYSTEM, value: o.nhsNumber }],
        extension: [{ url: ETHNIC_CATEGORY_URL, valueCodeableConcept: { coding: [{ system: ETHNIC_CATEGORY_SYSTEM, code: 'H' }] } }],
        name: [{ use: 'official', family: 'Okafor', given: ['Ada'] }],
        gender: 'female',
        birthDate: '2015-06-14',
        address: [{ postalCode: 'LS6 2AB' }],
        generalPractitioner: [{ reference: `Organization?identifier=${ODS_SYSTEM}|${o.practiceOds}` }],
      }),
      post(`urn:uuid:${o.tag}-rp`, {
        resourceType: 'RelatedPerson',
        identifier: id(o.tag, 'mother'),
        extension: [{ url: PARENTAL_RESPONSIBILITY_URL, valueBoolean: true }],
        patient: subject,
        relationship: [{ coding: [{ system: ROLE_CODE, code: 'MTH', display: 'mother' }], text: 'mother' }],
        name: [{ family: 'Okafor', given: ['Grace'] }],
        telecom: [{ system: 'phone', value: '07700 900123' }, { system: 'email', value: 'grace.okafor@example.com' }],
        address: [{ text: '12 Cardigan Road, Leeds' }],
      }),
      post(`urn:uuid:${o.tag}-flag`, {
        resourceType: 'Flag',
        identifier: id(o.tag, 'flag'),
        status: 'active',
        code: { coding: [{ system: FLAG_KIND_SYSTEM, code: 'child-protection-plan' }] },
        subject,
        period: { start: '2026-03-01' },
        author: { reference: `Organization?identifier=${ODS_SYSTEM}|${o.localAuthorityOds}` },
      }),
      post(`urn:uuid:${o.tag}-enc`, {
        resourceType: 'Encounter',
        identifier: id(o.tag, 'ed'),
        status: 'finished',
        class: { system: ACT_CODE, code: 'EMER' },
        type: [{ coding: [{ system: CONTACT_TYPE_SYSTEM, code: 'ed' }] }],
        priority: { coding: [{ system: ACT_PRIORITY, code: 'EM' }] },
        subject,
        period: { start: '2026-10-02T21:15:00Z', end: '2026-10-03T01:40:00Z' },
        reasonCode: [{ coding: [{ system: SNOMED, code: '195967001', display: 'Asthma' }], text: 'Asthma' }],
      }),
      post(`urn:uuid:${o.tag}-cond`, {
        resourceType: 'Condition',
        identifier: id(o.tag, 'asthma'),
        clinicalStatus: { coding: [{ system: CONDITION_CLINICAL, code: 'active' }] },
        code: { coding: [{ system: SNOMED, code: '195967001', display: 'Asthma' }] },
        subject,
        onsetDateTime: '2019-04-02',
      }),
      post(`urn:uuid:${o.tag}-allergy`, {
        resourceType: 'AllergyIntolerance',
        identifier: id(o.tag, 'peanut'),
        clinicalStatus: { coding: [{ system: ALLERGY_CLINICAL, code: 'active' }] },
        category: ['food'],
        code: { coding: [{ system: SNOMED, code: '91935009', display: 'Allergy to peanut' }] },
        patient: subject,
        onsetDateTime: '2017-08-20',
        reaction: [{ manifestation: [{ text: 'Anaphylaxis' }], severity: 'severe' }],
      }),
      post(`urn:uuid:${o.tag}-medreq`, {
        resourceType: 'MedicationRequest',
        identifier: id(o.tag, 'salbutamol'),
        status: 'active',
        intent: 'order',
        courseOfTherapyType: { coding: [{ system: MEDICATION_REQUEST_COURSE, code: 'continuous' }] },
        medicationCodeableConcept: { coding: [{ system: DMD, code: '39113611000001102', display: 'Salbutamol 100micrograms/dose inhaler' }] },
        subject,
        authoredOn: '2024-01-10',
        reasonCode: [{ text: 'Asthma' }],
        dosageInstruction: [{ text: 'Two puffs when needed' }],
        dispenseRequest: { validityPeriod: { start: '2024-01-10' } },
      }),
      post(`urn:uuid:${o.tag}-medstat`, {
        resourceType: 'MedicationStatement',
        identifier: id(o.tag, 'amoxicillin'),
        status: 'completed',
        medicationCodeableConcept: { coding: [{ system: DMD, code: '39732411000001106', display: 'Amoxicillin 250mg/5ml oral suspension' }] },
        subject,
        effectivePeriod: { start: '2026-02-01', end: '2026-02-07' },
        dosage: [{ text: '5ml three times a day' }],
        reasonCode: [{ text: 'Otitis media' }],
      }),
      post(`urn:uuid:${o.tag}-imm`, {
        resourceType: 'Immunization',
        identifier: id(o.tag, 'mmr1'),
        status: 'completed',
        vaccineCode: { coding: [{ system: SNOMED, code: '38598009', display: 'Measles-mumps-rubella vaccination' }] },
        patient: subject,
        occurrenceDateTime: '2016-06-20',
        protocolApplied: [{ doseNumberPositiveInt: 1 }],
      }),
      post(`urn:uuid:${o.tag}-proc`, {
        resourceType: 'Procedure',
        identifier: id(o.tag, 'grommets'),
        status: 'completed',
        code: { coding: [{ system: SNOMED, code: '172651008', display: 'Insertion of grommet' }] },
        subject,
        performedDateTime: '2021-09-14',
        outcome: { text: 'Hearing improved' },
      }),
      post(`urn:uuid:${o.tag}-obs`, {
        resourceType: 'Observation',
        identifier: id(o.tag, 'weight'),
        status: 'final',
        code: { coding: [{ system: SNOMED, code: '27113001', display: 'Body weight' }] },
        subject,
        effectiveDateTime: '2026-09-01',
        valueQuantity: { value: 31.4, unit: 'kg' },
      }),
    ],
  };
}

/** A sensitive problem (sexual health) for the child a bundle entry or id names. */
export const sensitiveCondition = (tag: string, subject: string): Resource => ({
  resourceType: 'Condition',
  meta: { security: [{ system: SENSITIVE_SYSTEM, code: 'sexual-health' }] },
  identifier: id(tag, 'sensitive'),
  clinicalStatus: { coding: [{ system: CONDITION_CLINICAL, code: 'active' }] },
  code: { coding: [{ system: SNOMED, code: '105629000', display: 'Chlamydial infection' }] },
  subject: { reference: subject },
  onsetDateTime: '2026-05-01',
});
