import type { Condition } from '@medplum/fhirtypes';
import { CONDITION_CATEGORY, CONDITION_CLINICAL, CONDITION_VERIFICATION, PROBLEM_SIGNIFICANCE_URL, SNOMED } from '../codes.js';
import { unprocessable } from '../outcome.js';
import { ageWords, codeFrom, codeIn, concept, dateOf, identifierOut, instant, metaOf, patientRef, sensitiveFrom, sourceOf, startOf } from './common.js';
import { sameStart } from './as-sent.js';
import { entryHandler, type EntryCodec } from './entries.js';

const ACTIVE = ['active', 'recurrence', 'relapse'];
const RESOLVED = ['inactive', 'remission', 'resolved'];

/** A problem or significant history (record entry kind "problem") is a Condition on the problem list. */
export const conditionCodec: EntryCodec<Condition> = {
  type: 'Condition',
  kind: 'problem',
  documentation: 'Problems and significant history (past and present), coded in SNOMED CT. Clinical status active or resolved.',
  codeSystems: [SNOMED],
  codeParam: 'code',
  statusParam: { name: 'clinical-status', values: Object.fromEntries([...ACTIVE.map((c) => [c, 'active']), ...RESOLVED.map((c) => [c, 'resolved'])]) },
  toFhir(row) {
    const error = row.status === 'entered-in-error';
    const significance = row.details.significance as string | undefined;
    return {
      resourceType: 'Condition',
      id: row.id,
      meta: metaOf(row.version, row.updated_at),
      ...(significance ? { extension: [{ url: PROBLEM_SIGNIFICANCE_URL, valueCode: significance }] } : {}),
      identifier: identifierOut(row.source_system, row.source_id),
      ...(error ? {} : { clinicalStatus: { coding: [{ system: CONDITION_CLINICAL, code: row.status === 'active' ? 'active' : 'resolved' }] } }),
      verificationStatus: { coding: [{ system: CONDITION_VERIFICATION, code: error ? 'entered-in-error' : 'confirmed' }] },
      category: [{ coding: [{ system: CONDITION_CATEGORY, code: 'problem-list-item', display: 'Problem List Item' }] }],
      code: concept(row.code_system, row.code, row.display),
      subject: patientRef(row.child_id),
      onsetDateTime: row.started_on ?? undefined,
      // An end date goes out only with a resolved status (FHIR's con-4).
      abatementDateTime: row.status === 'resolved' ? (row.ended_on ?? undefined) : undefined,
      recordedDate: instant(row.recorded_at),
      recorder: row.recorded_by_name ? { display: row.recorded_by_name } : undefined,
    };
  },
  async fromFhir(i, c) {
    const subject = await i.resolve(c.subject, ['Patient'], 'Condition.subject');
    const verification = codeIn(c.verificationStatus, CONDITION_VERIFICATION);
    if (verification === 'refuted') throw unprocessable('Joinery records problems the child has; a refuted condition is not recorded.', 'Condition.verificationStatus');
    const clinical = codeIn(c.clinicalStatus, CONDITION_CLINICAL);
    const status = verification === 'entered-in-error' ? 'entered-in-error'
      : clinical ? (ACTIVE.includes(clinical) ? 'active' : 'resolved')
      : c.abatementDateTime || c.abatementPeriod ? 'resolved' : 'active';
    if (c.onsetRange || c.onsetString) throw unprocessable('Give the onset as a date (onsetDateTime or onsetPeriod) or an age (onsetAge).', 'Condition.onset[x]');
    if (c.abatementAge || c.abatementRange || c.abatementString) {
      throw unprocessable('Give the abatement as a date (abatementDateTime or abatementPeriod).', 'Condition.abatement[x]');
    }
    const significance = c.extension?.find((e) => e.url === PROBLEM_SIGNIFICANCE_URL)?.valueCode;
    const onset = c.onsetAge ? { startedOn: null, startedAs: ageWords(c.onsetAge, 'Condition.onsetAge') }
      : startOf(c.onsetDateTime ?? c.onsetPeriod?.start, c.onsetDateTime ? 'Condition.onsetDateTime' : 'Condition.onsetPeriod.start');
    return {
      childId: subject.id,
      input: {
        kind: 'problem',
        ...codeFrom(c.code, [SNOMED], 'Condition.code'),
        status,
        startedOn: onset.startedOn,
        endedOn: c.abatementDateTime ? dateOf(c.abatementDateTime, 'Condition.abatementDateTime') : dateOf(c.abatementPeriod?.end, 'Condition.abatementPeriod.end'),
        details: { ...(significance ? { significance } : {}), ...(onset.startedAs ? { startedAs: onset.startedAs } : {}) },
        sensitiveCategory: sensitiveFrom(c.meta),
        ...sourceOf(i, c),
      },
    };
  },
  elements: {
    mapped: ['identifier', 'clinicalStatus', 'verificationStatus', 'category', 'code', 'subject', 'onsetDateTime', 'onsetPeriod', 'onsetAge', 'abatementDateTime', 'abatementPeriod'],
    kept: [
      'extension', 'identifier', 'clinicalStatus', 'verificationStatus', 'category', 'severity', 'code', 'bodySite', 'encounter', 'onsetDateTime', 'onsetPeriod', 'onsetAge',
      'abatementDateTime', 'abatementPeriod', 'recordedDate', 'recorder', 'asserter', 'stage', 'evidence', 'note',
    ],
    extensionUrls: [PROBLEM_SIGNIFICANCE_URL],
    replaces: {
      onsetPeriod: { of: 'onsetDateTime', same: sameStart },
      abatementPeriod: { of: 'abatementDateTime', same: (sent, ours) => typeof ours === 'string' && (sent as { end?: string }).end?.startsWith(ours) === true },
    },
  },
  paths: {
    codeSystem: 'Condition.code.coding.system', code: 'Condition.code.coding.code', display: 'Condition.code.text', status: 'Condition.clinicalStatus',
    startedOn: 'Condition.onsetDateTime', endedOn: 'Condition.abatementDateTime', details: 'Condition.extension', sensitiveCategory: 'Condition.meta.security',
    sourceSystem: 'Condition.identifier.system', sourceId: 'Condition.identifier.value',
  },
};

export const conditionHandler = entryHandler(conditionCodec);
