import type { Immunization } from '@medplum/fhirtypes';
import { SNOMED } from '../codes.js';
import { unprocessable } from '../outcome.js';
import { codeFrom, concept, identifierOut, instant, metaOf, patientRef, sensitiveFrom, sourceOf, startOf } from './common.js';
import { entryHandler, type EntryCodec } from './entries.js';

const STATUSES = ['completed', 'not-done', 'entered-in-error'];
/** FHIR requires when a vaccine was given; an entry recorded without a date says so in words. */
const NO_DATE = 'Date not recorded';

/** An immunisation (kind "immunisation"): the vaccine in SNOMED CT, when, which dose, or why it was not given. */
export const immunizationCodec: EntryCodec<Immunization> = {
  type: 'Immunization',
  kind: 'immunisation',
  documentation: 'Immunisations against the UK routine childhood schedule, coded in SNOMED CT, with dose number or the reason one was not given.',
  codeSystems: [SNOMED],
  codeParam: 'vaccine-code',
  statusParam: { name: 'status', values: Object.fromEntries(STATUSES.map((s) => [s, s])) },
  toFhir(row) {
    const d = row.details as { doseNumber?: number; notDoneReason?: string };
    return {
      resourceType: 'Immunization',
      id: row.id,
      meta: metaOf(row.version, row.updated_at),
      identifier: identifierOut(row.source_system, row.source_id),
      status: row.status as Immunization['status'],
      statusReason: d.notDoneReason ? { text: d.notDoneReason } : undefined,
      vaccineCode: concept(row.code_system, row.code, row.display),
      patient: patientRef(row.child_id),
      ...(row.started_on ? { occurrenceDateTime: row.started_on } : { occurrenceString: NO_DATE }),
      recorded: instant(row.recorded_at),
      protocolApplied: d.doseNumber ? [{ doseNumberPositiveInt: d.doseNumber }] : undefined,
    };
  },
  async fromFhir(i, m) {
    const patient = await i.resolve(m.patient, ['Patient'], 'Immunization.patient');
    if (!STATUSES.includes(m.status)) throw unprocessable(`Status must be one of: ${STATUSES.join(', ')}.`, 'Immunization.status');
    if ((m.protocolApplied?.length ?? 0) > 1) throw unprocessable('Give one protocolApplied (the dose this was).', 'Immunization.protocolApplied');
    const dose = m.protocolApplied?.[0]?.doseNumberPositiveInt;
    const notDone = m.statusReason?.text ?? m.statusReason?.coding?.find((c) => c.display)?.display;
    const given = startOf(m.occurrenceDateTime, 'Immunization.occurrenceDateTime');
    return {
      childId: patient.id,
      input: {
        kind: 'immunisation',
        ...codeFrom(m.vaccineCode, [SNOMED], 'Immunization.vaccineCode'),
        status: m.status,
        // occurrenceString (such as "Date not recorded") keeps no date.
        startedOn: given.startedOn,
        details: { ...(dose ? { doseNumber: dose } : {}), ...(notDone ? { notDoneReason: notDone } : {}), ...(given.startedAs ? { startedAs: given.startedAs } : {}) },
        sensitiveCategory: sensitiveFrom(m.meta),
        ...sourceOf(i, m),
      },
    };
  },
  elements: {
    mapped: ['identifier', 'status', 'statusReason', 'vaccineCode', 'patient', 'occurrenceDateTime', 'occurrenceString', 'protocolApplied'],
    kept: [
      'extension', 'identifier', 'statusReason', 'vaccineCode', 'encounter', 'occurrenceDateTime', 'recorded', 'primarySource', 'reportOrigin', 'location', 'manufacturer',
      'lotNumber', 'expirationDate', 'site', 'route', 'doseQuantity', 'performer', 'note', 'reasonCode', 'isSubpotent', 'protocolApplied',
    ],
  },
  paths: {
    codeSystem: 'Immunization.vaccineCode.coding.system', code: 'Immunization.vaccineCode.coding.code', display: 'Immunization.vaccineCode.text',
    status: 'Immunization.status', startedOn: 'Immunization.occurrenceDateTime', 'details.doseNumber': 'Immunization.protocolApplied.doseNumberPositiveInt',
    'details.notDoneReason': 'Immunization.statusReason', details: 'Immunization', sensitiveCategory: 'Immunization.meta.security',
    sourceSystem: 'Immunization.identifier.system', sourceId: 'Immunization.identifier.value',
  },
};

export const immunizationHandler = entryHandler(immunizationCodec);
