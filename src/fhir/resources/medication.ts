import type { CodeableConcept, Dosage, Medication, MedicationRequest, MedicationStatement } from '@medplum/fhirtypes';
import type { EntryRow } from '../../record/service.js';
import { DMD, MEDICATION_COURSE_URL, MEDICATION_REQUEST_COURSE, SNOMED } from '../codes.js';
import { unprocessable } from '../outcome.js';
import { codeFrom, codeIn, concept, dateOf, identifierOut, instant, metaOf, patientRef, sensitiveFrom, sourceOf, startOf } from './common.js';
import { sameStart } from './as-sent.js';
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
type Details = { course: 'repeat' | 'acute'; dose?: string; reason?: string; stopReason?: string; startedAs?: string };

const text = (cc: CodeableConcept | undefined) => cc?.text ?? cc?.coding?.find((c) => c.display)?.display;
const mainText = (ccs: CodeableConcept[] | undefined, path: string) => {
  if ((ccs?.length ?? 0) > 1) throw unprocessable('Joinery records one reason per course.', path);
  return text(ccs?.[0]);
};

/**
 * The medicine: a coded concept, or a reference to a Medication contained in
 * the resource (its code), or a reference with a display (the medicine in
 * words; the reference itself is kept as sent).
 */
function medicine(_i: Importing, m: MedicationRequest | MedicationStatement, path: string) {
  const ref = m.medicationReference;
  if (!ref) return codeFrom(m.medicationCodeableConcept, [DMD, SNOMED], `${path}.medicationCodeableConcept`);
  if (ref.reference?.startsWith('#')) {
    const contained = (m.contained ?? []).find((r) => r.resourceType === 'Medication' && `#${r.id}` === ref.reference) as Medication | undefined;
    if (!contained) throw unprocessable(`${ref.reference} names no Medication contained in this resource.`, `${path}.medicationReference`);
    return codeFrom(contained.code, [DMD, SNOMED], `${path}.contained.code`);
  }
  if (ref.display?.trim()) return { codeSystem: null, code: null, display: ref.display.trim() };
  throw unprocessable('Send the medicine as medicationCodeableConcept (dm+d), a contained Medication, or a reference with its display.', `${path}.medicationReference`);
}

const PER: Record<string, string> = { s: 'second', min: 'minute', h: 'hour', d: 'day', wk: 'week', mo: 'month', a: 'year' };

