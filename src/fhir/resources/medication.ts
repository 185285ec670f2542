import type { CodeableConcept, MedicationRequest, MedicationStatement } from '@medplum/fhirtypes';
import type { EntryRow } from '../../record/service.js';
import { DMD, MEDICATION_COURSE_URL, MEDICATION_REQUEST_COURSE, SNOMED } from '../codes.js';
import { unprocessable } from '../outcome.js';
import { codeFrom, codeIn, concept, dateOf, identifierOut, instant, metaOf, patientRef, sensitiveFrom, sourceOf } from './common.js';
import { entryHandler, type EntryCodec } from './entries.js';
import type { Importing } from './handler.js';

/**
 * A medication entry is a course of a medicine: repeat (continuous) or acute,
 * with its dose, the reason for it and, once stopped, why. It is served two
 * ways with the same id: as the MedicationRequest that authorised it (GP
 * systems' view: courseOfTherapyType, dispenseRequest.validityPeriod for the
 * course's start and end) and as a MedicationStatement (what the child takes:
 * effectivePeriod). Either may be imported; both write the same entry.
 */
type Details = { course: 'repeat' | 'acute'; dose?: string; reason?: string; stopReason?: string };

const text = (cc: CodeableConcept | undefined) => cc?.text ?? cc?.coding?.find((c) => c.display)?.display;
const mainText = (ccs: CodeableConcept[] | undefined, path: string) => {
  if ((ccs?.length ?? 0) > 1) throw unprocessable('Joinery records one reason per course.', path);
  return text(ccs?.[0]);
};

function medicine(i: Importing, m: MedicationRequest | MedicationStatement, path: string) {
  if (m.medicationReference) throw unprocessable('Send the medicine as medicationCodeableConcept (dm+d), not a reference.', `${path}.medicationReference`);
  return codeFrom(m.medicationCodeableConcept, [DMD, SNOMED], `${path}.medicationCodeableConcept`);
}

const dosesText = (dosages: { text?: string }[] | undefined, path: string) => {
  if (!dosages?.length) return undefined;
  if (dosages.some((d) => !d.text?.trim())) throw unprocessable('Give each dosage as text (Joinery keeps the dose as written).', `${path}.text`);
  return dosages.map((d) => d.text!.trim()).join('; ');
};

const detailsOf = (d: Partial<Details>) => Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)) as Details;

const common = (row: EntryRow) => {
  const d = row.details as Details;
  return {
    d,
    base: { id: row.id, meta: metaOf(row.version, row.updated_at), identifier: identifierOut(row.source_system, row.source_id) },
    medicationCodeableConcept: concept(row.code_system, row.code, row.display),
    subject: patientRef(row.child_id),
    reasonCode: d.reason ? [{ text: d.reason }] : undefined,
  };
};

const PATHS = (type: string, dates: [string, string], dosage: string) => ({
  codeSystem: `${type}.medicationCodeableConcept.coding.system`, code: `${type}.medicationCodeableConcept.coding.code`, display: `${type}.medicationCodeableConcept.text`,
  status: `${type}.status`, startedOn: dates[0], endedOn: dates[1], 'details.course': `${type}.extension`, 'details.dose': dosage,
  'details.reason': `${type}.reasonCode`, 'details.stopReason': `${type}.statusReason`, details: type, sensitiveCategory: `${type}.meta.security`,
  sourceSystem: `${type}.identifier.system`, sourceId: `${type}.identifier.value`,
});

/** A course's statuses: MedicationRequest's and MedicationStatement's that Joinery records are the same. */
const STATUSES = ['active', 'stopped', 'completed', 'entered-in-error'];
const statusParam = { name: 'status', values: Object.fromEntries(STATUSES.map((s) => [s, s])) };

const checkStatus = (status: string, type: string) => {
  if (!STATUSES.includes(status)) throw unprocessable(`Joinery records medication that is ${STATUSES.join(', ')}; not ${status}.`, `${type}.status`);
};

