import type { CodeableConcept, Observation, ObservationComponent, Quantity } from '@medplum/fhirtypes';
import { LOINC, SNOMED } from '../codes.js';
import { unprocessable } from '../outcome.js';
import { codeFrom, concept, identifierOut, instant, metaOf, patientRef, sensitiveFrom, sourceOf, startOf } from './common.js';
import { entryHandler, type EntryCodec } from './entries.js';
import { sameStart } from './as-sent.js';
import { asServedVitalSign } from './vital-signs.js';

/** Every status FHIR R4 allows an observation, kept as sent: a preliminary result stays preliminary. */
const STATUSES = ['registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled', 'entered-in-error', 'unknown'] as const;

type Component = { display: string; value?: number; unit?: string; valueText?: string };
type Details = { value?: number; unit?: string; valueText?: string; components?: Component[]; startedAs?: string };

const words = (cc: CodeableConcept | undefined) => cc?.text ?? cc?.coding?.find((c) => c.display)?.display;
const unitOf = (q: Quantity | undefined) => q?.unit ?? q?.code;

/** A value Joinery keeps (a quantity, integer, boolean, code or text) as a number and unit, or in words. */
function valueOf(o: Observation | ObservationComponent, path: string): { value?: number; unit?: string; valueText?: string } {
  if (o.valueRange || o.valueRatio || o.valueSampledData || o.valuePeriod || o.valueTime || o.valueDateTime) {
    throw unprocessable('Joinery keeps a quantity, integer, boolean, code or text as an observation’s value.', `${path}.value[x]`);
  }
  const value = o.valueQuantity?.value ?? o.valueInteger;
  const unit = unitOf(o.valueQuantity);
  const valueText = o.valueString ?? words(o.valueCodeableConcept) ?? (o.valueBoolean === undefined ? undefined : o.valueBoolean ? 'Yes' : 'No');
  if (o.valueCodeableConcept && !valueText) throw unprocessable('Give the coded value’s display or text, saying the result in words.', `${path}.valueCodeableConcept`);
  return { ...(value !== undefined ? { value } : {}), ...(unit ? { unit } : {}), ...(valueText ? { valueText } : {}) };
}

function componentsOf(o: Observation): Component[] | undefined {
  if (!o.component?.length) return undefined;
  return o.component.map((c, n) => {
    const display = words(c.code);
    if (!display) throw unprocessable('Give each component’s code a display or text.', `Observation.component[${n}].code`);
    return { display, ...valueOf(c, `Observation.component[${n}]`) };
  });
}