/** A structured dosage in words ("1 tablet, 2 times a day, when needed"), for a sender who gives no text. */
function dosageWords(d: Dosage): string | undefined {
  const q = d.doseAndRate?.[0]?.doseQuantity;
  const r = d.timing?.repeat;
  const parts = [
    q?.value !== undefined ? `${q.value}${q.unit ? ` ${q.unit}` : ''}` : undefined,
    r?.frequency && r.periodUnit ? `${r.frequency} time${r.frequency === 1 ? '' : 's'} every ${r.period && r.period !== 1 ? `${r.period} ${PER[r.periodUnit]}s` : PER[r.periodUnit]}` : undefined,
    d.asNeededBoolean ? 'when needed' : undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : undefined;
}

const dosesText = (dosages: Dosage[] | undefined, path: string) => {
  if (!dosages?.length) return undefined;
  const words = dosages.map((d) => d.text?.trim() || dosageWords(d));
  if (words.some((w) => !w)) throw unprocessable('Give each dosage as text, or a dose and how often (Joinery keeps the dose as written).', `${path}.text`);
  return words.join('; ');
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

/** Every status R4 gives each view, kept as sent; a status only one view has is served to the other as its nearest. */
const REQUEST_STATUSES = ['active', 'on-hold', 'cancelled', 'completed', 'entered-in-error', 'stopped', 'draft', 'unknown'];
const STATEMENT_STATUSES = ['active', 'completed', 'entered-in-error', 'intended', 'stopped', 'on-hold', 'unknown', 'not-taken'];
const AS_REQUEST: Record<string, string> = { intended: 'draft', 'not-taken': 'cancelled' };
const AS_STATEMENT: Record<string, string> = { draft: 'intended', cancelled: 'not-taken' };
const statusParamOf = (statuses: string[]) => ({ name: 'status', values: Object.fromEntries(statuses.map((s) => [s, s])) });

const checkStatus = (status: string, type: string) => {
  const statuses = type === 'MedicationRequest' ? REQUEST_STATUSES : STATEMENT_STATUSES;
  if (!statuses.includes(status)) throw unprocessable(`Status must be one of: ${statuses.join(', ')}.`, `${type}.status`);
};
const sharedElements = ['identifier', 'status', 'statusReason', 'medicationCodeableConcept', 'medicationReference', 'subject', 'reasonCode'];

/** The sender's medicine reference and structured doses stand in for Joinery's words while those still say the same. */
const sameDoses = (sent: unknown, ours: unknown) => {
  try {
    return dosesText(sent as Dosage[], '') === (ours as Dosage[]).map((d) => d.text).join('; ');
  } catch {
    return false;
  }
};
const medicineChoices = (doses: string) => ({
  medicationReference: {
    of: 'medicationCodeableConcept',
    same: (sent: unknown, ours: unknown) => (sent as { reference?: string }).reference?.startsWith('#') === true || (sent as { display?: string }).display === (ours as CodeableConcept).text,
  },
  [doses]: { of: doses, same: sameDoses },
});

export const medicationRequestCodec: EntryCodec<MedicationRequest> = {
  type: 'MedicationRequest',
  kind: 'medication',
  documentation: 'Medication courses as authorised: repeat (courseOfTherapyType continuous) and acute, coded in dm+d; the same entries as MedicationStatement.',
  codeSystems: [DMD, SNOMED],
  codeParam: 'code',
  statusParam: statusParamOf(REQUEST_STATUSES),
  toFhir(row) {
    const { d, base, medicationCodeableConcept, subject, reasonCode } = common(row);
    return {
      resourceType: 'MedicationRequest',
      ...base,
      status: (AS_REQUEST[row.status] ?? row.status) as MedicationRequest['status'],
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
        startedOn: period?.start ? dateOf(period.start, 'MedicationRequest.dispenseRequest.validityPeriod.start') : startOf(m.authoredOn, 'MedicationRequest.authoredOn').startedOn,
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
  elements: {
    mapped: [...sharedElements, 'intent', 'courseOfTherapyType', 'dosageInstruction', 'dispenseRequest'],
    // authoredOn is kept, not mapped: the sender's date stands even where the course's start (the validity period) is another.
    kept: [
      'extension', 'identifier', 'statusReason', 'intent', 'category', 'priority', 'medicationCodeableConcept', 'medicationReference', 'contained', 'encounter', 'authoredOn',
      'requester', 'performer', 'recorder', 'reasonCode', 'reasonReference', 'basedOn', 'groupIdentifier', 'courseOfTherapyType', 'note', 'dosageInstruction',
      'dispenseRequest', 'substitution',
    ],
    replaces: medicineChoices('dosageInstruction'),
  },
  paths: PATHS('MedicationRequest', ['MedicationRequest.dispenseRequest.validityPeriod.start', 'MedicationRequest.dispenseRequest.validityPeriod.end'], 'MedicationRequest.dosageInstruction.text'),
};

export const medicationStatementCodec: EntryCodec<MedicationStatement> = {
  type: 'MedicationStatement',
  kind: 'medication',
  documentation: 'Medication the child takes or took, coded in dm+d; the same entries as MedicationRequest (basedOn names it). Course (repeat or acute) in an extension; acute when not given.',
  codeSystems: [DMD, SNOMED],
  codeParam: 'code',
  statusParam: statusParamOf(STATEMENT_STATUSES),
  toFhir(row) {
    const { d, base, medicationCodeableConcept, subject, reasonCode } = common(row);
    return {
      resourceType: 'MedicationStatement',
      ...base,
      extension: [{ url: MEDICATION_COURSE_URL, valueCode: d.course }],
      basedOn: [{ reference: `MedicationRequest/${row.id}` }],
      status: (AS_STATEMENT[row.status] ?? row.status) as MedicationStatement['status'],
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
    const started = startOf(m.effectiveDateTime ?? m.effectivePeriod?.start, m.effectiveDateTime ? 'MedicationStatement.effectiveDateTime' : 'MedicationStatement.effectivePeriod.start');
    return {
      childId: subject.id,
      input: {
        kind: 'medication',
        ...medicine(i, m, 'MedicationStatement'),
        status: m.status,
        startedOn: started.startedOn,
        endedOn: dateOf(m.effectivePeriod?.end, 'MedicationStatement.effectivePeriod.end'),
        details: detailsOf({
          course: (course as Details['course'] | undefined) ?? 'acute',
          dose: dosesText(m.dosage, 'MedicationStatement.dosage'),
          reason: mainText(m.reasonCode, 'MedicationStatement.reasonCode'),
          stopReason: mainText(m.statusReason, 'MedicationStatement.statusReason'),
          startedAs: started.startedAs,
        }),
        sensitiveCategory: sensitiveFrom(m.meta),
        ...sourceOf(i, m),
      },
    };
  },
  elements: {
    mapped: [...sharedElements, 'effectiveDateTime', 'effectivePeriod', 'dosage', 'basedOn'],
    kept: [
      'extension', 'identifier', 'statusReason', 'category', 'medicationCodeableConcept', 'medicationReference', 'contained', 'context', 'effectiveDateTime', 'effectivePeriod',
      'dateAsserted', 'informationSource', 'derivedFrom', 'partOf', 'reasonCode', 'reasonReference', 'note', 'dosage',
    ],
    extensionUrls: [MEDICATION_COURSE_URL],
    replaces: { ...medicineChoices('dosage'), effectiveDateTime: { of: 'effectivePeriod', same: (sent, ours) => sameStart(sent, (ours as { start?: string }).start) } },
  },
  paths: PATHS('MedicationStatement', ['MedicationStatement.effectivePeriod.start', 'MedicationStatement.effectivePeriod.end'], 'MedicationStatement.dosage.text'),
};

export const medicationRequestHandler = entryHandler(medicationRequestCodec);
export const medicationStatementHandler = entryHandler(medicationStatementCodec);
