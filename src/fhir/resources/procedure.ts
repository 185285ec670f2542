import type { Procedure } from '@medplum/fhirtypes';
import { SNOMED } from '../codes.js';
import { unprocessable } from '../outcome.js';
import { codeFrom, concept, dateOf, identifierOut, metaOf, patientRef, sensitiveFrom, sourceOf, startOf } from './common.js';
import { entryHandler, type EntryCodec } from './entries.js';

const STATUSES = ['completed', 'entered-in-error'];

/** A significant procedure (kind "procedure"): what was done (SNOMED CT), when, and its outcome. */
export const procedureCodec: EntryCodec<Procedure> = {
  type: 'Procedure',
  kind: 'procedure',
  documentation: 'Significant procedures, coded in SNOMED CT, completed (or entered in error), with when and the outcome.',
  codeSystems: [SNOMED],
  codeParam: 'code',
  statusParam: { name: 'status', values: Object.fromEntries(STATUSES.map((s) => [s, s])) },
  toFhir(row) {
    const d = row.details as { outcome?: string };
    return {
      resourceType: 'Procedure',
      id: row.id,
      meta: metaOf(row.version, row.updated_at),
      identifier: identifierOut(row.source_system, row.source_id),
      status: row.status as Procedure['status'],
      code: concept(row.code_system, row.code, row.display),
      subject: patientRef(row.child_id),
      ...(row.ended_on ? { performedPeriod: { start: row.started_on ?? undefined, end: row.ended_on } } : row.started_on ? { performedDateTime: row.started_on } : {}),
      recorder: row.recorded_by_name ? { display: row.recorded_by_name } : undefined,
      outcome: d.outcome ? { text: d.outcome } : undefined,
    };
  },
  async fromFhir(i, p) {
    const subject = await i.resolve(p.subject, ['Patient'], 'Procedure.subject');
    if (!STATUSES.includes(p.status)) throw unprocessable('Joinery records procedures that were done: status completed (or entered-in-error).', 'Procedure.status');
    if (p.performedAge || p.performedRange || p.performedString) throw unprocessable('Give when it was done as a date (performedDateTime or performedPeriod).', 'Procedure.performed[x]');
    const outcome = p.outcome?.text ?? p.outcome?.coding?.find((c) => c.display)?.display;
    const done = startOf(p.performedDateTime ?? p.performedPeriod?.start, p.performedDateTime ? 'Procedure.performedDateTime' : 'Procedure.performedPeriod.start');
    return {
      childId: subject.id,
      input: {
        kind: 'procedure',
        ...codeFrom(p.code, [SNOMED], 'Procedure.code'),
        status: p.status,
        startedOn: done.startedOn,
        endedOn: dateOf(p.performedPeriod?.end, 'Procedure.performedPeriod.end'),
        details: { ...(outcome ? { outcome } : {}), ...(done.startedAs ? { startedAs: done.startedAs } : {}) },
        sensitiveCategory: sensitiveFrom(p.meta),
        ...sourceOf(i, p),
      },
    };
  },
  elements: {
    mapped: ['identifier', 'status', 'code', 'subject', 'performedDateTime', 'performedPeriod', 'outcome'],
    kept: [
      'extension', 'identifier', 'statusReason', 'category', 'code', 'encounter', 'performedDateTime', 'performedPeriod', 'recorder', 'asserter', 'performer', 'location',
      'reasonCode', 'reasonReference', 'bodySite', 'outcome', 'complication', 'followUp', 'note', 'usedCode',
    ],
  },
  paths: {
    codeSystem: 'Procedure.code.coding.system', code: 'Procedure.code.coding.code', display: 'Procedure.code.text', status: 'Procedure.status',
    startedOn: 'Procedure.performedDateTime', endedOn: 'Procedure.performedPeriod.end', 'details.outcome': 'Procedure.outcome', details: 'Procedure',
    sensitiveCategory: 'Procedure.meta.security', sourceSystem: 'Procedure.identifier.system', sourceId: 'Procedure.identifier.value',
  },
};

export const procedureHandler = entryHandler(procedureCodec);
