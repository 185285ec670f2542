import type { Bundle, Reference, Resource } from '@medplum/fhirtypes';
import { testNhsNumbers } from '../platform/identity/nhs-number.js';
import { ACT_CODE, LOINC, NHS_NUMBER_SYSTEM, ODS_ROLE_SYSTEM, ODS_SYSTEM, SNOMED, UCUM } from './codes.js';

/**
 * Test code: a small feed of children as a Synthea-style exporter writes it
 * (standard code systems only, narrative, one resource per type, the sender's
 * own ids), made from a fixed seed, for the import tests. Two shapes:
 * a transaction Bundle whose resources refer to each other by urn:uuid, and
 * Bulk Data NDJSON (one file per type) referring by `Type/<sender's id>`.
 * Either way some references go by identifier instead (NHS number, ODS code),
 * as real feeds mix them.
 */
export type Feed = { resources: Resource[]; nhsNumbers: string[] };

/** A small deterministic generator (mulberry32): the same seed, the same feed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VITAL_SIGNS = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs', display: 'Vital Signs' }] };
const narrative = (words: string) => ({ status: 'generated' as const, div: `<div xmlns="http://www.w3.org/1999/xhtml">${words}</div>` });
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * `count` children under 18 at the practice and hospital named by ODS code
 * (organisations the ICS knows, sent again as the feed has them: HL7 type
 * `prov`, the practice with its ODS role). `usedNhsNumbers` are left out.
 */
