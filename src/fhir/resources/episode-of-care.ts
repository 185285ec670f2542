import type { EpisodeOfCare } from '@medplum/fhirtypes';
import { EPISODE_OF_CARE_TYPE, WARD_OUTCOME_SYSTEM, WARD_OUTCOME_URL, WARD_PATHWAY_SYSTEM } from '../codes.js';
import { codeParam, instant, metaOf, pageOf, patientParam } from './common.js';
import { seeFound, seePatient } from './access.js';
import type { Reading, ResourceHandler } from './handler.js';
import { episodes, type EpisodeRow } from './virtual-ward-rows.js';

/**
 * A child's stay on the children's virtual ward as an EpisodeOfCare (id = the
 * episode's). Read only: the ward's team moves it on Joinery's pages.
 */

const WHAT = 'Stays on the virtual ward (FHIR EpisodeOfCare)';

/**
 * The ward's state machine on FHIR's scale: waiting for a decision is the
 * waitlist; accepted but not yet home is planned; on the ward or escalated
 * is active (an escalation does not pause care); declined never started.
 */
export const EPISODE_STATUS: Record<string, EpisodeOfCare['status']> = {
  referred: 'waitlist', accepted: 'planned', 'on-ward': 'active', escalated: 'active', declined: 'cancelled', discharged: 'finished',
};
const STATUSES = ['planned', 'waitlist', 'active', 'onhold', 'finished', 'cancelled', 'entered-in-error'] as const;

const OUTCOMES: Record<string, string> = {
  'recovered-at-home': 'Recovered at home', admitted: 'Admitted to hospital', transferred: 'Transferred', 'self-discharged': 'Self-discharged',
};

function toFhir(e: EpisodeRow): EpisodeOfCare {
  const status = EPISODE_STATUS[e.state];
  const start = e.admitted_at ?? e.decided_at ?? e.referred_at;
  const end = e.discharged_at ?? (e.state === 'declined' ? e.decided_at : null);
  return {
    resourceType: 'EpisodeOfCare',
    id: e.id,
    meta: metaOf(e.version, end ?? start),
    status,
    type: [
      { coding: [{ system: EPISODE_OF_CARE_TYPE, code: 'hacc', display: 'Home and Community Care' }], text: 'Children’s virtual ward' },
      { coding: [{ system: WARD_PATHWAY_SYSTEM, code: e.pathway_id, display: e.pathway_name }], text: e.pathway_name },
    ],
    ...(e.outcome ? { extension: [{ url: WARD_OUTCOME_URL, valueCoding: { system: WARD_OUTCOME_SYSTEM, code: e.outcome, display: OUTCOMES[e.outcome] ?? e.outcome } }] } : {}),
    patient: { reference: `Patient/${e.child_id}` },
    managingOrganization: { reference: `Organization/${e.nursing_team_id}`, display: e.ward_name },
    period: { start: instant(start), ...(end ? { end: instant(end) } : {}) },
    careManager: { reference: `Practitioner/${e.consultant_id}`, display: e.consultant_name },
  };
}

async function ofChild(r: Reading, childId: string): Promise<EpisodeOfCare[]> {
  await seePatient(r, childId, WHAT);
  return (await episodes(r, { childId })).map(toFhir);
}

export const episodeOfCareHandler: ResourceHandler = {
  type: 'EpisodeOfCare',
  writable: false,
  documentation: 'Stays on the children’s virtual ward: status from the ward’s states (referred → waitlist, accepted → planned, on the ward or escalated → active, declined → cancelled, discharged → finished), the pathway as a type, the discharge outcome as an extension. Read only.',
  searchParams: [
    { name: 'patient', type: 'reference', documentation: 'Required: the child (Patient/<id>).' },
    { name: 'status', type: 'token', documentation: 'waitlist, planned, active, cancelled or finished.' },
  ],
  read: async (r, id) => toFhir(await seeFound(r, episodes(r, { id }), WHAT)),
  async search(r, query, page) {
    const status = codeParam(query, 'status', STATUSES);
    const all = await ofChild(r, patientParam(query)!);
    return pageOf(all.filter((e) => !status || e.status === status), page);
  },
  everything: ofChild,
  everyChild: async (r) => (await episodes(r, { childIds: r.accesses.map((a) => a.childId) })).map(toFhir),
};
