import type { Consent } from '@medplum/fhirtypes';
import { AGENCY_NAMES } from '../../children/index.js';
import { JOINERY_CS } from '../codes.js';
import { badRequest } from '../outcome.js';
import { consentDecisions, type ConsentDecisionRow } from '../consent-store.js';
import { pageOf, patientParam, single } from './common.js';
import { seeFound, seePatient } from './access.js';
import { chunkChildIds, inChildOrder } from './chunk.js';
import type { Reading, ResourceHandler } from './handler.js';

const STATUS: Record<ConsentDecisionRow['decision'], Consent['status']> = { given: 'active', refused: 'rejected', withdrawn: 'inactive' };
const AGENCY_SYSTEM = `${JOINERY_CS}/agency`;

/** One decision of the family's consent to share with an agency: a history, so each decision is a Consent of its own. */
function toFhir(d: ConsentDecisionRow): Consent {
  const agency = d.scope.replace('share-with-', '') as keyof typeof AGENCY_NAMES;
  const giver = d.given_by === 'young-person' ? 'The young person' : d.given_by_name ?? 'Not recorded';
  return {
    resourceType: 'Consent',
    id: d.id,
    status: STATUS[d.decision],
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy', display: 'Privacy Consent' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
    patient: { reference: `Patient/${d.child_id}` },
    dateTime: new Date(d.decided_at).toISOString(),
    performer: [{ display: giver }],
    policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: d.decision === 'given' ? 'OPTIN' : 'OPTOUT' }] },
    provision: {
      type: d.decision === 'given' ? 'permit' : 'deny',
      actor: [{
        role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP', display: 'information recipient' }] },
        reference: { display: AGENCY_NAMES[agency] ?? agency, identifier: { system: AGENCY_SYSTEM, value: agency } },
      }],
    },
    ...(d.recorded_by ? { extension: [{ url: `${JOINERY_CS}/consent-recorded-by`, valueReference: { reference: `Practitioner/${d.recorded_by}`, display: d.recorded_by_name ?? undefined } }] } : {}),
  };
}

const WHAT = 'The family’s consent to share (FHIR Consent)';

async function ofChild(r: Reading, childId: string) {
  await seePatient(r, childId, WHAT);
  return (await consentDecisions(r.tx, r.actor.icsId, { childId })).map(toFhir);
}

export const consentHandler: ResourceHandler = {
  type: 'Consent',
  writable: false,
  documentation: 'The family’s (or competent young person’s) consent to share with health, social care, education and youth justice: every decision, given (active), refused (rejected) or withdrawn (inactive). Read only.',
  searchParams: [
    { name: 'patient', type: 'reference', documentation: 'Required: the child (Patient/<id>).' },
    { name: 'status', type: 'token', documentation: 'active, rejected or inactive.' },
  ],
  read: async (r, id) => toFhir(await seeFound(r, consentDecisions(r.tx, r.actor.icsId, { id }), WHAT)),
  async search(r, query, page) {
    const status = single(query, 'status');
    if (status !== undefined && !['active', 'rejected', 'inactive'].includes(status)) throw badRequest('status must be active, rejected or inactive.', 'status');
    return pageOf((await ofChild(r, patientParam(query)!)).filter((c) => !status || c.status === status), page);
  },
  everything: ofChild,
  everyChild: async (r) => inChildOrder(r, await consentDecisions(r.tx, r.actor.icsId, { childIds: chunkChildIds(r) })).map(toFhir),
};