/** An observation (kind "observation"): what was measured (SNOMED CT or LOINC), when, and the value with its unit or in words, or its parts. */
export const observationCodec: EntryCodec<Observation> = {
  type: 'Observation',
  kind: 'observation',
  documentation: 'Observations (growth, vital signs, scores), coded in SNOMED CT or LOINC, with a numeric value and unit, a coded value or a value in words, or components (a blood pressure\'s systolic and diastolic). Every R4 status. Every coding, UCUM units, category, exact times, issued, encounter, performer, interpretation, reference ranges, body site and method are kept as sent.',
  codeSystems: [SNOMED, LOINC],
  codeParam: 'code',
  statusParam: { name: 'status', values: Object.fromEntries(STATUSES.map((s) => [s, s])) },
  toFhir(row) {
    const d = row.details as Details;
    const hasValue = d.value !== undefined;
    return {
      resourceType: 'Observation',
      id: row.id,
      meta: metaOf(row.version, row.updated_at),
      identifier: identifierOut(row.source_system, row.source_id),
      status: row.status as Observation['status'],
      code: concept(row.code_system, row.code, row.display),
      subject: patientRef(row.child_id),
      effectiveDateTime: row.started_on ?? undefined,
      issued: instant(row.recorded_at),
      ...(hasValue ? { valueQuantity: { value: d.value, ...(d.unit ? { unit: d.unit } : {}) } } : d.valueText ? { valueString: d.valueText } : {}),
      // With a number, the words go in a note (a value is one or the other).
      note: hasValue && d.valueText ? [{ text: d.valueText }] : undefined,
      component: d.components?.map((c) => ({
        code: { text: c.display },
        ...(c.value !== undefined ? { valueQuantity: { value: c.value, ...(c.unit ? { unit: c.unit } : {}) } } : c.valueText ? { valueString: c.valueText } : {}),
      })),
    };
  },
  served: asServedVitalSign,
  async fromFhir(i, o) {
    const subject = await i.resolve(o.subject, ['Patient'], 'Observation.subject');
    if (!(STATUSES as readonly string[]).includes(o.status)) throw unprocessable(`Status must be one of: ${STATUSES.join(', ')}.`, 'Observation.status');
    if (o.effectiveTiming) throw unprocessable('Give when it was observed as effectiveDateTime, effectivePeriod or effectiveInstant.', 'Observation.effectiveTiming');
    const value = valueOf(o, 'Observation');
    // A note stands in for the words only beside a number (as toFhir writes it); otherwise it is kept as sent.
    const noteAsWords = value.value !== undefined && !value.valueText && o.note?.length === 1 ? o.note[0].text : undefined;
    const effective = o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.effectiveInstant;
    const { startedOn, startedAs } = startOf(effective, o.effectiveDateTime ? 'Observation.effectiveDateTime' : o.effectivePeriod ? 'Observation.effectivePeriod.start' : 'Observation.effectiveInstant');
    const components = componentsOf(o);
    const details: Details = { ...value, ...(noteAsWords ? { valueText: noteAsWords } : {}), ...(components ? { components } : {}), ...(startedAs ? { startedAs } : {}) };
    return {
      childId: subject.id,
      input: {
        kind: 'observation',
        ...codeFrom(o.code, [SNOMED, LOINC], 'Observation.code'),
        status: o.status,
        startedOn,
        details,
        sensitiveCategory: sensitiveFrom(o.meta),
        ...sourceOf(i, o),
      },
    };
  },
  elements: {
    mapped: [
      'identifier', 'status', 'code', 'subject', 'effectiveDateTime', 'effectivePeriod', 'effectiveInstant', 'valueQuantity', 'valueCodeableConcept',
      'valueString', 'valueInteger', 'valueBoolean', 'component',
    ],
    kept: [
      'extension', 'identifier', 'code', 'category', 'effectiveDateTime', 'effectivePeriod', 'effectiveInstant', 'issued', 'valueQuantity', 'valueCodeableConcept',
      'valueInteger', 'valueBoolean', 'note', 'component', 'encounter', 'performer', 'interpretation', 'referenceRange', 'bodySite', 'method',
      'dataAbsentReason', 'basedOn', 'hasMember', 'derivedFrom',
    ],
    replaces: {
      valueCodeableConcept: { of: 'valueString', same: (sent, ours) => words(sent as CodeableConcept) === ours },
      valueBoolean: { of: 'valueString', same: (sent, ours) => (sent ? 'Yes' : 'No') === ours },
      valueInteger: { of: 'valueQuantity', same: (sent, ours) => (ours as Quantity).value === sent },
      effectivePeriod: { of: 'effectiveDateTime', same: sameStart },
      effectiveInstant: { of: 'effectiveDateTime', same: sameStart },
    },
  },
  paths: {
    codeSystem: 'Observation.code.coding.system', code: 'Observation.code.coding.code', display: 'Observation.code.text', status: 'Observation.status',
    startedOn: 'Observation.effectiveDateTime', 'details.value': 'Observation.valueQuantity.value', 'details.unit': 'Observation.valueQuantity.unit',
    'details.valueText': 'Observation.valueString', 'details.components': 'Observation.component', details: 'Observation.value[x]',
    sensitiveCategory: 'Observation.meta.security', sourceSystem: 'Observation.identifier.system', sourceId: 'Observation.identifier.value',
  },
};

export const observationHandler = entryHandler(observationCodec);
