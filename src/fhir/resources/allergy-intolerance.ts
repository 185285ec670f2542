import type { AllergyIntolerance } from '@medplum/fhirtypes';
import { ALLERGY_CLINICAL, ALLERGY_VERIFICATION, SNOMED } from '../codes.js';
import { unprocessable } from '../outcome.js';
import { ageWords, codeFrom, codeIn, concept, identifierOut, instant, metaOf, patientRef, sensitiveFrom, sourceOf, startOf } from './common.js';
import { entryHandler, type EntryCodec } from './entries.js';

type Category = 'food' | 'medication' | 'environment' | 'biologic';
type Severity = 'mild' | 'moderate' | 'severe';

/** An allergy or adverse reaction (kind "allergy"): its substance, first reaction and that reaction's severity. */
export const allergyCodec: EntryCodec<AllergyIntolerance> = {
  type: 'AllergyIntolerance',
  kind: 'allergy',
  documentation: 'Allergies and adverse reactions, coded in SNOMED CT, with one reaction (manifestation text and severity).',
  codeSystems: [SNOMED],
  codeParam: 'code',
  statusParam: { name: 'clinical-status', values: { active: 'active', inactive: 'inactive', resolved: 'resolved' } },
  toFhir(row) {
    const error = row.status === 'entered-in-error';
    const d = row.details as { reaction?: string; severity?: Severity; category?: Category };
    return {
      resourceType: 'AllergyIntolerance',
      id: row.id,
      meta: metaOf(row.version, row.updated_at),
      identifier: identifierOut(row.source_system, row.source_id),
      ...(error ? {} : { clinicalStatus: { coding: [{ system: ALLERGY_CLINICAL, code: row.status }] } }),
      verificationStatus: { coding: [{ system: ALLERGY_VERIFICATION, code: error ? 'entered-in-error' : 'confirmed' }] },
      category: d.category ? [d.category] : undefined,
      code: concept(row.code_system, row.code, row.display),
      patient: patientRef(row.child_id),
      onsetDateTime: row.started_on ?? undefined,
      recordedDate: instant(row.recorded_at),
      recorder: row.recorded_by_name ? { display: row.recorded_by_name } : undefined,
      reaction: d.reaction || d.severity ? [{ manifestation: [{ text: d.reaction ?? 'Reaction' }], severity: d.severity }] : undefined,
    };
  },
  async fromFhir(i, a) {
    const patient = await i.resolve(a.patient, ['Patient'], 'AllergyIntolerance.patient');
    const verification = codeIn(a.verificationStatus, ALLERGY_VERIFICATION);
    if (verification === 'refuted') throw unprocessable('A refuted allergy is not recorded.', 'AllergyIntolerance.verificationStatus');
    const clinical = codeIn(a.clinicalStatus, ALLERGY_CLINICAL);
    if ((a.category?.length ?? 0) > 1) throw unprocessable('Give one category.', 'AllergyIntolerance.category');
    if (a.onsetPeriod || a.onsetRange || a.onsetString) throw unprocessable('Give the onset as onsetDateTime or onsetAge.', 'AllergyIntolerance.onset[x]');
    const onset = a.onsetAge ? { startedOn: null, startedAs: ageWords(a.onsetAge, 'AllergyIntolerance.onsetAge') } : startOf(a.onsetDateTime, 'AllergyIntolerance.onsetDateTime');
    // Every reaction is kept as sent; the most severe is the one pages show.
    const rank = (s?: string) => ['mild', 'moderate', 'severe'].indexOf(s ?? '');
    const reaction = [...(a.reaction ?? [])].sort((x, y) => rank(y.severity) - rank(x.severity))[0];
    const manifestation = reaction?.manifestation?.map((m) => m.text ?? m.coding?.[0]?.display).filter(Boolean).join(', ');
    return {
      childId: patient.id,
      input: {
        kind: 'allergy',
        ...codeFrom(a.code, [SNOMED], 'AllergyIntolerance.code'),
        status: verification === 'entered-in-error' ? 'entered-in-error' : clinical ?? 'active',
        startedOn: onset.startedOn,
        details: {
          ...(manifestation && !(manifestation === 'Reaction' && reaction?.severity) ? { reaction: manifestation } : {}),
          ...(reaction?.severity ? { severity: reaction.severity } : {}),
          ...(a.category?.[0] ? { category: a.category[0] } : {}),
          ...(onset.startedAs ? { startedAs: onset.startedAs } : {}),
        },
        sensitiveCategory: sensitiveFrom(a.meta),
        ...sourceOf(i, a),
      },
    };
  },
  elements: {
    mapped: ['identifier', 'clinicalStatus', 'verificationStatus', 'category', 'code', 'patient', 'onsetDateTime', 'onsetAge', 'reaction'],
    kept: [
      'extension', 'identifier', 'clinicalStatus', 'verificationStatus', 'type', 'category', 'criticality', 'code', 'encounter', 'onsetDateTime', 'onsetAge',
      'recordedDate', 'recorder', 'asserter', 'lastOccurrence', 'note', 'reaction',
    ],
  },
  paths: {
    codeSystem: 'AllergyIntolerance.code.coding.system', code: 'AllergyIntolerance.code.coding.code', display: 'AllergyIntolerance.code.text',
    status: 'AllergyIntolerance.clinicalStatus', startedOn: 'AllergyIntolerance.onsetDateTime', endedOn: 'AllergyIntolerance.lastOccurrence',
    'details.reaction': 'AllergyIntolerance.reaction.manifestation', 'details.severity': 'AllergyIntolerance.reaction.severity',
    'details.category': 'AllergyIntolerance.category', details: 'AllergyIntolerance.reaction', sensitiveCategory: 'AllergyIntolerance.meta.security',
    sourceSystem: 'AllergyIntolerance.identifier.system', sourceId: 'AllergyIntolerance.identifier.value',
  },
};

export const allergyHandler = entryHandler(allergyCodec);