export function syntheaStyleFeed(o: { seed: number; count: number; practiceOds: string; hospitalOds: string; usedNhsNumbers: Set<string>; prefix: string }): Feed {
  const rnd = random(o.seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const id = (what: string, n: number) => `${o.prefix}-${what}-${n}`;
  const numbers: string[] = [];
  for (const n of testNhsNumbers(500_000 + o.seed * 1000)) {
    if (numbers.length === o.count) break;
    if (!o.usedNhsNumbers.has(n)) numbers.push(n);
  }
  const practice = { resourceType: 'Organization', id: id('org', 1), text: narrative('The practice'), identifier: [{ system: ODS_SYSTEM, value: o.practiceOds }],
    active: true, name: `Practice ${o.practiceOds}`,
    type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'prov', display: 'Healthcare Provider' }] },
      { coding: [{ system: ODS_ROLE_SYSTEM, code: 'RO76', display: 'GP PRACTICE' }] }] } as Resource;
  const hospital = { resourceType: 'Organization', id: id('org', 2), identifier: [{ system: ODS_SYSTEM, value: o.hospitalOds }], active: true,
    name: `Hospital ${o.hospitalOds}`, type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'prov' }] }] } as Resource;
  const resources: Resource[] = [practice, hospital];
  numbers.forEach((nhs, n) => {
    const born = `${2010 + Math.floor(rnd() * 12)}-${pad(1 + Math.floor(rnd() * 12))}-${pad(1 + Math.floor(rnd() * 28))}`;
    const patient = { reference: `Patient/${id('pat', n)}` };
    const byNhs: Reference = { reference: `Patient?identifier=${NHS_NUMBER_SYSTEM}|${nhs}` };
    const year = 2023 + Math.floor(rnd() * 3);
    const day = `${year}-${pad(1 + Math.floor(rnd() * 12))}-${pad(1 + Math.floor(rnd() * 28))}`;
    const gpVisit = id('enc-gp', n);
    const systolic = 95 + Math.floor(rnd() * 20);
    const diastolic = 55 + Math.floor(rnd() * 15);
    resources.push(
      {
        resourceType: 'Patient', id: id('pat', n), text: narrative('A child'), identifier: [{ system: NHS_NUMBER_SYSTEM, value: nhs }],
        name: [{ use: 'official', family: pick(['Adeyemi', 'Clarke', 'Nowak', 'Patel', 'Hughes']), given: [pick(['Amara', 'Leo', 'Maya', 'Noah', 'Zara'])] }],
        gender: pick(['female', 'male']), birthDate: born, generalPractitioner: [{ reference: `Organization/${id('org', 1)}` }],
      } as Resource,
      {
        resourceType: 'Encounter', id: gpVisit, identifier: [{ system: 'https://synthea.example/Id/encounter', value: gpVisit }], status: 'finished',
        class: { system: ACT_CODE, code: 'AMB', display: 'ambulatory' },
        type: [{ coding: [{ system: SNOMED, code: '185345009', display: 'Encounter for symptom' }], text: 'Encounter for symptom' }],
        subject: patient, period: { start: `${day}T09:10:00+00:00`, end: `${day}T09:25:00+00:00` },
        serviceProvider: { reference: `Organization/${id('org', 1)}` },
      } as Resource,
      {
        resourceType: 'Encounter', id: id('enc-video', n), status: 'finished', class: { system: ACT_CODE, code: 'VR', display: 'virtual' },
        subject: byNhs, period: { start: `${day}T14:00:00+00:00`, end: `${day}T14:10:00+00:00` },
        serviceProvider: { type: 'Organization', identifier: { system: ODS_SYSTEM, value: o.practiceOds } },
      } as Resource,
      {
        resourceType: 'Encounter', id: id('enc-planned', n), status: 'planned', class: { system: ACT_CODE, code: 'AMB' },
        subject: patient, period: { start: `${year + 1}-06-01T10:00:00+00:00` }, serviceProvider: { reference: `Organization/${id('org', 2)}` },
      } as Resource,
      {
        resourceType: 'Condition', id: id('cond', n), clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
        verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }] }],
        code: { coding: [{ system: SNOMED, code: '195967001', display: 'Asthma' }], text: 'Asthma' },
        subject: patient, encounter: { reference: `Encounter/${gpVisit}` }, ...(n % 2 ? { onsetAge: { value: 3, unit: 'years', system: UCUM, code: 'a' } } : { onsetDateTime: `${Number(born.slice(0, 4)) + 2}` }),
        recordedDate: `${day}T09:20:00+00:00`,
      } as Resource,
      {
        resourceType: 'Observation', id: id('bp', n), status: n % 3 ? 'final' : 'preliminary', category: [VITAL_SIGNS],
        code: { coding: [{ system: LOINC, code: '85354-9', display: 'Blood pressure panel with all children optional' }, { system: SNOMED, code: '75367002', display: 'Blood pressure' }], text: 'Blood pressure' },
        subject: patient, encounter: { reference: `Encounter/${gpVisit}` }, effectiveDateTime: `${day}T09:15:00+00:00`, issued: `${day}T09:16:02.000+00:00`,
        component: [
          { code: { coding: [{ system: LOINC, code: '8480-6', display: 'Systolic blood pressure' }] }, valueQuantity: { value: systolic, unit: 'mm[Hg]', system: UCUM, code: 'mm[Hg]' } },
          { code: { coding: [{ system: LOINC, code: '8462-4', display: 'Diastolic blood pressure' }] }, valueQuantity: { value: diastolic, unit: 'mm[Hg]', system: UCUM, code: 'mm[Hg]' } },
        ],
      } as Resource,
      {
        resourceType: 'Observation', id: id('smoke', n), status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'social-history' }] }],
        code: { coding: [{ system: LOINC, code: '72166-2', display: 'Tobacco smoking status' }] }, subject: byNhs, effectiveDateTime: `${day}T09:18:00+00:00`,
        valueCodeableConcept: { coding: [{ system: SNOMED, code: '266919005', display: 'Never smoked tobacco' }], text: 'Never smoked tobacco' },
      } as Resource,
      {
        resourceType: 'Immunization', id: id('imm', n), status: 'completed',
        vaccineCode: { coding: [{ system: SNOMED, code: '38598009', display: 'Measles-mumps-rubella vaccination' }] },
        patient, encounter: { reference: `Encounter/${gpVisit}` }, occurrenceDateTime: `${day}T09:22:00+00:00`, primarySource: true, lotNumber: `LOT${1000 + n}`,
        site: { coding: [{ system: SNOMED, code: '368208006', display: 'Left upper arm structure' }] },
        route: { coding: [{ system: SNOMED, code: '78421000', display: 'Intramuscular route' }] },
        performer: [{ actor: { display: 'Practice nurse' } }],
      } as Resource,
      {
        resourceType: 'MedicationRequest', id: id('med', n), status: 'active', intent: 'order',
        contained: [{ resourceType: 'Medication', id: 'med', code: { coding: [{ system: 'https://dmd.nhs.uk', code: '39113611000001102', display: 'Salbutamol 100micrograms/dose inhaler' }] } }],
        medicationReference: { reference: '#med' }, subject: patient, encounter: { reference: `Encounter/${gpVisit}` }, authoredOn: `${day}T09:24:00+00:00`,
        dosageInstruction: [{ timing: { repeat: { frequency: 4, period: 1, periodUnit: 'd' } }, asNeededBoolean: true, doseAndRate: [{ doseQuantity: { value: 2, unit: 'puffs' } }] }],
      } as Resource,
    );
  });
  return { resources, nhsNumbers: numbers };
}

/** The feed as one transaction Bundle: every reference by `Type/<id>` becomes the urn:uuid fullUrl of the entry it names. */
export function asTransaction(feed: Feed): Bundle {
  const urn = new Map(feed.resources.map((r, n) => [`${r.resourceType}/${r.id}`, `urn:uuid:00000000-0000-4000-9000-${String(n).padStart(12, '0')}`]));
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (!v || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'reference' && typeof x === 'string' && urn.has(x) ? urn.get(x) : rewrite(x)]));
  };
  return {
    resourceType: 'Bundle', type: 'transaction',
    entry: feed.resources.map((r) => {
      const { id: _id, ...rest } = rewrite(r) as Resource;
      return { fullUrl: urn.get(`${r.resourceType}/${r.id}`), resource: rest as Resource, request: { method: 'POST' as const, url: r.resourceType } };
    }),
  };
}

/** The feed as Bulk Data NDJSON: one file's text per type. */
export function asNdjson(feed: Feed): Map<string, string> {
  const files = new Map<string, string>();
  for (const r of feed.resources) files.set(r.resourceType, `${files.get(r.resourceType) ?? ''}${JSON.stringify(r)}\n`);
  return files;
}