export const medicationRequestCodec: EntryCodec<MedicationRequest> = {
  type: 'MedicationRequest',
  kind: 'medication',
  documentation: 'Medication courses as authorised: repeat (courseOfTherapyType continuous) and acute, coded in dm+d; the same entries as MedicationStatement.',
  codeSystems: [DMD, SNOMED],
  codeParam: 'code',
  statusParam,
  toFhir(row) {
    const { d, base, medicationCodeableConcept, subject, reasonCode } = common(row);
    return {
      resourceType: 'MedicationRequest',
      ...base,
      status: row.status as MedicationRequest['status'],
      statusReason: d.stopReason ? { text: d.stopReason } : undefined,
      intent: 'order',
      courseOfTherapyType: { coding: [{ system: MEDICATION_REQUEST_COURSE, code: d.course === 'repeat' ? 'continuous' : 'acute' }] },
      medicationCodeableConcept,
      subject,
      authoredOn: row.started_on ?? undefined,
      requester: row.recorded_by_name ? { display: row.recorded_by_name } : undefined,
      reasonCode,
      dosageInstruction: d.dose ? [{ text: d.dose }] : undefined,
      dispenseRequest: row.started_on || row.ended_on ? { validityPeriod: { start: row.started_on ?? undefined, end: row.ended_on ?? undefined } } : undefined,
    };
  },
  async fromFhir(i, m) {
    const subject = await i.resolve(m.subject, ['Patient'], 'MedicationRequest.subject');
    checkStatus(m.status, 'MedicationRequest');
    const course = codeIn(m.courseOfTherapyType, MEDICATION_REQUEST_COURSE);
    const period = m.dispenseRequest?.validityPeriod;
    return {
      childId: subject.id,
      input: {
        kind: 'medication',
        ...medicine(i, m, 'MedicationRequest'),
        status: m.status,
        startedOn: period?.start ? dateOf(period.start, 'MedicationRequest.dispenseRequest.validityPeriod.start') : dateOf(m.authoredOn, 'MedicationRequest.authoredOn'),
        endedOn: dateOf(period?.end, 'MedicationRequest.dispenseRequest.validityPeriod.end'),
        details: detailsOf({
          course: course === 'continuous' || course === 'seasonal' ? 'repeat' : 'acute',
          dose: dosesText(m.dosageInstruction, 'MedicationRequest.dosageInstruction'),
          reason: mainText(m.reasonCode, 'MedicationRequest.reasonCode'),
          stopReason: text(m.statusReason),
        }),
        sensitiveCategory: sensitiveFrom(m.meta),
        ...sourceOf(i, m),
      },
    };
  },
  paths: PATHS('MedicationRequest', ['MedicationRequest.dispenseRequest.validityPeriod.start', 'MedicationRequest.dispenseRequest.validityPeriod.end'], 'MedicationRequest.dosageInstruction.text'),
};

export const medicationStatementCodec: EntryCodec<MedicationStatement> = {
  type: 'MedicationStatement',
  kind: 'medication',
  documentation: 'Medication the child takes or took, coded in dm+d; the same entries as MedicationRequest (basedOn names it). Course (repeat or acute) in an extension; acute when not given.',
  codeSystems: [DMD, SNOMED],
  codeParam: 'code',
  statusParam,
  toFhir(row) {
    const { d, base, medicationCodeableConcept, subject, reasonCode } = common(row);
    return {
      resourceType: 'MedicationStatement',
      ...base,
      extension: [{ url: MEDICATION_COURSE_URL, valueCode: d.course }],
      basedOn: [{ reference: `MedicationRequest/${row.id}` }],
      status: row.status as MedicationStatement['status'],
      statusReason: d.stopReason ? [{ text: d.stopReason }] : undefined,
      medicationCodeableConcept,
      subject,
      effectivePeriod: row.started_on || row.ended_on ? { start: row.started_on ?? undefined, end: row.ended_on ?? undefined } : undefined,
      dateAsserted: instant(row.recorded_at),
      informationSource: row.recorded_by_name ? { display: row.recorded_by_name } : undefined,
      reasonCode,
      dosage: d.dose ? [{ text: d.dose }] : undefined,
    };
  },
  async fromFhir(i, m) {
    const subject = await i.resolve(m.subject, ['Patient'], 'MedicationStatement.subject');
    checkStatus(m.status, 'MedicationStatement');
    const course = m.extension?.find((e) => e.url === MEDICATION_COURSE_URL)?.valueCode;
    if (course !== undefined && course !== 'repeat' && course !== 'acute') throw unprocessable('The course must be repeat or acute.', 'MedicationStatement.extension');
    const startedOn = m.effectiveDateTime ? dateOf(m.effectiveDateTime, 'MedicationStatement.effectiveDateTime') : dateOf(m.effectivePeriod?.start, 'MedicationStatement.effectivePeriod.start');
    return {
      childId: subject.id,
      input: {
        kind: 'medication',
        ...medicine(i, m, 'MedicationStatement'),
        status: m.status,
        startedOn,
        endedOn: dateOf(m.effectivePeriod?.end, 'MedicationStatement.effectivePeriod.end'),
        details: detailsOf({
          course: (course as Details['course'] | undefined) ?? 'acute',
          dose: dosesText(m.dosage, 'MedicationStatement.dosage'),
          reason: mainText(m.reasonCode, 'MedicationStatement.reasonCode'),
          stopReason: mainText(m.statusReason, 'MedicationStatement.statusReason'),
        }),
        sensitiveCategory: sensitiveFrom(m.meta),
        ...sourceOf(i, m),
      },
    };
  },
  paths: PATHS('MedicationStatement', ['MedicationStatement.effectivePeriod.start', 'MedicationStatement.effectivePeriod.end'], 'MedicationStatement.dosage.text'),
};

export const medicationRequestHandler = entryHandler(medicationRequestCodec);
export const medicationStatementHandler = entryHandler(medicationStatementCodec);
