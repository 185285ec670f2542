import type { Observation } from '@medplum/fhirtypes';
import { LOINC, SNOMED } from '../codes.js';
import { unprocessable } from '../outcome.js';
import { codeFrom, concept, dateOf, identifierOut, instant, metaOf, patientRef, sensitiveFrom, sourceOf } from './common.js';
import { entryHandler, type EntryCodec } from './entries.js';

const FINAL = ['final', 'amended', 'corrected'];

/** An observation (kind "observation"): what was measured (SNOMED CT or LOINC), when, and the value with its unit or in words. */
export const observationCodec: EntryCodec<Observation> = {
  type: 'Observation',
  kind: 'observation',
  documentation: 'Observations (growth, vital signs, scores), coded in SNOMED CT or LOINC, with a numeric value and unit or a value in words. Final results only.',
  codeSystems: [SNOMED, LOINC],
  codeParam: 'code',
  statusParam: { name: 'status', values: { final: 'final', amended: 'final', corrected: 'final', 'entered-in-error': 'entered-in-error' } },
  toFhir(row) {
    const d = row.details as { value?: number; unit?: string; valueText?: string };
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
    };
  },
  async fromFhir(i, o) {
    const subject = await i.resolve(o.subject, ['Patient'], 'Observation.subject');
    const status = FINAL.includes(o.status) ? 'final' : o.status === 'entered-in-error' ? 'entered-in-error' : undefined;
    if (!status) throw unprocessable('Joinery records final observations (final, amended, corrected) or entered-in-error.', 'Observation.status');
    if (o.effectiveInstant || o.effectiveTiming) throw unprocessable('Give when it was observed as effectiveDateTime or effectivePeriod.', 'Observation.effective[x]');
    if (o.valueRange || o.valueRatio || o.valueSampledData || o.valuePeriod || o.valueTime || o.valueDateTime) {
      throw unprocessable('Joinery keeps a quantity, integer, boolean, code or text as an observation’s value.', 'Observation.value[x]');
    }
    const value = o.valueQuantity?.value ?? o.valueInteger;
    const unit = o.valueQuantity?.unit ?? o.valueQuantity?.code;
    const valueText = o.valueString ?? o.valueCodeableConcept?.text ?? o.valueCodeableConcept?.coding?.find((c) => c.display)?.display
      ?? (o.valueBoolean === undefined ? undefined : o.valueBoolean ? 'Yes' : 'No') ?? (value !== undefined ? o.note?.[0]?.text : undefined);
    return {
      childId: subject.id,
      input: {
        kind: 'observation',
        ...codeFrom(o.code, [SNOMED, LOINC], 'Observation.code'),
        status,
        startedOn: o.effectiveDateTime ? dateOf(o.effectiveDateTime, 'Observation.effectiveDateTime') : dateOf(o.effectivePeriod?.start, 'Observation.effectivePeriod.start'),
        details: { ...(value !== undefined ? { value } : {}), ...(unit ? { unit } : {}), ...(valueText ? { valueText } : {}) },
        sensitiveCategory: sensitiveFrom(o.meta),
        ...sourceOf(i, o),
      },
    };
  },
  paths: {
    codeSystem: 'Observation.code.coding.system', code: 'Observation.code.coding.code', display: 'Observation.code.text', status: 'Observation.status',
    startedOn: 'Observation.effectiveDateTime', 'details.value': 'Observation.valueQuantity.value', 'details.unit': 'Observation.valueQuantity.unit',
    'details.valueText': 'Observation.valueString', details: 'Observation.value[x]', sensitiveCategory: 'Observation.meta.security',
    sourceSystem: 'Observation.identifier.system', sourceId: 'Observation.identifier.value',
  },
};

export const observationHandler = entryHandler(observationCodec);
